"""The production stack for the benchmarks: deploy/smoke.py's processes on a kept directory.

`open_stack(base)` starts PostgreSQL with pgvector (initialising it the first time), Redis and the
S3-compatible server; `start_services` then starts gunicorn, a Celery worker and beat. The database
stays in `base/pg` between runs, so `populate.py` fills it once and `load.py` reuses it.
"""

import contextlib
import os
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPOSITORY / "src"), str(REPOSITORY / "deploy")]

import psycopg  # noqa: E402
from smoke import Stack  # noqa: E402


@contextlib.contextmanager
def open_stack(base: Path, *, store: str = "pgvector") -> Iterator[Stack]:
    """The stack's storage processes over `base` (PostgreSQL initialised and migrated if new)."""
    base.mkdir(parents=True, exist_ok=True)
    os.chmod(base, 0o755)  # noqa: S103  # the postgres account reads its own directory below
    is_new = not (base / "pg").exists()
    kept = base / "karvan.kept"  # the collected static files of the previous run
    if (base / "karvan").exists():
        shutil.rmtree(kept, ignore_errors=True)
        (base / "karvan").rename(kept)
    stack = Stack(base)  # makes base/karvan anew
    if kept.exists():
        stack.data.rmdir()
        kept.rename(stack.data)
        shutil.rmtree(stack.data / "mail", ignore_errors=True)
    stack.env["KARVAN_MATCHING_STORE"] = store
    # A real-size corpus: the HNSW index and the hot tables (4.5 GB at a million listings) stay
    # in PostgreSQL's own buffers, which pg_prewarm's autoprewarm worker reloads after a restart.
    # Many short queries at once on two cores: no parallel workers per query (they only queue
    # behind the other requests), and random reads priced as the in-memory reads they are.
    stack.pg_options = (
        " -c shared_buffers=6GB -c effective_cache_size=12GB -c work_mem=16MB"
        " -c shared_preload_libraries=pg_prewarm"
        " -c max_parallel_workers_per_gather=0 -c random_page_cost=1.1"
    )
    try:
        if is_new:
            stack.init_postgres()
        else:
            stack.start_postgres()
        stack.start_redis()
        stack.start_moto()
        if is_new:
            with psycopg.connect(**connection_options(stack), autocommit=True) as connection:
                connection.execute("CREATE EXTENSION IF NOT EXISTS vector")
        # Migrations added since the corpus was filled are applied to it (a no-op otherwise).
        stack.karvan("migrate", "--noinput", "-v", "0")
        if is_new:
            stack.karvan("load_taxonomies")
        if not (stack.data / "static" / "staticfiles.json").exists():
            stack.karvan("collectstatic", "--noinput", "-v", "0")
        yield stack
    finally:
        stack.stop_all()


# What every page reads: the vectors with their HNSW graph and features, the listings, the
# organisations.
HOT_TABLES = (
    "matching_vector_384",
    "matching_vector_384_features",
    "opportunities_opportunity",
    "directory_organisation",
)


def prewarm(stack: Stack) -> float:
    """Read the hot tables, their indexes and TOAST into PostgreSQL's buffers, as a server that
    has been running does; return the seconds it took. A benchmark started on cold buffers
    measures the disk: the first minutes of random vector reads cost 0.5 s a query, not 15 ms."""
    started = time.monotonic()
    with psycopg.connect(**connection_options(stack), autocommit=True) as connection:
        connection.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        connection.execute(
            "SELECT pg_prewarm(oid) FROM ("
            " SELECT c.oid FROM pg_class c WHERE c.relname = ANY(%(tables)s)"
            " UNION SELECT c.reltoastrelid FROM pg_class c"
            "  WHERE c.relname = ANY(%(tables)s) AND c.reltoastrelid <> 0"
            " UNION SELECT i.indexrelid FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid"
            "  WHERE c.relname = ANY(%(tables)s)"
            ") AS hot",
            {"tables": list(HOT_TABLES)},
        )
    return time.monotonic() - started


def connection_options(stack: Stack) -> dict[str, object]:
    return {"host": "127.0.0.1", "port": stack.pg_port, "user": "karvan", "dbname": "karvan"}


def start_services(stack: Stack, *, workers: int = 2, threads: int = 4) -> None:
    """gunicorn (`workers` × `threads`), one Celery worker and beat, as in production."""
    stack.spawn(
        "web",
        [sys.executable, "-m", "karvan.cli", "serve", "--bind", f"127.0.0.1:{stack.web_port}",
         "--workers", str(workers), "--threads", str(threads), "--timeout", "60"],
    )  # fmt: skip
    from smoke import wait_for_port

    wait_for_port(stack.web_port, timeout=120)
    stack.start_worker("worker-1")
    stack.start_beat()
