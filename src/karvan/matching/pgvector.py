"""The matching store in PostgreSQL: listing vectors in a `vector` column with an HNSW index.

The table `matching_listing_embedding_<dimensions>` holds one row per open listing: its vector,
the columns queries filter on (side, kind, country, owner, expiry) and the HS headings it names or
implies. A query is one SQL statement: the listing's nearest neighbours by cosine distance among
the rows that pass the filters (pgvector's iterative index scan keeps reading the HNSW index until
enough rows pass), together with the nearest of those sharing an HS heading. The engine then ranks
these candidates with the same weights, reasons and threshold as the in-process index; the corpus
statistics it uses (word and concept rarity, language means) are those of the candidates.

Requires pgvector 0.8 or later (iterative scans). The table is created on first use, and filled
from the stored vectors when it is new (`karvan matching_store --sync` refills it).
"""

import logging
import threading
from collections.abc import Iterable, Sequence

import numpy as np
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from karvan.matching.adapters import to_listing
from karvan.matching.engine import Listing, Match, MatchingIndex
from karvan.matching.index_cache import get_embedder
from karvan.matching.models import ListingVector
from karvan.opportunities.models import Opportunity

logger = logging.getLogger(__name__)

MIN_VERSION = (0, 8)
# Candidates the database returns for the engine to rank: nearest by vector, and nearest among
# those sharing an HS heading (what the in-process index finds through its postings).
NEAREST = 96
SAME_HEADING = 32
EF_SEARCH = 128
SYNC_BATCH = 1000


def _version(text: str | None) -> tuple[int, ...]:
    return tuple(int(part) for part in (text or "0").split(".")[:2] if part.isdigit())


