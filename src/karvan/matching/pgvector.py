"""The matching store in PostgreSQL: document vectors in a `vector` column with an HNSW index.

The table `matching_vector_<dimensions>` holds one row per live document of every kind: its
vector, the columns queries filter on (kind, side, listing kind, country, owner, expiry), the HS
headings it names or implies, and the listing's fields. A query is one SQL statement: the nearest
neighbours by cosine distance among the rows of one kind that pass the filters (pgvector's
iterative index scan keeps reading the HNSW index until enough rows pass), together with the
nearest of those sharing an HS heading, together with the nearest of the rows written since the
graph was last built, ranked exactly (an inserted vector can be unreachable through the graph;
beat rebuilds it weekly, `karvan matching_store --rebuild-graph` at once). The engine then ranks
these candidates with the same weights, reasons and threshold as the in-process index; the corpus
statistics it uses (word and concept rarity, language means) are those of the candidates.

Requires pgvector 0.8 or later (iterative scans). The table is created on first use, and filled
from the stored vectors when it is new (`karvan matching_store --sync` refills it).
"""

import datetime
import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache, partial

import numpy as np
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from karvan.matching.documents import listing_fields, listing_from_fields
from karvan.matching.engine import DEFAULT_SETTINGS, FeatureCache, Listing, Match, MatchingIndex
from karvan.matching.engine.features import (
    FEATURES_FORMAT,
    features_from_data,
    features_to_data,
)
from karvan.matching.engine.index import search_probe
from karvan.matching.index_cache import get_embedder, is_live
from karvan.matching.models import StoredVector
from karvan.matching.results import bump_index_version
from karvan.matching.vocabulary import DATA_FILE, NOT_CONCEPTS_FILE, default_vocabulary

logger = logging.getLogger(__name__)

MIN_VERSION = (0, 8)
# Candidates the database returns for the engine to rank: nearest by vector, and nearest among
# those sharing an HS heading (what the in-process index finds through its postings).
NEAREST = 96
SAME_HEADING = 32
# Rows written since the HNSW graph was last built are also ranked exactly: an inserted vector
# whose neighbours already hold closer ones gets no link back and the graph cannot reach it (at a
# million synthetic listings a new request was missing from its identical offer's results).
FRESH = 32
EF_SEARCH = 128
# The nearest rows sharing a heading are read whichever way reads fewer rows: where few rows of the
# wanted side share it, all of them through the side-headings GIN index, ranked exactly (1 to 2 µs
# a row); where many do, through the HNSW index until enough pass the filters (about 7 µs a row
# walked, and the walk grows as the share shrinks). At a million listings the graph walked 17,000
# rows (125 ms) for headings 7,000 rows share, which the exact ranking reads in 38 ms, and in 4 to
# 8 ms once only the wanted side's rows are read. The walk is capped for the same reason: past
# it, the nearest found sharing the heading are enough.
EXACT_HEADING_ROWS = 12_000
MAX_SCAN_TUPLES = 10_000
# How long a process trusts the planner's statistics of the headings (ANALYZE refreshes them).
HEADING_STATS_AGE = 600.0
SYNC_BATCH = 1000
# Listings whose features each process keeps (about 5 KiB each, 20 MiB in all): the candidates of
# recent queries, so that a candidate met again is not read again.
FEATURE_CACHE_SIZE = 4096
# Search queries whose embedding each process keeps (1.5 KiB each).
QUERY_CACHE_SIZE = 1024


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


@cache
def features_fingerprint() -> str:
    """What the stored features were computed with: the vocabulary's files, the engine's
    settings and the format; features of another fingerprint are computed again."""
    digest = hashlib.sha256(f"{FEATURES_FORMAT}\n{DEFAULT_SETTINGS!r}\n".encode())
    for path in (DATA_FILE, NOT_CONCEPTS_FILE):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def side_headings(sides: Sequence[str], headings: Sequence[str]) -> list[str]:
    """The keys of the side-headings index ("request:0802") for rows of these sides naming one
    of these headings."""
    return [f"{side}:{heading}" for side in sides for heading in headings]


