"""The HS and ISIC reference codes: loading the files shipped in `core/data/` into their tables,
and the filters' choices of codes.

The choices are the same for every page in one language and change only when codes are written
(`load_taxonomies` at an install or an upgrade, the admin): each process keeps them per language
under a version in the shared cache, which every write to a code replaces, so no page reads the
hundred-odd rows again nor sees them stale (about a tenth of a search page's time at a million
listings).
"""

import json
import threading
import uuid
from pathlib import Path

from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import get_language

from karvan.core.models import HsCode, IsicCode

_VERSION_KEY = "core:taxonomy-version"
_choices: dict[tuple[str, str, str], list[tuple[str, str]]] = {}
_choices_lock = threading.Lock()

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


def taxonomy_version() -> str:
    """The current version of the codes (made on first use; a new one, never cached, without a
    reachable cache)."""
    version = cache.get(_VERSION_KEY)
    if version is None:
        cache.add(_VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(_VERSION_KEY)
    return str(version) if version is not None else ""


def bump_taxonomy_version(**_signal: object) -> None:
    """Make every process read the codes again (connected to every write of a code)."""
    cache.set(_VERSION_KEY, uuid.uuid4().hex, timeout=None)


def _cached_choices(
    name: str, rows: QuerySet[HsCode] | QuerySet[IsicCode]
) -> list[tuple[str, str]]:
    version, language = taxonomy_version(), get_language() or "en"
    key = (name, version, language)
    found = _choices.get(key) if version else None
    if found is None:
        found = [(code.code, f"{code.code} · {code.name}") for code in rows]
        if version:
            with _choices_lock:
                for other in [known for known in _choices if known[1] != version]:
                    del _choices[other]  # an older version's
                _choices[key] = found
    return list(found)


def hs_chapter_choices() -> list[tuple[str, str]]:
    """Every HS chapter as (code, "code · name") in the active language."""
    return _cached_choices("hs_chapter", HsCode.objects.filter(level=HsCode.Level.CHAPTER))


def isic_choices() -> list[tuple[str, str]]:
    """Every ISIC section and division as (code, "code · name") in the active language."""
    return _cached_choices("isic", IsicCode.objects.all())