def pgvector_available() -> bool:
    """Whether this database is PostgreSQL with pgvector 0.8 or later (installing it if allowed)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT default_version FROM pg_available_extensions WHERE name = 'vector'")
        available = cursor.fetchone()
        if available is None or _version(available[0]) < MIN_VERSION:
            return False
        cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
        installed = cursor.fetchone()
        if installed is None:
            try:
                with transaction.atomic():
                    cursor.execute("CREATE EXTENSION IF NOT EXISTS vector")
            except DatabaseError as error:
                logger.warning("pgvector is available but cannot be created here: %s", error)
                return False
            cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
            installed = cursor.fetchone()
    return installed is not None and _version(installed[0]) >= MIN_VERSION


def _literal(vector: np.ndarray) -> str:
    return "[" + ",".join(f"{value:.7g}" for value in vector.tolist()) + "]"


class PgvectorStore:
    name = "pgvector"

    def __init__(self) -> None:
        self.dim = int(get_embedder().dim)
        self.table = f"matching_listing_embedding_{self.dim}"
        self._ready = False
        self._lock = threading.Lock()
        self._probe = MatchingIndex(get_embedder())  # features only: never holds a listing

    # --- Schema ------------------------------------------------------------------------------

    def ensure_schema(self) -> None:
        """Create the table and its indexes once; fill it when new."""
        if self._ready:
            return
        with self._lock:
            if self._ready:
                return
            opportunities = Opportunity._meta.db_table
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [self.table])
                cursor.execute("SELECT to_regclass(%s)", [self.table])
                is_new = cursor.fetchone()[0] is None
                cursor.execute(
                    f"CREATE TABLE IF NOT EXISTS {self.table} ("
                    f" opportunity_id bigint PRIMARY KEY"
                    f"  REFERENCES {opportunities}(id) ON DELETE CASCADE,"
                    f" model varchar(200) NOT NULL,"
                    f" embedding vector({self.dim}) NOT NULL,"
                    f" side varchar(16) NOT NULL,"
                    f" kind varchar(16) NOT NULL,"
                    f" country varchar(8) NOT NULL,"
                    f" owner_id bigint NOT NULL,"
                    f" expires_on date NULL,"
                    f" hs_headings text[] NOT NULL DEFAULT '{{}}')"
                )
                cursor.execute(
                    f"CREATE INDEX IF NOT EXISTS {self.table}_hnsw ON {self.table}"
                    f" USING hnsw (embedding vector_cosine_ops)"
                )
                cursor.execute(
                    f"CREATE INDEX IF NOT EXISTS {self.table}_headings ON {self.table}"
                    f" USING gin (hs_headings)"
                )
                if is_new:
                    self._sync_locked()
                # Known to exist once committed (a rolled-back creation must be made again).
                transaction.on_commit(lambda: setattr(self, "_ready", True))

    def sync(self) -> int:
        """Refill the table from the stored vectors; return how many rows it holds."""
        self.ensure_schema()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [self.table])
            return self._sync_locked()

    def _sync_locked(self) -> int:
        from django.conf import settings

        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.table}")  # noqa: S608  # our own table name
        rows = (
            ListingVector.objects.filter(model=settings.KARVAN_EMBEDDER, is_active=True)
            .select_related("opportunity", "opportunity__organisation")
            .prefetch_related("opportunity__hs_codes", "opportunity__sectors")
            .order_by("pk")
        )
        total, last = 0, 0
        while True:
            batch = list(rows.filter(pk__gt=last)[:SYNC_BATCH])
            if not batch:
                return total
            self._write(batch)
            total += len(batch)
            last = batch[-1].pk

    # --- Writes ------------------------------------------------------------------------------

    def _headings(self, listing: Listing) -> list[str]:
        features = self._probe.features(listing)
        return sorted(key[3:] for key in features.hs if key.startswith("h4:"))

    def store_vectors(self, rows: Iterable[ListingVector]) -> None:
        self.ensure_schema()
        self._write(list(rows))

    def _write(self, rows: Sequence[ListingVector]) -> None:
        live = [row for row in rows if row.is_active and row.vector and row.opportunity.is_open]
        gone = [row.opportunity_id for row in rows if row not in live]
        with connection.cursor() as cursor:
            if gone:
                cursor.execute(
                    f"DELETE FROM {self.table} WHERE opportunity_id = ANY(%s)",  # noqa: S608
                    [gone],
                )
            values = []
            for row in live:
                listing = to_listing(row.opportunity)
                vector = np.frombuffer(bytes(row.vector), dtype=np.float32)
                values.append(
                    (
                        row.opportunity_id,
                        row.model,
                        _literal(vector),
                        listing.side,
                        listing.kind,
                        listing.country.upper(),
                        int(listing.owner or 0),
                        row.opportunity.expires_on,
                        self._headings(listing),
                    )
                )
            if values:
                cursor.executemany(
                    f"INSERT INTO {self.table} (opportunity_id, model, embedding, side, kind,"  # noqa: S608
                    " country, owner_id, expires_on, hs_headings)"
                    " VALUES (%s, %s, %s::vector, %s, %s, %s, %s, %s, %s)"
                    " ON CONFLICT (opportunity_id) DO UPDATE SET model = EXCLUDED.model,"
                    " embedding = EXCLUDED.embedding, side = EXCLUDED.side, kind = EXCLUDED.kind,"
                    " country = EXCLUDED.country, owner_id = EXCLUDED.owner_id,"
                    " expires_on = EXCLUDED.expires_on, hs_headings = EXCLUDED.hs_headings",
                    values,
                )

    # --- Queries -----------------------------------------------------------------------------

    def candidates(
        self,
        vector: np.ndarray,
        *,
        sides: Sequence[str],
        headings: Sequence[str] = (),
        exclude_owner: int | None = None,
        kinds: Sequence[str] = (),
        countries: Sequence[str] = (),
    ) -> list[tuple[int, np.ndarray]]:
        """Open listings near `vector` passing the filters, with their vectors: one query."""
        from django.conf import settings

        self.ensure_schema()
        where = ["model = %s", "side = ANY(%s)", "(expires_on IS NULL OR expires_on >= %s)"]
        params: list[object] = [settings.KARVAN_EMBEDDER, list(sides), timezone.localdate()]
        if exclude_owner is not None:
            where.append("owner_id <> %s")
            params.append(exclude_owner)
        if kinds:
            where.append("kind = ANY(%s)")
            params.append(list(kinds))
        if countries:
            where.append("country = ANY(%s)")
            params.append([country.upper() for country in countries])
        condition = " AND ".join(where)
        literal = _literal(vector)
        sql = (
            f"(SELECT opportunity_id, embedding::real[] FROM {self.table} WHERE {condition}"  # noqa: S608
            f" ORDER BY embedding <=> %s::vector LIMIT {NEAREST})"
        )
        query_params = [*params, literal]
        if headings:
            sql += (
                f" UNION (SELECT opportunity_id, embedding::real[] FROM {self.table}"  # noqa: S608
                f" WHERE {condition} AND hs_headings && %s"
                f" ORDER BY embedding <=> %s::vector LIMIT {SAME_HEADING})"
            )
            query_params += [*params, list(headings), literal]
        with transaction.atomic(), connection.cursor() as cursor:
            # Filters are applied while the HNSW index is read, until enough rows pass them.
            cursor.execute("SELECT set_config('hnsw.iterative_scan', 'relaxed_order', true)")
            cursor.execute("SELECT set_config('hnsw.ef_search', %s, true)", [str(EF_SEARCH)])
            cursor.execute(sql, query_params)
            return [
                (int(pk), np.asarray(values, dtype=np.float32)) for pk, values in cursor.fetchall()
            ]

    def _ranking_index(
        self, found: list[tuple[int, np.ndarray]], extra: Sequence[tuple[Listing, np.ndarray]]
    ) -> MatchingIndex:
        opportunities = (
            Opportunity.objects.select_related("organisation")
            .prefetch_related("hs_codes", "sectors")
            .in_bulk([pk for pk, _vector in found])
        )
        listings, vectors = [], []
        for pk, vector in found:
            opportunity = opportunities.get(pk)
            if opportunity is not None and opportunity.is_open:
                listings.append(to_listing(opportunity))
                vectors.append(vector)
        for listing, vector in extra:
            listings.append(listing)
            vectors.append(vector)
        index = MatchingIndex(get_embedder())
        if listings:
            index.upsert(listings, np.stack(vectors))
        return index

    def _vector_of(self, listing: Listing) -> np.ndarray:
        stored = ListingVector.objects.filter(opportunity_id=listing.id, is_active=True).first()
        if stored is not None and stored.vector:
            return np.frombuffer(bytes(stored.vector), dtype=np.float32)
        text = f"{listing.title}\n{listing.description}"
        return get_embedder().embed_passages([text])[0].astype(np.float32)

    def recommend(
        self, listing: Listing, *, top: int, min_score: float | None = None
    ) -> list[Match]:
        if top <= 0:
            return []
        vector = self._vector_of(listing) if listing.id.isdigit() else None
        if vector is None:
            text = f"{listing.title}\n{listing.description}"
            vector = get_embedder().embed_passages([text])[0].astype(np.float32)
        own = listing.side
        other = "request" if own == "offer" else "offer"
        owner = int(listing.owner) if listing.owner.isdigit() else None
        headings = self._headings(listing)
        found = self.candidates(vector, sides=[other], headings=headings, exclude_owner=owner)
        if len(found) < top:  # too few complementary ones: competitors follow, as in memory
            found += self.candidates(vector, sides=[own], headings=headings, exclude_owner=owner)
        found = [(pk, v) for pk, v in found if str(pk) != listing.id]
        index = self._ranking_index(found, [(listing, vector)])
        return index.recommend(listing, top=top, min_score=min_score)

    def search(
        self,
        query: str,
        *,
        top: int,
        side: str | None = None,
        min_score: float | None = None,
    ) -> list[Match]:
        if not query.strip() or top <= 0:
            return []
        vector = get_embedder().embed_passages([query])[0].astype(np.float32)
        probe = Listing(
            id="", side="offer", kind="product", language="en", country="", title=query,
            description="",
        )  # fmt: skip
        sides = [side] if side in {"offer", "request"} else ["offer", "request"]
        found = self.candidates(vector, sides=sides, headings=self._headings(probe))
        return self._ranking_index(found, []).search(query, top=top, side=side, min_score=min_score)
