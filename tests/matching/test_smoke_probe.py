"""`deploy/smoke.sh` sees an indexed listing by looking in the pgvector store's table: its probe
must follow the store, or its Redis check waits for a table that no longer exists.

Runs on a PostgreSQL with pgvector 0.8+ (`KARVAN_TEST_DATABASE=pgvector`, as `make test` runs
tests/matching).
"""

import importlib.util
from pathlib import Path

import pytest
from django.db import connection

from karvan.matching.pgvector import PgvectorStore, pgvector_available
from karvan.matching.stores import current_store, reset_store
from karvan.opportunities.services import close_opportunity, create_opportunity, publish_opportunity
from tests.conftest import REQUIRE_ALL, USE_PGVECTOR
from tests.opportunities import conftest as opportunity_fixtures
from tests.opportunities.conftest import PISTACHIO_OFFER

pytestmark = pytest.mark.django_db

iranian = opportunity_fixtures.iranian
SMOKE = Path(__file__).resolve().parents[2] / "deploy" / "smoke.py"


@pytest.fixture
def pgvector(settings):
    if not pgvector_available():
        if REQUIRE_ALL and USE_PGVECTOR:
            pytest.fail("the test database has no pgvector 0.8+")
        pytest.skip("the database is not PostgreSQL with pgvector 0.8+")
    settings.KARVAN_MATCHING_STORE = "pgvector"
    reset_store()
    yield
    reset_store()


def _smoke_driver():
    spec = importlib.util.spec_from_file_location("karvan_smoke_driver", SMOKE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_smoke_probe_sees_what_the_indexing_task_stored(
    pgvector, iranian, django_capture_on_commit_callbacks
):
    smoke = _smoke_driver()
    draft = create_opportunity(
        actor=iranian.user, organisation=iranian.organisation, data=PISTACHIO_OFFER
    )
    database = connection.connection  # the test's own transaction: it sees the rows written
    assert not smoke.vector_stored(database, draft.pk)

    with django_capture_on_commit_callbacks(execute=True):  # the indexing task, in-process
        published = publish_opportunity(opportunity=draft, actor=iranian.user)
    assert isinstance(current_store(), PgvectorStore)
    assert smoke.vector_stored(database, published.pk)
    assert not smoke.vector_stored(database, published.pk + 1)

    with django_capture_on_commit_callbacks(execute=True):  # withdrawn from matching
        close_opportunity(opportunity=published, actor=iranian.user)
    assert not smoke.vector_stored(database, published.pk)
