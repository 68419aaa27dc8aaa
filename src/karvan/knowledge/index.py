"""This process's cross-lingual index of questions and answers.

The same engine, embedder and stored-vector scheme as the matching layer
(`karvan.matching.index_cache`): each post is an engine `Listing` (questions on the request side,
answers on the offer side, both of kind "service"), its vector is embedded once by the platform's
embedder and stored in `PostVector`, and every process's index catches up from `indexed_at`.
"""

import datetime
import threading

import numpy as np
from django.conf import settings

from karvan.knowledge.models import PostVector
from karvan.matching.adapters import ENGINE_LANGUAGES
from karvan.matching.engine import Listing, MatchingIndex
from karvan.matching.index_cache import LOOKBACK, get_embedder

_lock = threading.Lock()
_index: MatchingIndex | None = None
_watermark: datetime.datetime | None = None
_applied: dict[str, datetime.datetime] = {}


def to_listing(row: PostVector) -> Listing:
    return Listing(
        id=row.key,
        side="request" if row.key.startswith("q") else "offer",
        kind="service",
        language=ENGINE_LANGUAGES.get(row.language, "en"),
        country="",
        title=row.title,
        description=row.text,
        owner="",
    )


def current_knowledge_index() -> MatchingIndex:
    """The up-to-date index of visible questions and answers."""
    global _index, _watermark, _applied
    with _lock:
        if _index is None:
            _index = MatchingIndex(get_embedder())
        rows = PostVector.objects.filter(model=settings.KARVAN_EMBEDDER)
        if _watermark is not None:
            rows = rows.filter(indexed_at__gt=_watermark - LOOKBACK)
        rows = list(rows.order_by("indexed_at"))
        fresh = [row for row in rows if _applied.get(row.key) != row.indexed_at]
        gone = [row.key for row in fresh if not row.is_active or not row.vector]
        active = [row for row in fresh if row.is_active and row.vector]
        if gone:
            _index.remove(gone)
        if active:
            vectors = np.stack(
                [np.frombuffer(bytes(row.vector), dtype=np.float32) for row in active]
            )
            _index.upsert([to_listing(row) for row in active], vectors)
        if rows:
            _watermark = max(rows[-1].indexed_at, _watermark or rows[-1].indexed_at)
            horizon = _watermark - LOOKBACK
            _applied = {row.key: row.indexed_at for row in rows if row.indexed_at > horizon}
        return _index


def reset_knowledge_index() -> None:
    """Forget this process's index (tests, and after a full re-index)."""
    global _index, _watermark, _applied
    with _lock:
        _index, _watermark, _applied = None, None, {}
