"""Record each organisation verified before identity versions were kept as its first version."""

from django.db import migrations


def record(apps, schema_editor):  # noqa: ANN001, ANN201
    Organisation = apps.get_model("directory", "Organisation")  # noqa: N806
    IdentityRevision = apps.get_model("directory", "IdentityRevision")  # noqa: N806
    rows = Organisation.objects.filter(verification="verified", identity_revisions__isnull=True)
    batch = []
    for organisation in rows.iterator(chunk_size=500):
        batch.append(
            IdentityRevision(
                organisation=organisation,
                name=organisation.name,
                original_language=organisation.original_language,
                country=organisation.country,
                registry_id=organisation.registry_id,
                status="approved",
                decided_at=organisation.verified_at,
            )
        )
        if len(batch) >= 500:
            IdentityRevision.objects.bulk_create(batch)
            batch = []
    IdentityRevision.objects.bulk_create(batch)


def forget(apps, schema_editor):  # noqa: ANN001, ANN201
    IdentityRevision = apps.get_model("directory", "IdentityRevision")  # noqa: N806
    IdentityRevision.objects.filter(
        status="approved", requested_by__isnull=True, decided_by__isnull=True, previous={}
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_organisation_identity_revisions")]

    operations = [migrations.RunPython(record, forget)]
