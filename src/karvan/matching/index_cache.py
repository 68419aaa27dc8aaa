"""This process's matching index, kept in step with the stored vectors.

Every web worker and task worker holds its own in-memory index. It is built once from the stored
vectors (no model run needed) and then catches up on rows whose `indexed_at` moved, before each use:
an opportunity indexed by any worker appears everywhere on the next request. Deleted opportunities
leave a tombstone (`ListingRemoval`) that the catch-up reads the same way.
"""

import datetime
import threading
from functools import cache

import numpy as np
from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from karvan.matching.adapters import to_listing
from karvan.matching.embedders import Embedder, make_embedder
from karvan.matching.engine import MatchingIndex
from karvan.matching.models import ListingRemoval, ListingVector

# Rows do not commit in the order of their `indexed_at` (a slow transaction, or a worker whose
# clock is behind, stamps earlier and commits later): each catch-up reads back this far behind the
# newest row seen, and skips the rows it has already applied.
LOOKBACK = datetime.timedelta(seconds=10)
# Tombstones are kept this long; an index that has not caught up for longer is rebuilt instead.
REMOVAL_RETENTION = datetime.timedelta(days=7)

_lock = threading.Lock()
_index: MatchingIndex | None = None
_watermark: datetime.datetime | None = None
_applied: dict[int, datetime.datetime] = {}  # the rows of the look-back window already applied
_checked_at: datetime.datetime | None = None  # when the last catch-up began


@cache
def get_embedder() -> Embedder:
    return make_embedder(settings.KARVAN_EMBEDDER)


def _rows(since: object = None) -> list[ListingVector]:
    rows = (
        ListingVector.objects.filter(model=settings.KARVAN_EMBEDDER)
        .select_related("opportunity", "opportunity__organisation")
        .prefetch_related(Prefetch("opportunity__hs_codes"), Prefetch("opportunity__sectors"))
    )
    if since is not None:
        rows = rows.filter(indexed_at__gt=since)
    return list(rows.order_by("indexed_at"))


def _apply(index: MatchingIndex, rows: list[ListingVector]) -> None:
    active = [row for row in rows if row.is_active and row.opportunity.is_open]
    gone = [str(row.opportunity_id) for row in rows if row not in active]
    if gone:
        index.remove(gone)
    if active:
        vectors = np.stack([np.frombuffer(bytes(row.vector), dtype=np.float32) for row in active])
        index.upsert([to_listing(row.opportunity) for row in active], vectors)


def _apply_removals(index: MatchingIndex, since: datetime.datetime) -> None:
    removed = ListingRemoval.objects.filter(removed_at__gt=since - LOOKBACK)
    index.remove(
        [str(opportunity_id) for opportunity_id in removed.values_list("opportunity_id", flat=True)]
    )


def current_index() -> MatchingIndex:
    """The up-to-date index of open opportunities."""
    global _index, _watermark, _applied, _checked_at
    with _lock:
        now = timezone.now()
        if _checked_at is not None and now - _checked_at > REMOVAL_RETENTION - LOOKBACK:
            _index, _watermark, _applied, _checked_at = None, None, {}, None
        if _index is None:
            _index = MatchingIndex(get_embedder())
        elif _checked_at is not None:
            _apply_removals(_index, _checked_at)
        _checked_at = now
        rows = _rows(None if _watermark is None else _watermark - LOOKBACK)
        fresh = [row for row in rows if _applied.get(row.opportunity_id) != row.indexed_at]
        if fresh:
            _apply(_index, fresh)
        if rows:
            _watermark = max(rows[-1].indexed_at, _watermark or rows[-1].indexed_at)
            horizon = _watermark - LOOKBACK
            _applied = {
                row.opportunity_id: row.indexed_at for row in rows if row.indexed_at > horizon
            }
        return _index


def reset_index() -> None:
    """Forget this process's index (tests, and after a full re-index)."""
    global _index, _watermark, _applied, _checked_at
    with _lock:
        _index, _watermark, _applied, _checked_at = None, None, {}, None
