"""This process's matching indexes, one per kind of document, kept in step with the stored vectors.

Every web worker and task worker holds its own in-memory index of each kind it uses. It is built
once from the stored vectors (no model run needed) and then catches up on rows whose `indexed_at`
moved, before each use: a document indexed by any worker appears everywhere on the next request.
Deleted documents leave a tombstone (`VectorRemoval`) that the catch-up reads the same way.
"""

import datetime
import threading
from dataclasses import dataclass, field
from functools import cache

import numpy as np
from django.conf import settings
from django.utils import timezone

from karvan.matching.documents import listing_from_fields
from karvan.matching.embedders import Embedder, make_embedder
from karvan.matching.engine import MatchingIndex, reference_means
from karvan.matching.models import StoredVector, VectorRemoval
from karvan.matching.vocabulary import default_vocabulary

# Rows do not commit in the order of their `indexed_at` (a slow transaction, or a worker whose
# clock is behind, stamps earlier and commits later): each catch-up reads back this far behind the
# newest row seen, and skips the rows it has already applied.
LOOKBACK = datetime.timedelta(seconds=10)
# Tombstones are kept this long; an index that has not caught up for longer is rebuilt instead.
REMOVAL_RETENTION = datetime.timedelta(days=7)


@dataclass
class _State:
    index: MatchingIndex
    watermark: datetime.datetime | None = None
    applied: dict[str, datetime.datetime] = field(default_factory=dict)  # the look-back window's
    checked_at: datetime.datetime | None = None  # when the last catch-up began


_lock = threading.Lock()
_states: dict[str, _State] = {}


_EMBEDDER_LOCK = threading.Lock()


def get_embedder() -> Embedder:
    """The process's one embedder: under a lock, so threads asking at once load one model."""
    with _EMBEDDER_LOCK:
        return _load_embedder()


@cache
def _load_embedder() -> Embedder:
    return make_embedder(settings.KARVAN_EMBEDDER)


def warm() -> None:
    """Load what this process's first match or search would otherwise load while someone waits:
    the vocabulary, the model and each language's reference mean (the means alone embed the
    vocabulary's term lists: seconds on a busy machine)."""
    reference_means(get_embedder(), default_vocabulary())


def is_live(row: StoredVector, today: datetime.date) -> bool:
    """Whether a stored row belongs in the indexes: active, with a vector, not expired."""
    return (
        row.is_active and bool(row.vector) and (row.expires_on is None or row.expires_on >= today)
    )


def _apply(index: MatchingIndex, rows: list[StoredVector]) -> None:
    today = timezone.localdate()
    live = [row for row in rows if is_live(row, today)]
    gone = [row.key for row in rows if not is_live(row, today)]
    if gone:
        index.remove(gone)
    if live:
        vectors = np.stack([np.frombuffer(bytes(row.vector), dtype=np.float32) for row in live])
        index.upsert([listing_from_fields(row.key, row.document) for row in live], vectors)


def _catch_up(kind: str, state: _State, now: datetime.datetime) -> None:
    if state.checked_at is not None:
        removed = VectorRemoval.objects.filter(
            kind=kind, removed_at__gt=state.checked_at - LOOKBACK
        )
        state.index.remove(list(removed.values_list("key", flat=True)))
    state.checked_at = now
    rows = StoredVector.objects.filter(kind=kind, model=settings.KARVAN_EMBEDDER)
    if state.watermark is not None:
        rows = rows.filter(indexed_at__gt=state.watermark - LOOKBACK)
    found = list(rows.order_by("indexed_at"))
    fresh = [row for row in found if state.applied.get(row.key) != row.indexed_at]
    if fresh:
        _apply(state.index, fresh)
    if found:
        state.watermark = max(found[-1].indexed_at, state.watermark or found[-1].indexed_at)
        horizon = state.watermark - LOOKBACK
        state.applied = {row.key: row.indexed_at for row in found if row.indexed_at > horizon}


def current_index(kind: str) -> MatchingIndex:
    """The up-to-date index of one kind's live documents."""
    with _lock:
        now = timezone.now()
        state = _states.get(kind)
        if (
            state is not None
            and state.checked_at is not None
            and now - state.checked_at > REMOVAL_RETENTION - LOOKBACK
        ):
            state = None  # tombstones it would need may be pruned: rebuild
        if state is None:
            state = _states[kind] = _State(MatchingIndex(get_embedder()))
        _catch_up(kind, state, now)
        return state.index


def reset_index(kind: str | None = None) -> None:
    """Forget this process's index of one kind, or all (tests, and after a full re-index)."""
    with _lock:
        if kind is None:
            _states.clear()
        else:
            _states.pop(kind, None)
