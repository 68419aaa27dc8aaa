"""Copy questions' and answers' stored vectors into the one vector store (kind "knowledge"), so no
text is embedded again. Re-runnable: a copied row is updated, not duplicated."""

from django.db import migrations

KIND = "knowledge"
ENGINE_LANGUAGES = {"zh-hans": "zh", "zh": "zh", "fa": "fa", "ar": "ar", "en": "en"}
BATCH = 500


def copy_post_vectors(apps, schema_editor):
    PostVector = apps.get_model("knowledge", "PostVector")
    StoredVector = apps.get_model("matching", "StoredVector")
    last = ""
    while True:
        batch = list(PostVector.objects.filter(key__gt=last).order_by("key")[:BATCH])
        if not batch:
            return
        for row in batch:
            StoredVector.objects.update_or_create(
                kind=KIND,
                key=row.key,
                defaults={
                    "vector": bytes(row.vector),
                    "model": row.model,
                    "text_hash": row.text_hash,
                    "document": {
                        "side": "request" if row.key.startswith("q") else "offer",
                        "kind": "service",
                        "language": ENGINE_LANGUAGES.get(row.language, "en"),
                        "country": "",
                        "title": row.title,
                        "description": row.text,
                        "hs_codes": [],
                        "isic_codes": [],
                        "owner": "",
                    },
                    "expires_on": None,
                    "is_active": row.is_active,
                    "indexed_at": row.indexed_at,
                },
            )
        last = batch[-1].key


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0002_fulltext_index"),
        ("matching", "0003_stored_vector"),
    ]

    operations = [
        migrations.RunPython(copy_post_vectors, migrations.RunPython.noop),
    ]
