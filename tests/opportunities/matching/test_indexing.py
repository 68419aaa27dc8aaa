"""Opportunities in the matching store: stored vectors, each process's index catching up,
withdrawal on close, expiry and deletion.

The engine itself is tested without a database next door; here the rows, the on-commit work and
the catching up of the in-process index are what is under test.
"""

import datetime
import types

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from karvan.matching.index_cache import current_index as current_index_of
from karvan.matching.index_cache import get_embedder, reset_index
from karvan.matching.models import StoredVector, VectorRemoval
from karvan.matching.services import drop_expired_vectors
from karvan.opportunities.matching.adapters import KIND
from karvan.opportunities.matching.indexing import (
    index_opportunity,
    withdraw_expired_opportunities,
)
from karvan.opportunities.matching.recommendations import recommend_for_opportunity
from karvan.opportunities.models import Opportunity
from karvan.opportunities.services import (
    close_opportunity,
    create_opportunity,
    publish_opportunity,
    renew_opportunity,
)
from tests.opportunities import conftest as opportunity_fixtures
from tests.opportunities.conftest import PISTACHIO_OFFER, PISTACHIO_REQUEST, publish_listing

pytestmark = pytest.mark.django_db

# The Iranian pistachio processor and the Guangzhou importer of the opportunities tests.
iranian = opportunity_fixtures.iranian
chinese = opportunity_fixtures.chinese


@pytest.fixture(autouse=True)
def _fresh_matching_index():
    """Each test starts from an empty in-process index, built from its own database."""
    reset_index()
    yield
    reset_index()


@pytest.fixture
def embedded(monkeypatch):
    """The texts the real embedder is asked to embed as passages, in order."""
    embedder = get_embedder()
    texts: list[str] = []
    original = embedder.embed_passages

    def counting(self, batch):
        texts.extend(batch)
        return original(batch)

    monkeypatch.setattr(embedder, "embed_passages", types.MethodType(counting, embedder))
    return texts


def _text(opportunity: Opportunity) -> str:
    return f"{opportunity.title}\n{opportunity.description}"


def current_index():
    return current_index_of(KIND)


def _vector(opportunity: Opportunity) -> StoredVector:
    return StoredVector.objects.get(kind=KIND, key=str(opportunity.pk))


# --- Stored vectors and each process's index --------------------------------------------------


def test_publishing_stores_the_vector_every_process_builds_from(
    iranian, django_capture_on_commit_callbacks, embedded
):
    offer = publish_listing(iranian, PISTACHIO_OFFER, django_capture_on_commit_callbacks)
    row = _vector(offer)
    assert row.is_active
    assert row.model == django_settings.KARVAN_EMBEDDER
    assert len(bytes(row.vector)) == get_embedder().dim * 4
    assert len(row.text_hash) == 64
    assert embedded.count(_text(offer)) == 1
    # A fresh process builds its index from the stored rows: the model is not run again.
    reset_index()
    index = current_index()
    assert str(offer.pk) in index and len(index) == 1
    assert embedded.count(_text(offer)) == 1


