"""The production-mode tests start their own servers and processes (Redis, Celery workers,
gunicorn, moto's S3 server) on a SQLite file of their own: they run in the SQLite pass only."""

import pytest

from tests.conftest import USE_POSTGRES


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if USE_POSTGRES:
        skip = pytest.mark.skip(reason="run once, in the SQLite pass")
        for item in items:
            if "tests/production/" in str(item.fspath):
                item.add_marker(skip)
