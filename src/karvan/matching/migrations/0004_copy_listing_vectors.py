"""Copy opportunities' stored vectors into the one vector store, so no text is embedded again.

The listing's fields are copied as the engine sees them (`opportunities.matching.adapters`), read
through the historical models. Re-runnable: a copied row is updated, not duplicated.
"""

from django.db import migrations

KIND = "opportunity"
ENGINE_LANGUAGES = {"zh-hans": "zh", "zh": "zh", "fa": "fa", "ar": "ar", "en": "en"}
BATCH = 500


def copy_listing_vectors(apps, schema_editor):
    ListingVector = apps.get_model("matching", "ListingVector")
    StoredVector = apps.get_model("matching", "StoredVector")
    rows = ListingVector.objects.select_related("opportunity__organisation").prefetch_related(
        "opportunity__hs_codes", "opportunity__sectors"
    )
    last = 0
    while True:
        batch = list(rows.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not batch:
            return
        for row in batch:
            opportunity = row.opportunity
            is_open = opportunity.status == "published"
            StoredVector.objects.update_or_create(
                kind=KIND,
                key=str(opportunity.pk),
                defaults={
                    "vector": bytes(row.vector),
                    "model": row.model,
                    "text_hash": row.text_hash,
                    "document": {
                        "side": opportunity.side,
                        "kind": opportunity.kind,
                        "language": ENGINE_LANGUAGES.get(opportunity.language, "en"),
                        "country": opportunity.organisation.country,
                        "title": opportunity.title,
                        "description": opportunity.description,
                        "hs_codes": [code.code for code in opportunity.hs_codes.all()],
                        "isic_codes": [code.code for code in opportunity.sectors.all()],
                        "owner": str(opportunity.organisation_id),
                    },
                    "expires_on": opportunity.expires_on,
                    "is_active": row.is_active and is_open,
                    "indexed_at": row.indexed_at,
                    "alerted_at": row.alerted_at,
                },
            )
        last = batch[-1].pk


def drop_old_pgvector_tables(apps, schema_editor):
    """The pgvector store's old per-opportunity table; the new one is created and filled on use."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            " AND tablename LIKE 'matching\\_listing\\_embedding\\_%%'"
        )
        for (table,) in cursor.fetchall():
            cursor.execute(f'DROP TABLE IF EXISTS "{table}"')


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0003_stored_vector"),
        ("opportunities", "0005_move_attachments_to_private_storage"),
    ]

    operations = [
        migrations.RunPython(copy_listing_vectors, migrations.RunPython.noop),
        migrations.RunPython(drop_old_pgvector_tables, migrations.RunPython.noop),
    ]
