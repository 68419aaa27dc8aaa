"""Recommendations for an opportunity and an organisation: confident, complementary, visible."""

import pytest

from karvan.matching.index_cache import reset_index
from karvan.opportunities.matching.adapters import to_listing
from karvan.opportunities.matching.recommendations import (
    recommend_for_opportunity,
    recommend_for_organisation,
)
from karvan.opportunities.services import create_opportunity
from tests.factories import MembershipFactory, UserFactory, register_organisation, valid_uscc
from tests.opportunities import conftest as opportunity_fixtures
from tests.opportunities.conftest import PISTACHIO_OFFER, PISTACHIO_REQUEST, publish_listing

pytestmark = pytest.mark.django_db

iranian = opportunity_fixtures.iranian
chinese = opportunity_fixtures.chinese

PACKAGING_REQUEST = {
    "side": "request",
    "kind": "product",
    "language": "zh-hans",
    "title": "求购全自动食品包装机",
    "description": "需要每分钟六十袋的立式包装机，适用于颗粒食品，带称重和封口功能。",
    "hs_codes": ["8422"],
    "sectors": ["28"],
}


@pytest.fixture(autouse=True)
def _fresh_matching_index():
    """Each test starts from an empty in-process index, built from its own database."""
    reset_index()
    yield
    reset_index()


# --- Recommendations for an organisation and reasons ------------------------------------------


def test_an_organisation_without_opportunities_is_matched_on_its_profile(
    iranian, django_capture_on_commit_callbacks
):
    owner = UserFactory()
    importer = register_organisation(
        owner=owner,
        country="CN",
        registry_id=valid_uscc(11),
        original_language="zh-hans",
        name={"zh-hans": "上海干果贸易"},
        description={"zh-hans": "我们从伊朗进口开心果、杏仁和葡萄干，供应华东地区超市。"},
        products=["0802"],
        sectors=["46"],
    )
    offer = publish_listing(iranian, PISTACHIO_OFFER, django_capture_on_commit_callbacks)
    recommendations = recommend_for_organisation(viewer=owner, organisation=importer)
    assert [item.opportunity.pk for item in recommendations] == [offer.pk]
    assert recommendations[0].reasons
    # Its own listings are never recommended to it.
    assert recommend_for_organisation(viewer=iranian.user, organisation=iranian.organisation) == []


def test_recommendations_for_an_organisation_come_from_its_open_opportunities(
    iranian, chinese, django_capture_on_commit_callbacks
):
    offer = publish_listing(iranian, PISTACHIO_OFFER, django_capture_on_commit_callbacks)
    publish_listing(chinese, PACKAGING_REQUEST, django_capture_on_commit_callbacks)
    pistachio = publish_listing(chinese, PISTACHIO_REQUEST, django_capture_on_commit_callbacks)
    found = recommend_for_organisation(viewer=chinese.user, organisation=chinese.organisation)
    assert found[0].opportunity.pk == offer.pk
    assert pistachio.pk not in [item.opportunity.pk for item in found]


def test_the_listing_the_engine_sees(iranian):
    opportunity = create_opportunity(
        actor=iranian.user, organisation=iranian.organisation, data=PISTACHIO_OFFER
    )
    listing = to_listing(opportunity)
    assert (listing.id, listing.side, listing.language, listing.country) == (
        str(opportunity.pk),
        "offer",
        "fa",
        "IR",
    )
    assert listing.hs_codes == ("0802",)
    assert listing.owner == str(iranian.organisation_id)


# --- Only confident matches are shown ----------------------------------------------------------


def test_partners_for_you_hold_only_confident_complementary_matches(
    iranian, chinese, django_capture_on_commit_callbacks, settings
):
    offer = publish_listing(iranian, PISTACHIO_OFFER, django_capture_on_commit_callbacks)
    competitor = MembershipFactory(organisation__name={"fa": "پسته دامغان"})
    publish_listing(
        competitor,
        {**PISTACHIO_OFFER, "title": "پسته فندقی دامغان برای صادرات"},
        django_capture_on_commit_callbacks,
    )
    request = publish_listing(chinese, PISTACHIO_REQUEST, django_capture_on_commit_callbacks)
    found = recommend_for_opportunity(viewer=chinese.user, opportunity=request)
    # Two Iranian offers of pistachios for a Chinese pistachio buyer: both shown, nothing else.
    assert offer.pk in [item.opportunity.pk for item in found]
    assert all(item.opportunity.side == "offer" for item in found)
    # The offer's own list never shows the other pistachio offer (a competitor).
    partners = recommend_for_opportunity(viewer=iranian.user, opportunity=offer)
    assert [item.opportunity.pk for item in partners] == [request.pk]
    # A threshold nothing reaches shows nothing rather than padding the list.
    settings.KARVAN_MATCH_THRESHOLD = 5.0
    assert recommend_for_opportunity(viewer=iranian.user, opportunity=offer) == []
