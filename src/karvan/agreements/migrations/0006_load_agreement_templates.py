"""Install the agreement templates shipped in data/templates.json (formerly done on post_migrate).

Creates the templates that are missing, by key; a template already there, perhaps edited by the
staff, is left as it is, so the migration can run twice. Later changes to the file reach an
installation through `karvan agreements load-templates` (which overwrites). The reverse leaves the
templates: agreements refer to them.
"""

import json
import re
from pathlib import Path

from django.db import migrations

TEMPLATES_FILE = Path(__file__).resolve().parents[1] / "data" / "templates.json"
PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]{0,40})\}")  # a copy: migrations import no app code


def _placeholders(body: dict[str, str]) -> list[str]:
    names: list[str] = []
    for text in body.values():
        names.extend(name for name in PLACEHOLDER.findall(text) if name not in names)
    return names


def forwards(apps: object, schema_editor: object) -> None:
    template = apps.get_model("agreements", "AgreementTemplate")  # type: ignore[attr-defined]
    using = schema_editor.connection.alias  # type: ignore[attr-defined]
    entries = json.loads(TEMPLATES_FILE.read_text(encoding="utf-8"))["templates"]
    for entry in entries:
        template.objects.using(using).get_or_create(
            key=entry["key"],
            defaults={
                "kind": entry["kind"],
                "title": entry["title"],
                "body": entry["body"],
                "placeholders": _placeholders(entry["body"]),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("agreements", "0005_move_sealed_pdfs_to_private_storage")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
