"""Where the matching index lives: in this process, or in PostgreSQL with pgvector.

One interface, two stores, chosen by configuration (`KARVAN_MATCHING_STORE`):

- `memory`: every process holds the whole index (`index_cache.current_index`), catching up on the
  stored vectors before each use. The embedded default, and what SQLite or a PostgreSQL without
  pgvector use.
- `pgvector`: the vectors live in one table with an HNSW index (`matching.pgvector`); a query asks
  the database for its nearest candidates with the filters applied, and the engine ranks those.
  No process holds a copy, so any number of web and task processes share one index.
- `auto` (default): `pgvector` when the database is PostgreSQL with pgvector 0.8 or later,
  otherwise `memory`.

Every kind of document (opportunities, knowledge posts) lives in the same store, each query asking
for one kind. Callers (selectors, services) only use `current_store()`.
"""

import logging
import threading
from collections.abc import Sequence
from typing import Protocol

from django.conf import settings
from django.db import connection

from karvan.matching.engine import Listing, Match
from karvan.matching.index_cache import current_index
from karvan.matching.models import StoredVector
from karvan.matching.pgvector import PgvectorStore, pgvector_available

logger = logging.getLogger(__name__)


class MatchStore(Protocol):
    name: str

    def recommend(
        self, kind: str, listing: Listing, *, top: int, min_score: float | None = None
    ) -> list[Match]:
        """Complementary partners for a listing among one kind's documents, best first (the
        engine's `recommend`)."""

    def search(
        self,
        kind: str,
        query: str,
        *,
        top: int,
        side: str | None = None,
        min_score: float | None = None,
    ) -> list[Match]:
        """One kind's documents about a free-text query, best first (the engine's `search`)."""

    def store_vectors(self, kind: str, rows: Sequence[StoredVector]) -> None:
        """Take changed `StoredVector` rows into the index (the memory store reads them itself)."""

    def remove(self, kind: str, keys: Sequence[str]) -> None:
        """Drop deleted documents (the memory store reads their tombstones itself)."""


class MemoryStore:
    """The engine's in-process index, kept in step with the stored vectors."""

    name = "memory"

    def recommend(
        self, kind: str, listing: Listing, *, top: int, min_score: float | None = None
    ) -> list[Match]:
        return current_index(kind).recommend(listing, top=top, min_score=min_score)

    def search(
        self,
        kind: str,
        query: str,
        *,
        top: int,
        side: str | None = None,
        min_score: float | None = None,
    ) -> list[Match]:
        return current_index(kind).search(query, top=top, side=side, min_score=min_score)

    def store_vectors(self, kind: str, rows: Sequence[StoredVector]) -> None:
        return None  # each process's index catches up from the rows on its next use

    def remove(self, kind: str, keys: Sequence[str]) -> None:
        return None  # each process's index reads the tombstones on its next use


_lock = threading.Lock()
_stores: dict[str, MatchStore] = {}


def _choose() -> str:
    wanted = settings.KARVAN_MATCHING_STORE
    if wanted in {"memory", "pgvector"}:
        return str(wanted)
    return "pgvector" if pgvector_available() else "memory"


def current_store() -> MatchStore:
    """The store this process uses (decided once per database connection settings)."""
    key = f"{connection.vendor}:{connection.settings_dict.get('NAME')}"
    with _lock:
        store = _stores.get(key)
        if store is None:
            name = _choose()
            store = PgvectorStore() if name == "pgvector" else MemoryStore()
            logger.info("matching store: %s", store.name)
            _stores[key] = store
        return store


def reset_store() -> None:
    """Choose again on next use (tests; after installing the extension)."""
    with _lock:
        _stores.clear()
