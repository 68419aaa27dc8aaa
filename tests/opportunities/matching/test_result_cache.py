"""Recommendations and search hits are cached until the index changes: a listing published,
withdrawn or deleted shows in (or leaves) the next answer at once, in every process."""

import pytest

from karvan.matching.results import index_version
from karvan.matching.stores import current_store
from karvan.opportunities.matching.adapters import KIND, to_listing
from karvan.opportunities.matching.recommendations import (
    ORGANISATION_LISTINGS,
    recommend_for_opportunity,
    recommend_for_organisation,
    recommend_matches,
)
from karvan.opportunities.search import search_opportunities
from karvan.opportunities.services import (
    close_opportunity,
)
from tests.factories import MembershipFactory
from tests.opportunities.conftest import PISTACHIO_OFFER, PISTACHIO_REQUEST, publish_listing

pytestmark = pytest.mark.django_db


@pytest.fixture
def store_calls(monkeypatch):
    """How many times the store itself was asked (a spy: the store still answers)."""
    store = current_store()
    calls = {"recommend": 0, "search": 0}
    for name in calls:
        original = getattr(store, name)

        def counted(*args, _original=original, _name=name, **kwargs):
            calls[_name] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(store, name, counted)
    return calls


def test_an_answer_is_reused_until_the_index_changes(
    iranian, chinese, django_capture_on_commit_callbacks, store_calls
):
    request = publish_listing(chinese, PISTACHIO_REQUEST, django_capture_on_commit_callbacks)
    offer = publish_listing(iranian, PISTACHIO_OFFER, django_capture_on_commit_callbacks)
    asked = store_calls["recommend"]  # publishing asks too (the new listing's match alerts)
    first = recommend_for_opportunity(viewer=chinese.user, opportunity=request)
    again = recommend_for_opportunity(viewer=chinese.user, opportunity=request)
    assert [item.opportunity.pk for item in first] == [item.opportunity.pk for item in again]
    assert [item.reasons for item in first] == [item.reasons for item in again]
    assert [item.opportunity.pk for item in first] == [offer.pk]
    assert store_calls["recommend"] == asked + 1
    version = index_version(KIND)
    other = MembershipFactory(organisation__name={"fa": "پسته دامغان"})
    publish_listing(other, PISTACHIO_OFFER, django_capture_on_commit_callbacks)
    assert index_version(KIND) != version
    asked = store_calls["recommend"]
    recommend_for_opportunity(viewer=chinese.user, opportunity=request)
    assert store_calls["recommend"] == asked + 1


def test_a_newly_published_listing_shows_in_the_next_recommendations(
    iranian, chinese, django_capture_on_commit_callbacks
):
    request = publish_listing(chinese, PISTACHIO_REQUEST, django_capture_on_commit_callbacks)
    offer = publish_listing(iranian, PISTACHIO_OFFER, django_capture_on_commit_callbacks)
    found = recommend_for_opportunity(viewer=chinese.user, opportunity=request)
    assert [item.opportunity.pk for item in found] == [offer.pk]
    other = MembershipFactory(organisation__name={"fa": "پسته دامغان"})
    newer = publish_listing(
        other,
        {**PISTACHIO_OFFER, "title": "پسته فندقی دامغان برای صادرات"},
        django_capture_on_commit_callbacks,
    )
    found = recommend_for_opportunity(viewer=chinese.user, opportunity=request)
    assert newer.pk in [item.opportunity.pk for item in found]
    partners = recommend_for_organisation(viewer=chinese.user, organisation=chinese.organisation)
    assert {offer.pk, newer.pk} <= {item.opportunity.pk for item in partners}


def test_a_withdrawn_or_deleted_listing_leaves_the_next_matches(
    iranian, chinese, django_capture_on_commit_callbacks
):
    request = publish_listing(chinese, PISTACHIO_REQUEST, django_capture_on_commit_callbacks)
    offer = publish_listing(iranian, PISTACHIO_OFFER, django_capture_on_commit_callbacks)
    other = MembershipFactory(organisation__name={"fa": "پسته دامغان"})
    second = publish_listing(other, PISTACHIO_OFFER, django_capture_on_commit_callbacks)
    listing = to_listing(request)
    assert {offer.pk, second.pk} <= {int(m.id) for m in recommend_matches(listing, top=10)}
    with django_capture_on_commit_callbacks(execute=True):
        close_opportunity(opportunity=offer, actor=iranian.user)
    assert offer.pk not in {int(m.id) for m in recommend_matches(listing, top=10)}
    with django_capture_on_commit_callbacks(execute=True):
        second.delete()
    assert second.pk not in {int(m.id) for m in recommend_matches(listing, top=10)}


def test_a_newly_published_listing_is_found_by_the_next_search(
    iranian, chinese, django_capture_on_commit_callbacks, store_calls
):
    publish_listing(chinese, PISTACHIO_REQUEST, django_capture_on_commit_callbacks)
    before = set(search_opportunities(viewer=chinese.user, query="开心果").results.ids)
    search_opportunities(viewer=chinese.user, query="开心果")
    assert store_calls["search"] == 1
    offer = publish_listing(iranian, PISTACHIO_OFFER, django_capture_on_commit_callbacks)
    after = set(search_opportunities(viewer=chinese.user, query="开心果").results.ids)
    assert offer.pk in after - before
    assert store_calls["search"] == 2  # the engine was asked again after the write


def test_an_organisation_is_matched_on_its_latest_open_listings(
    chinese, django_capture_on_commit_callbacks, store_calls
):
    for number in range(ORGANISATION_LISTINGS + 2):
        publish_listing(
            chinese,
            {**PISTACHIO_REQUEST, "title": f"{PISTACHIO_REQUEST['title']} {number}"},
            django_capture_on_commit_callbacks,
        )
    asked = store_calls["recommend"]
    recommend_for_organisation(viewer=chinese.user, organisation=chinese.organisation)
    assert store_calls["recommend"] == asked + ORGANISATION_LISTINGS


def test_a_cache_of_this_process_only_keeps_answers_seconds(
    iranian, chinese, django_capture_on_commit_callbacks, store_calls, monkeypatch
):
    """Without Redis another process never sees the version change: its answers must expire
    soon on their own (the tests' cache is this process's)."""
    from karvan.matching import results

    request = publish_listing(chinese, PISTACHIO_REQUEST, django_capture_on_commit_callbacks)
    publish_listing(iranian, PISTACHIO_OFFER, django_capture_on_commit_callbacks)
    assert results.LOCAL_RESULT_SECONDS <= 5
    monkeypatch.setattr(results, "LOCAL_RESULT_SECONDS", 0)  # expired as soon as stored
    asked = store_calls["recommend"]
    recommend_for_opportunity(viewer=chinese.user, opportunity=request)
    recommend_for_opportunity(viewer=chinese.user, opportunity=request)
    assert store_calls["recommend"] == asked + 2
