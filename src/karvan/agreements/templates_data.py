"""The agreement templates shipped with Karvan (data/templates.json), loaded by key."""

import json
from pathlib import Path

from karvan.agreements.documents.canonical import placeholders_in
from karvan.agreements.models import AgreementTemplate

TEMPLATES_FILE = Path(__file__).resolve().parent / "data" / "templates.json"


def template_placeholders(body: dict[str, str]) -> list[str]:
    names: list[str] = []
    for text in body.values():
        names.extend(name for name in placeholders_in(text) if name not in names)
    return names


def load_agreement_templates(*, using: str = "default", update: bool = True) -> int:
    """Create the shipped templates; with update=True also overwrite them. Returns how many."""
    entries = json.loads(TEMPLATES_FILE.read_text(encoding="utf-8"))["templates"]
    count = 0
    for entry in entries:
        values = {
            "kind": entry["kind"],
            "title": entry["title"],
            "body": entry["body"],
            "placeholders": template_placeholders(entry["body"]),
        }
        if update:
            AgreementTemplate.objects.using(using).update_or_create(
                key=entry["key"], defaults=values
            )
        else:
            AgreementTemplate.objects.using(using).get_or_create(key=entry["key"], defaults=values)
        count += 1
    return count
