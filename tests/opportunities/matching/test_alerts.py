"""Match alerts: a new good match is told to the partner organisation once, in its language."""

import pytest
from django.utils import translation

from karvan.core.countries import country_name
from karvan.core.text import CONTENT_LANGUAGES
from karvan.directory.models import Membership
from karvan.matching.index_cache import reset_index
from karvan.matching.models import StoredVector
from karvan.notifications.models import Notification
from karvan.opportunities import notifications as kinds
from karvan.opportunities.services import (
    update_opportunity,
)
from tests.factories import MembershipFactory
from tests.opportunities import conftest as opportunity_fixtures
from tests.opportunities.conftest import PISTACHIO_OFFER, PISTACHIO_REQUEST, publish_listing

pytestmark = pytest.mark.django_db

iranian = opportunity_fixtures.iranian
chinese = opportunity_fixtures.chinese

# Below the default 0.5 of settings: the engine scores the pistachio pair about 0.46 today.
ALERT_SCORE = 0.3

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


# --- Match alerts -----------------------------------------------------------------------------


def test_a_new_complementary_listing_alerts_the_partner_once_in_their_language(
    iranian, chinese, django_capture_on_commit_callbacks, settings
):
    settings.KARVAN_MATCH_ALERT_SCORE = ALERT_SCORE
    offer = publish_listing(iranian, PISTACHIO_OFFER, django_capture_on_commit_callbacks)
    assert not Notification.objects.filter(kind=kinds.NEW_MATCH).exists()  # nobody to tell yet
    request = publish_listing(chinese, PISTACHIO_REQUEST, django_capture_on_commit_callbacks)

    alert = Notification.objects.get(kind=kinds.NEW_MATCH)
    assert alert.recipient == iranian.user
    assert alert.url == request.get_absolute_url()
    assert (alert.params["opportunity"], alert.params["match"]) == (offer.title, request.title)
    reasons = alert.params["reasons"]
    assert set(reasons) == set(CONTENT_LANGUAGES)
    with translation.override("fa"):
        body = alert.body
    # The Iranian reader is told where the new partner is: China, named in Persian.
    assert country_name("CN", "fa") in body
    assert country_name("IR", "fa") not in body
    assert reasons["fa"] != reasons["en"]
    with translation.override("en"):
        assert "China" in alert.body

    # Changing or renewing the request does not alert again.
    with django_capture_on_commit_callbacks(execute=True):
        update_opportunity(
            opportunity=request,
            actor=chinese.user,
            changes={"title": "求购伊朗开心果，每月三个货柜"},
        )
    assert Notification.objects.filter(kind=kinds.NEW_MATCH).count() == 1


def test_only_current_members_hear_of_a_match(
    iranian, chinese, django_capture_on_commit_callbacks, settings
):
    """The offer's author is alerted while a member; once they leave, only the managers are."""
    settings.KARVAN_MATCH_ALERT_SCORE = ALERT_SCORE
    writer = MembershipFactory(organisation=iranian.organisation, role=Membership.Role.MEMBER)
    leaver = MembershipFactory(organisation=iranian.organisation, role=Membership.Role.MEMBER)
    publish_listing(writer, PISTACHIO_OFFER, django_capture_on_commit_callbacks)
    publish_listing(
        leaver, {**PISTACHIO_OFFER, "title": "پسته فندقی"}, django_capture_on_commit_callbacks
    )
    leaver.delete()
    publish_listing(chinese, PISTACHIO_REQUEST, django_capture_on_commit_callbacks)
    alerted = Notification.objects.filter(kind=kinds.NEW_MATCH)
    assert {row.params["opportunity"] for row in alerted} == {
        PISTACHIO_OFFER["title"],
        "پسته فندقی",
    }
    assert {row.recipient for row in alerted} == {iranian.user, writer.user}
    assert not alerted.filter(recipient=leaver.user).exists()


def test_a_weak_match_does_not_alert(
    iranian, chinese, django_capture_on_commit_callbacks, settings
):
    settings.KARVAN_MATCH_ALERT_SCORE = ALERT_SCORE
    publish_listing(iranian, PISTACHIO_OFFER, django_capture_on_commit_callbacks)
    publish_listing(chinese, PACKAGING_REQUEST, django_capture_on_commit_callbacks)
    assert not Notification.objects.filter(kind=kinds.NEW_MATCH).exists()
    assert StoredVector.objects.filter(alerted_at__isnull=True).count() == 0
