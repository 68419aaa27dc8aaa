"""Datasets of the development-set format (`shared/bench/matching/README.md`) through the engine.

What `karvan match rank` and `bench/matching_quality.py` run; the product builds its listings from
its tables instead (`matching/adapters.py`).
"""

from collections.abc import Callable, Mapping

from karvan.matching.embedders import Embedder
from karvan.matching.engine.index import MatchingIndex
from karvan.matching.engine.records import Listing
from karvan.matching.engine.settings import DEFAULT_SETTINGS, EngineSettings


def listing_from_item(item: Mapping[str, object]) -> Listing:
    """A listing from an item of the development-set format (`lang`, `hs`)."""

    def text(key: str) -> str:
        value = item.get(key, "")
        return value if isinstance(value, str) else ""

    def codes(key: str) -> tuple[str, ...]:
        value = item.get(key, ())
        if isinstance(value, list | tuple):
            return tuple(str(code) for code in value)
        return ()

    language = text("lang") or text("language")
    return Listing(
        id=text("id"),
        side=text("side"),
        kind=text("kind"),
        language="zh" if language.lower().startswith("zh") else language,
        country=text("country"),
        title=text("title"),
        description=text("description"),
        hs_codes=codes("hs") or codes("hs_codes"),
        isic_codes=codes("isic") or codes("isic_codes"),
        owner=text("owner"),
    )


Progress = Callable[[str, int, int], None]


def rank_dataset(
    dataset: Mapping[str, object],
    *,
    top: int,
    embedder: Embedder,
    settings: EngineSettings = DEFAULT_SETTINGS,
    progress: Progress | None = None,
    shown: bool = False,
) -> dict[str, list[str]]:
    """Rankings of a dataset in the development-set format: query item id → item ids, best first.

    With `shown`, each list holds only what the product would show: complementary items scoring
    at least `settings.shown_threshold`, at most `top`. Raises ValueError when the dataset has no
    list of items.
    """
    raw_items = dataset.get("items")
    if not isinstance(raw_items, list):
        raise ValueError("the dataset has no list of items")
    listings = [listing_from_item(item) for item in raw_items if isinstance(item, Mapping)]
    index = MatchingIndex(embedder, settings)
    batch = 256
    for start in range(0, len(listings), batch):
        index.upsert(listings[start : start + batch])
        if progress is not None:
            progress("indexed", min(start + batch, len(listings)), len(listings))
    by_id = {listing.id: listing for listing in listings}
    raw_queries = dataset.get("queries")
    queries = [
        str(query.get("item"))
        for query in (raw_queries if isinstance(raw_queries, list) else [])
        if isinstance(query, Mapping) and str(query.get("item")) in by_id
    ]
    rankings: dict[str, list[str]] = {}
    for number, query_id in enumerate(queries, start=1):
        min_score = settings.shown_threshold if shown else None
        matches = index.recommend(by_id[query_id], top=top, min_score=min_score)
        rankings[query_id] = [match.id for match in matches]
        if progress is not None and (number % 100 == 0 or number == len(queries)):
            progress("ranked", number, len(queries))
    return rankings