def test_a_draft_is_not_indexed(iranian, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        draft = create_opportunity(
            actor=iranian.user, organisation=iranian.organisation, data=PISTACHIO_OFFER
        )
    assert not StoredVector.objects.filter(kind=KIND, key=str(draft.pk)).exists()
    assert str(draft.pk) not in current_index()


def test_the_index_catches_up_on_rows_another_process_stored(
    iranian, chinese, django_capture_on_commit_callbacks
):
    publish_listing(iranian, PISTACHIO_OFFER, django_capture_on_commit_callbacks)
    index = current_index()
    assert len(index) == 1
    # Another worker publishes and indexes; its on-commit work never reaches this process.
    request = create_opportunity(
        actor=chinese.user, organisation=chinese.organisation, data=PISTACHIO_REQUEST
    )
    request = publish_opportunity(opportunity=request, actor=chinese.user)
    index_opportunity(opportunity=request)
    assert str(request.pk) not in index
    assert current_index() is index  # caught up, not rebuilt
    assert len(index) == 2
    assert str(request.pk) in index


def test_a_row_committed_late_is_not_missed(iranian, chinese, django_capture_on_commit_callbacks):
    """A slow transaction stamps its row before a quicker one but commits after it."""
    offer = publish_listing(iranian, PISTACHIO_OFFER, django_capture_on_commit_callbacks)
    index = current_index()
    stamped = _vector(offer).indexed_at
    request = create_opportunity(
        actor=chinese.user, organisation=chinese.organisation, data=PISTACHIO_REQUEST
    )
    request = publish_opportunity(opportunity=request, actor=chinese.user)
    index_opportunity(opportunity=request)
    StoredVector.objects.filter(kind=KIND, key=str(request.pk)).update(
        indexed_at=stamped - datetime.timedelta(milliseconds=200)
    )
    assert current_index() is index
    assert str(request.pk) in index


def test_a_deleted_opportunity_leaves_every_running_index(
    iranian, chinese, django_capture_on_commit_callbacks
):
    """Deleting a row (the admin, or an organisation's removal) cannot mark it inactive."""
    offer = publish_listing(iranian, PISTACHIO_OFFER, django_capture_on_commit_callbacks)
    request = publish_listing(chinese, PISTACHIO_REQUEST, django_capture_on_commit_callbacks)
    index = current_index()
    assert str(offer.pk) in index
    offer_id = offer.pk
    offer.delete()
    assert VectorRemoval.objects.filter(kind=KIND, key=str(offer_id)).exists()
    assert current_index() is index  # caught up, not rebuilt
    assert str(offer_id) not in index
    assert recommend_for_opportunity(viewer=chinese.user, opportunity=request) == []


def test_old_tombstones_are_pruned(iranian, django_capture_on_commit_callbacks):
    offer = publish_listing(iranian, PISTACHIO_OFFER, django_capture_on_commit_callbacks)
    offer.delete()
    recent = VectorRemoval.objects.get()
    VectorRemoval.objects.create(
        kind=KIND, key="1000", removed_at=timezone.now() - datetime.timedelta(days=8)
    )
    drop_expired_vectors()
    assert list(VectorRemoval.objects.all()) == [recent]


def test_closing_takes_it_out_of_recommendations(
    iranian, chinese, django_capture_on_commit_callbacks
):
    offer = publish_listing(iranian, PISTACHIO_OFFER, django_capture_on_commit_callbacks)
    request = publish_listing(chinese, PISTACHIO_REQUEST, django_capture_on_commit_callbacks)
    before = recommend_for_opportunity(viewer=chinese.user, opportunity=request)
    assert [item.opportunity.pk for item in before] == [offer.pk]
    with django_capture_on_commit_callbacks(execute=True):
        close_opportunity(opportunity=offer, actor=iranian.user)
    assert not _vector(offer).is_active
    assert str(offer.pk) not in current_index()
    assert recommend_for_opportunity(viewer=chinese.user, opportunity=request) == []


def test_expired_listings_are_dropped_from_the_index(
    iranian, chinese, django_capture_on_commit_callbacks
):
    offer = publish_listing(iranian, PISTACHIO_OFFER, django_capture_on_commit_callbacks)
    request = publish_listing(chinese, PISTACHIO_REQUEST, django_capture_on_commit_callbacks)
    assert str(offer.pk) in current_index()
    Opportunity.objects.filter(pk=offer.pk).update(
        expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert withdraw_expired_opportunities() == 1
    assert withdraw_expired_opportunities() == 0  # already withdrawn
    assert str(offer.pk) not in current_index()
    assert str(request.pk) in current_index()
    assert recommend_for_opportunity(viewer=chinese.user, opportunity=request) == []
    # Renewing brings it back everywhere.
    offer.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        renew_opportunity(opportunity=offer, actor=iranian.user)
    assert str(offer.pk) in current_index()


def test_an_unchanged_text_is_not_embedded_again(iranian, embedded):
    opportunity = create_opportunity(
        actor=iranian.user, organisation=iranian.organisation, data=PISTACHIO_OFFER
    )
    opportunity = publish_opportunity(opportunity=opportunity, actor=iranian.user)
    first = index_opportunity(opportunity=opportunity)
    assert embedded == [_text(opportunity)]
    # Nothing the index reads changed: the row is not written again, so no index re-reads it.
    opportunity.target_countries = ["CN", "HK"]
    same = index_opportunity(opportunity=opportunity)
    assert (same.indexed_at, embedded) == (first.indexed_at, [_text(opportunity)])
    # Codes changed, the words did not: the stored vector is reused, the row written.
    opportunity.hs_codes.set([])
    again = index_opportunity(opportunity=opportunity)
    assert embedded == [_text(opportunity)]
    assert bytes(again.vector) == bytes(first.vector)
    assert again.indexed_at > first.indexed_at
    assert again.document["hs_codes"] == []
    # New words are embedded.
    opportunity.title = "پسته فندقی صادراتی"
    changed = index_opportunity(opportunity=opportunity)
    assert embedded[-1] == _text(opportunity) and len(embedded) == 2
    assert changed.text_hash != first.text_hash