@dataclass(frozen=True)
class HeadingStatistics:
    """How many rows of a side share each HS heading, as PostgreSQL's statistics of the
    side-headings index estimate it: the table's row count and the share of rows under each
    common key ("request:0802"); a key not among the common ones is rarer than the rarest listed
    (`floor`)."""

    rows: float = 0.0
    shares: dict[str, float] = field(default_factory=dict)
    floor: float = 0.0
    read_at: float = 0.0

    def rows_sharing(self, keys: Sequence[str]) -> float:
        """At most how many rows are under one of these side-headings keys."""
        return self.rows * sum(self.shares.get(key, self.floor) for key in keys)


def _literal(vector: np.ndarray) -> str:
    return "[" + ",".join(f"{value:.7g}" for value in vector.tolist()) + "]"


def _embed_text(listing: Listing) -> np.ndarray:
    text = f"{listing.title}\n{listing.description}"
    return get_embedder().embed_passages([text])[0].astype(np.float32)


class PgvectorStore:
    name = "pgvector"

    def __init__(self) -> None:
        self.dim = int(get_embedder().dim)
        self.table = f"matching_vector_{self.dim}"
        # Each row's features (concepts, codes, words), kept beside it: a query's candidates
        # are mostly listings this process has not read yet, and computing their features was
        # half of a recommendation's time at a million listings.
        self.features_table = f"{self.table}_features"
        self.features_fingerprint = features_fingerprint()
        self._ready = False
        self._lock = threading.Lock()
        # The latest queries' embeddings: people search the same words.
        self._query_vector = lru_cache(maxsize=QUERY_CACHE_SIZE)(self._embed_query)
        self._heading_statistics = HeadingStatistics()
        self._features = FeatureCache(
            DEFAULT_SETTINGS, default_vocabulary(), size=FEATURE_CACHE_SIZE
        )
        # Features only: never holds a listing.
        self._probe = MatchingIndex(get_embedder(), feature_cache=self._features)

    # --- Schema ------------------------------------------------------------------------------

    def ensure_schema(self) -> None:
        """Create the table and its indexes once; fill it when new."""
        if self._ready:
            return
        with self._lock:
            if self._ready:
                return
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [self.table])
                cursor.execute("SELECT to_regclass(%s)", [self.table])
                is_new = cursor.fetchone()[0] is None
                cursor.execute(
                    f"CREATE TABLE IF NOT EXISTS {self.table} ("
                    f" id varchar(110) PRIMARY KEY,"
                    f" kind varchar(40) NOT NULL,"
                    f" key varchar(64) NOT NULL,"
                    f" model varchar(200) NOT NULL,"
                    f" embedding vector({self.dim}) NOT NULL,"
                    f" side varchar(16) NOT NULL,"
                    f" listing_kind varchar(16) NOT NULL,"
                    f" country varchar(8) NOT NULL,"
                    f" owner varchar(64) NOT NULL,"
                    f" expires_on date NULL,"
                    f" hs_headings text[] NOT NULL DEFAULT '{{}}',"
                    # One "kind:key" column as the primary key: a b-tree holding `kind` would
                    # draw the planner away from the HNSW index for the kind filter.
                    f" document jsonb NOT NULL,"
                    f" written_at timestamptz NULL)"
                )
                cursor.execute(
                    "SELECT 1 FROM information_schema.columns"
                    " WHERE table_name = %s AND column_name = 'written_at'",
                    [self.table],
                )
                if cursor.fetchone() is None:  # a table made before the column
                    cursor.execute(f"ALTER TABLE {self.table} ADD COLUMN written_at timestamptz")
                    # Statistics that know the column is empty, or the planner reads every row
                    # for the fresh ones instead of the partial index (0.7 s at a million).
                    cursor.execute(f"ANALYZE {self.table}")
                cursor.execute(
                    "SELECT attstorage FROM pg_attribute"
                    " WHERE attrelid = to_regclass(%s) AND attname = 'embedding'",
                    [self.table],
                )
                if cursor.fetchone()[0] != "p":
                    # Vectors kept in the row, not in the TOAST table: a row with its document
                    # passes the 2 KB over which PostgreSQL moves a vector out of line, and
                    # reading each vector back from there cost most of an exact ranking (rows
                    # written before keep their place until `karvan matching_store --sync`).
                    cursor.execute(
                        f"ALTER TABLE {self.table} ALTER COLUMN embedding SET STORAGE PLAIN"
                    )
                cursor.execute(
                    f"CREATE INDEX IF NOT EXISTS {self.table}_fresh ON {self.table}"
                    f" (written_at) WHERE written_at IS NOT NULL"
                )
                cursor.execute(
                    f"CREATE INDEX IF NOT EXISTS {self.table}_hnsw ON {self.table}"
                    f" USING hnsw (embedding vector_cosine_ops)"
                )
                # Each row's headings with its side ("request:0802"), indexed: the nearest rows of
                # the other side sharing a heading are read without the rows of the same side,
                # which the filter would drop after reading them (half of the rows read).
                cursor.execute(
                    "CREATE OR REPLACE FUNCTION karvan_side_headings(side text, headings text[])"
                    " RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE"
                    " AS $$ SELECT ARRAY(SELECT side || ':' || h FROM unnest(headings) h) $$"
                )
                cursor.execute("SELECT to_regclass(%s)", [f"{self.table}_side_headings"])
                has_side_headings = cursor.fetchone()[0] is not None
                cursor.execute(
                    f"CREATE INDEX IF NOT EXISTS {self.table}_side_headings ON {self.table}"
                    f" USING gin (karvan_side_headings(side, hs_headings))"
                )
                # The headings' index of former versions, which the side-headings one replaces.
                cursor.execute(f"DROP INDEX IF EXISTS {self.table}_headings")
                if not has_side_headings and not is_new:
                    # The statistics of the new index's keys (`heading_statistics`).
                    cursor.execute(f"ANALYZE {self.table}")
                cursor.execute(
                    f"CREATE TABLE IF NOT EXISTS {self.features_table} ("
                    f" id varchar(110) PRIMARY KEY,"
                    f" fingerprint varchar(16) NOT NULL,"
                    f" data jsonb NOT NULL)"
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
            total = self._sync_locked()
            for kind in StoredVector.objects.values_list("kind", flat=True).distinct():
                transaction.on_commit(partial(bump_index_version, kind))
            return total

    def _sync_locked(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.table}")  # noqa: S608  # our own table name
            cursor.execute(f"DELETE FROM {self.features_table}")  # noqa: S608
        rows = StoredVector.objects.filter(model=settings.KARVAN_EMBEDDER, is_active=True).order_by(
            "pk"
        )
        total, last = 0, 0
        while True:
            batch = list(rows.filter(pk__gt=last)[:SYNC_BATCH])
            if not batch:
                with connection.cursor() as cursor:
                    # Fresh statistics after a refill: without them the planner takes the
                    # rare-looking `kind` for selective and scans the primary key, not HNSW.
                    cursor.execute(f"ANALYZE {self.table}")
                return total
            written = [row for row in batch if is_live(row, timezone.localdate())]
            self._write(written, [], fresh=False)
            total += len(written)
            last = batch[-1].pk

    # --- Writes ------------------------------------------------------------------------------

    def _headings(self, listing: Listing) -> list[str]:
        features = self._probe.features(listing)
        return sorted(key[3:] for key in features.hs if key.startswith("h4:"))

    def store_vectors(self, kind: str, rows: Sequence[StoredVector]) -> None:
        self.ensure_schema()
        today = timezone.localdate()
        live = [row for row in rows if is_live(row, today)]
        self._write(live, [(kind, row.key) for row in rows if row not in live])

    def remove(self, kind: str, keys: Sequence[str]) -> None:
        self.ensure_schema()
        self._write([], [(kind, key) for key in keys])

    def rebuild_graph(self) -> int:
        """Build the HNSW graph anew so every row is reachable through it again; return how many
        rows were written since the previous build."""
        self.ensure_schema()
        with connection.cursor() as cursor:
            cursor.execute("SELECT clock_timestamp()")
            started = cursor.fetchone()[0]
            # Concurrently where it may be (not inside a transaction): reads and writes go on.
            concurrently = "" if connection.in_atomic_block else " CONCURRENTLY"
            cursor.execute(f"REINDEX INDEX{concurrently} {self.table}_hnsw")
            cursor.execute(
                f"UPDATE {self.table} SET written_at = NULL"  # noqa: S608
                f" WHERE written_at <= %s",
                [started],
            )
            return cursor.rowcount

    def _write(
        self, live: Sequence[StoredVector], gone: Sequence[tuple[str, str]], *, fresh: bool = True
    ) -> None:
        with connection.cursor() as cursor:
            for kind in {kind for kind, _key in gone}:
                ids = [f"{kind}:{key}" for other, key in gone if other == kind]
                for table in (self.table, self.features_table):
                    cursor.execute(f"DELETE FROM {table} WHERE id = ANY(%s)", [ids])  # noqa: S608
            values = []
            features = []
            for row in live:
                listing = listing_from_fields(row.key, row.document)
                vector = np.frombuffer(bytes(row.vector), dtype=np.float32)
                values.append(
                    (
                        f"{row.kind}:{row.key}",
                        row.kind,
                        row.key,
                        row.model,
                        _literal(vector),
                        listing.side,
                        listing.kind,
                        listing.country.upper(),
                        listing.owner,
                        row.expires_on,
                        self._headings(listing),
                        json.dumps(listing_fields(listing), ensure_ascii=False),
                        fresh,
                    )
                )
                features.append(self._features_row(f"{row.kind}:{row.key}", listing))
            if values:
                cursor.executemany(
                    f"INSERT INTO {self.table} (id, kind, key, model, embedding, side,"  # noqa: S608
                    " listing_kind, country, owner, expires_on, hs_headings, document, written_at)"
                    " VALUES (%s, %s, %s, %s, %s::vector, %s, %s, %s, %s, %s, %s, %s::jsonb,"
                    " CASE WHEN %s THEN now() END)"
                    " ON CONFLICT (id) DO UPDATE SET model = EXCLUDED.model,"
                    " embedding = EXCLUDED.embedding, side = EXCLUDED.side,"
                    " listing_kind = EXCLUDED.listing_kind, country = EXCLUDED.country,"
                    " owner = EXCLUDED.owner, expires_on = EXCLUDED.expires_on,"
                    " hs_headings = EXCLUDED.hs_headings, document = EXCLUDED.document,"
                    " written_at = EXCLUDED.written_at",
                    values,
                )
            self._write_features(cursor, features)

    def _features_row(self, row_id: str, listing: Listing) -> tuple[str, str, str]:
        data = features_to_data(self._probe.features(listing))
        return (row_id, self.features_fingerprint, json.dumps(data, ensure_ascii=False))

    def _write_features(self, cursor: object, rows: Sequence[tuple[str, str, str]]) -> None:
        if rows:
            cursor.executemany(  # type: ignore[attr-defined]
                f"INSERT INTO {self.features_table} (id, fingerprint, data)"  # noqa: S608
                " VALUES (%s, %s, %s::jsonb) ON CONFLICT (id) DO UPDATE"
                " SET fingerprint = EXCLUDED.fingerprint, data = EXCLUDED.data",
                rows,
            )

    def fill_features(
        self, *, batch: int = 2000, progress: Callable[[int], None] | None = None
    ) -> int:
        """Store the features of every row that has none, or has a former version's (after an
        upgrade that changed the vocabulary or the engine); return how many were written. The
        store is right without them, only slower: features missing are computed when read."""
        self.ensure_schema()
        written, last = 0, ""
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT v.id, v.key, v.document FROM {self.table} v"  # noqa: S608
                    f" LEFT JOIN {self.features_table} f"
                    " ON f.id = v.id AND f.fingerprint = %s"
                    " WHERE f.id IS NULL AND v.id > %s ORDER BY v.id LIMIT %s",
                    [self.features_fingerprint, last, batch],
                )
                found = cursor.fetchall()
                if not found:
                    return written
                rows = []
                for row_id, key, document in found:
                    fields = json.loads(document) if isinstance(document, str) else document
                    rows.append(self._features_row(row_id, listing_from_fields(key, fields)))
                self._write_features(cursor, rows)
            written += len(rows)
            last = found[-1][0]
            if progress is not None:
                progress(written)

    # --- Queries -----------------------------------------------------------------------------

    def heading_statistics(self) -> HeadingStatistics:
        """The planner's statistics of the side-headings index, read again every few minutes."""
        known = self._heading_statistics
        if known.read_at and time.monotonic() - known.read_at < HEADING_STATS_AGE:
            return known
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.reltuples, s.most_common_elems::text::text[], s.most_common_elem_freqs"
                " FROM pg_class c LEFT JOIN pg_stats s ON s.schemaname = current_schema()"
                " AND s.tablename = %s AND s.attname = 'karvan_side_headings'"
                " WHERE c.oid = to_regclass(%s)",
                [f"{self.table}_side_headings", self.table],
            )
            found = cursor.fetchone()
        rows, elements, shares = found if found is not None else (0.0, None, None)
        # The shares are followed by their minimum, maximum and the share of empty elements.
        listed = dict(zip(elements or [], shares or [], strict=False))
        known = HeadingStatistics(
            rows=max(float(rows or 0.0), 0.0),  # -1: never analysed (a new, small table)
            shares=listed,
            floor=float(shares[-3]) if shares and len(shares) > 3 else 0.0,
            read_at=time.monotonic(),
        )
        self._heading_statistics = known
        return known

    def candidates(
        self,
        kind: str,
        vector: np.ndarray,
        *,
        sides: Sequence[str],
        headings: Sequence[str] = (),
        exclude_owner: str = "",
        listing_kinds: Sequence[str] = (),
        countries: Sequence[str] = (),
    ) -> list[tuple[Listing, np.ndarray]]:
        """Live documents of one kind near `vector` passing the filters, with their vectors: one
        query."""
        self.ensure_schema()
        where = [
            "kind = %s",
            "model = %s",
            "side = ANY(%s)",
            "(expires_on IS NULL OR expires_on >= %s)",
        ]
        params: list[str | datetime.date | list[str]] = [
            kind,
            settings.KARVAN_EMBEDDER,
            list(sides),
            timezone.localdate(),
        ]
        if exclude_owner:
            where.append("owner <> %s")
            params.append(exclude_owner)
        if listing_kinds:
            where.append("listing_kind = ANY(%s)")
            params.append(list(listing_kinds))
        if countries:
            where.append("country = ANY(%s)")
            params.append([country.upper() for country in countries])
        condition = " AND ".join(where)
        literal = _literal(vector)
        # Vectors in pgvector's binary form (a 4-byte header, then big-endian floats): parsing
        # them as text arrays was a sixth of the query's time.
        columns = "id, key, vector_send(embedding) AS embedding, document"
        # The parameters in the order the statement names them: its tables, then its parts.
        # MATERIALIZED ranks a table's rows exactly, never through the HNSW index.
        tables = [
            f"fresh AS MATERIALIZED (SELECT id, key, embedding, document FROM {self.table}"  # noqa: S608
            f" WHERE written_at IS NOT NULL AND {condition})"
        ]
        table_params: list[str | datetime.date | list[str]] = [*params]
        found_sql = (
            f"(SELECT {columns} FROM {self.table} WHERE {condition}"  # noqa: S608
            f" ORDER BY embedding <=> %s::vector LIMIT {NEAREST})"
            f" UNION ALL (SELECT {columns} FROM fresh"
            f" ORDER BY embedding <=> %s::vector LIMIT {FRESH})"
        )
        query_params: list[str | datetime.date | list[str]] = [*params, literal, literal]
        keys = side_headings(sides, headings)
        if headings and self.heading_statistics().rows_sharing(keys) <= EXACT_HEADING_ROWS:
            # Distances only: the rows' documents are read for the nearest few.
            tables.append(
                f"same_heading AS MATERIALIZED (SELECT id, embedding <=> %s::vector AS distance"  # noqa: S608
                f" FROM {self.table} WHERE {condition}"
                f" AND karvan_side_headings(side, hs_headings) && %s)"
            )
            table_params += [literal, *params, keys]
            found_sql += (
                f" UNION ALL (SELECT {columns} FROM {self.table} WHERE id IN"  # noqa: S608
                f" (SELECT id FROM same_heading ORDER BY distance LIMIT {SAME_HEADING}))"
            )
        elif headings:
            found_sql += (
                f" UNION ALL (SELECT {columns} FROM {self.table}"  # noqa: S608
                f" WHERE {condition} AND hs_headings && %s"
                f" ORDER BY embedding <=> %s::vector LIMIT {SAME_HEADING})"
            )
            query_params += [*params, list(headings), literal]
        # Each candidate comes with its stored features, where this version stored them.
        sql = (
            f"WITH {', '.join(tables)}"  # noqa: S608  # our own tables' names
            f" SELECT found.key, found.embedding, found.document, f.data FROM ({found_sql}) found"
            f" LEFT JOIN {self.features_table} f"
            " ON f.id = found.id AND f.fingerprint = %s"
        )
        query_params = [*table_params, *query_params, self.features_fingerprint]
        with transaction.atomic(), connection.cursor() as cursor:
            # Filters are applied while the HNSW index is read, until enough rows pass them.
            cursor.execute(
                "SELECT set_config('hnsw.iterative_scan', 'relaxed_order', true),"
                " set_config('hnsw.ef_search', %s, true),"
                " set_config('hnsw.max_scan_tuples', %s, true)",
                [str(EF_SEARCH), str(MAX_SCAN_TUPLES)],
            )
            cursor.execute(sql, query_params)
            found = cursor.fetchall()
        unique: dict[str, tuple[Listing, np.ndarray]] = {}
        for key, values, document, features in found:  # a row may come from two parts
            if key in unique:
                continue
            fields = json.loads(document) if isinstance(document, str) else document
            listing = listing_from_fields(key, fields)
            if features is not None and listing not in self._features:
                data = json.loads(features) if isinstance(features, str) else features
                self._features.put(listing, features_from_data(data))
            vector = np.frombuffer(values, dtype=">f4", offset=4).astype(np.float32)
            unique[key] = (listing, vector)
        return list(unique.values())

    def _ranking_index(
        self, found: Sequence[tuple[Listing, np.ndarray]], query: Listing
    ) -> MatchingIndex:
        """An index over one query's candidates, for that query alone."""
        index = MatchingIndex(
            get_embedder(), feature_cache=self._features, only_for=self._features.get(query)
        )
        if found:
            index.upsert([listing for listing, _v in found], np.stack([v for _l, v in found]))
        return index

    def _vector_of(self, kind: str, listing: Listing) -> np.ndarray:
        row = StoredVector.objects.filter(kind=kind, key=listing.id, is_active=True).first()
        if row is not None and row.vector:
            return np.frombuffer(bytes(row.vector), dtype=np.float32)
        return _embed_text(listing)

    def recommend(
        self, kind: str, listing: Listing, *, top: int, min_score: float | None = None
    ) -> list[Match]:
        if top <= 0:
            return []
        vector = self._vector_of(kind, listing) if listing.id else _embed_text(listing)
        own = listing.side
        other = "request" if own == "offer" else "offer"
        owner = listing.owner
        headings = self._headings(listing)
        found = self.candidates(kind, vector, sides=[other], headings=headings, exclude_owner=owner)
        if len(found) < top:  # too few complementary ones: competitors follow, as in memory
            found += self.candidates(
                kind, vector, sides=[own], headings=headings, exclude_owner=owner
            )
        found = [(other_listing, v) for other_listing, v in found if other_listing.id != listing.id]
        index = self._ranking_index([*found, (listing, vector)], listing)
        return index.recommend(listing, top=top, min_score=min_score)

    def search(
        self,
        kind: str,
        query: str,
        *,
        top: int,
        side: str | None = None,
        min_score: float | None = None,
    ) -> list[Match]:
        if not query.strip() or top <= 0:
            return []
        vector = self._query_vector(query)
        probe = search_probe(query)
        sides = [side] if side in {"offer", "request"} else ["offer", "request"]
        found = self.candidates(kind, vector, sides=sides, headings=self._headings(probe))
        return self._ranking_index(found, probe).search(
            query, language=probe.language, top=top, side=side, min_score=min_score, vector=vector
        )

    def _embed_query(self, query: str) -> np.ndarray:
        """The query's embedding (kept for the latest queries: see `__init__`)."""
        vector: np.ndarray = get_embedder().embed_passages([query])[0].astype(np.float32)
        vector.flags.writeable = False  # shared by every later search for the same words
        return vector
