"""Loading the HS and ISIC reference files shipped in `core/data/` into their tables."""

import json
from pathlib import Path

from django.db import transaction

from karvan.core.models import HsCode, IsicCode

DATA_DIR = Path(__file__).resolve().parent / "data"


@transaction.atomic
def load_taxonomies() -> dict[str, int]:
    """Create or update every HS and ISIC code from the shipped files; return counts per table."""
    counts = {}
    for model, filename in ((IsicCode, "isic_rev4.json"), (HsCode, "hs.json")):
        entries = json.loads((DATA_DIR / filename).read_text(encoding="utf-8"))
        for entry in entries:  # parents come first in both files
            defaults = {
                "names": entry["names"],
                "level": entry["level"],
                "parent_id": entry.get("parent"),
            }
            if model is HsCode:
                defaults["section"] = entry.get("section", "")
            model.objects.update_or_create(code=entry["code"], defaults=defaults)
        counts[str(model._meta.model_name)] = len(entries)
    return counts
