"""Existing tokens get the fingerprint of their person's current password, so they keep working
until that password changes. Re-runnable; the reverse empties the fingerprints."""

from django.db import migrations
from django.utils.crypto import salted_hmac


def forwards(apps: object, schema_editor: object) -> None:
    token_model = apps.get_model("accounts", "ApiToken")  # type: ignore[attr-defined]
    for token in token_model.objects.select_related("user").iterator(chunk_size=500):
        token.password_fingerprint = salted_hmac(
            "karvan.accounts.api-token", token.user.password or "", algorithm="sha256"
        ).hexdigest()
        token.save(update_fields=["password_fingerprint"])


def backwards(apps: object, schema_editor: object) -> None:
    apps.get_model("accounts", "ApiToken").objects.update(password_fingerprint="")  # type: ignore[attr-defined]


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_api_token_scope_expiry_password")]

    operations = [migrations.RunPython(forwards, backwards)]
