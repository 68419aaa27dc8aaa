"""A published opportunity changed in substance after the staff's review is reviewed again."""

import json

import pytest
from django.test import override_settings
from django.urls import reverse

from karvan.accounts.services import create_api_token
from karvan.directory.models import Organisation
from karvan.directory.services.profiles import update_organisation
from karvan.notifications.models import Notification
from karvan.opportunities import notifications as kinds
from karvan.opportunities.forms import OpportunityForm
from karvan.opportunities.models import Opportunity
from karvan.opportunities.selectors import list_opportunities, list_review_changes
from karvan.opportunities.services import (
    approve_opportunity,
    create_opportunity,
    publish_opportunity,
    update_opportunity,
)
from tests.factories import UserFactory
from tests.opportunities.conftest import PISTACHIO_OFFER

pytestmark = pytest.mark.django_db

BAIT = "Counterfeit-free saffron, certified by the center"


@pytest.fixture
def staff():
    return UserFactory(is_staff=True, language="en")


@pytest.fixture
def unverified(iranian):
    Organisation.objects.filter(pk=iranian.organisation_id).update(
        verification=Organisation.Verification.PENDING
    )
    iranian.organisation.refresh_from_db()
    return iranian


@pytest.fixture
def reviewed(unverified, staff):
    """An unverified organisation's offer, published after the staff's review."""
    draft = create_opportunity(
        actor=unverified.user, organisation=unverified.organisation, data=PISTACHIO_OFFER
    )
    offer = publish_opportunity(opportunity=draft, actor=unverified.user)
    assert offer.status == Opportunity.Status.IN_REVIEW
    return approve_opportunity(opportunity=offer, actor=staff)


@pytest.mark.parametrize(
    "changes",
    [
        {"title": BAIT},
        {"description": "Anything at all, now quite different from what staff approved."},
        {"hs_codes": ["0910"]},
        {"sectors": ["46"]},
        {"kind": "technology"},
        {"side": "request"},
        {"certifications": ["ISO 22000"]},
    ],
)
def test_material_edit_sends_a_reviewed_opportunity_back_to_the_queue(
    reviewed, unverified, chinese, staff, changes
):
    offer = update_opportunity(opportunity=reviewed, actor=unverified.user, changes=changes)
    offer.refresh_from_db()
    assert offer.status == Opportunity.Status.IN_REVIEW
    assert offer not in list_opportunities(viewer=chinese.user)
    assert Notification.objects.filter(recipient=staff, kind=kinds.OPPORTUNITY_SUBMITTED).exists()
    told = Notification.objects.get(recipient=unverified.user, kind=kinds.OPPORTUNITY_CHANGED)
    assert told.params["fields"]
    changed = {change.field for change in list_review_changes(opportunity=offer)}
    assert changed == {next(iter(changes))}


def test_review_changes_show_before_and_after(reviewed, unverified):
    offer = update_opportunity(opportunity=reviewed, actor=unverified.user, changes={"title": BAIT})
    (change,) = list_review_changes(opportunity=offer)
    assert (change.before, change.after) == (PISTACHIO_OFFER["title"], BAIT)
    approved = approve_opportunity(opportunity=offer, actor=UserFactory(is_staff=True))
    assert approved.status == Opportunity.Status.PUBLISHED
    assert list_review_changes(opportunity=approved) == []


@pytest.mark.parametrize(
    "changes",
    [
        {"quantity": "50"},
        {"price_min": "9.50", "price_max": "11", "currency": "USD"},
        {"port": "Chabahar"},
        {"incoterm": "FOB"},
        {"target_countries": ["CN", "AE"]},
    ],
)
def test_commercial_terms_are_edited_without_a_new_review(reviewed, unverified, changes):
    offer = update_opportunity(opportunity=reviewed, actor=unverified.user, changes=changes)
    offer.refresh_from_db()
    assert offer.status == Opportunity.Status.PUBLISHED


@pytest.mark.parametrize(
    ("policy", "verified", "status"),
    [
        ("unverified", True, "published"),
        ("all", True, "in_review"),
        ("none", False, "published"),
    ],
)
def test_the_same_policy_decides(iranian, policy, verified, status):
    if not verified:
        Organisation.objects.filter(pk=iranian.organisation_id).update(
            verification=Organisation.Verification.PENDING
        )
    offer = Opportunity.objects.create(
        organisation=iranian.organisation,
        author=iranian.user,
        side="offer",
        kind="product",
        title="Pistachios",
        description="Akbari pistachios for export.",
        language="en",
    )
    with override_settings(KARVAN_OPPORTUNITY_REVIEW="none"):
        offer = publish_opportunity(opportunity=offer, actor=iranian.user)
    with override_settings(KARVAN_OPPORTUNITY_REVIEW=policy):
        offer = update_opportunity(opportunity=offer, actor=iranian.user, changes={"title": BAIT})
    offer.refresh_from_db()
    assert offer.status == status


def test_renaming_the_organisation_sends_its_reviewed_opportunities_back(
    reviewed, unverified, chinese, staff
):
    update_organisation(
        organisation=unverified.organisation,
        actor=unverified.user,
        changes={"name": {"en": "Official State Pistachio Board"}},
    )
    reviewed.refresh_from_db()
    assert reviewed.status == Opportunity.Status.IN_REVIEW
    assert reviewed not in list_opportunities(viewer=chinese.user)
    (change,) = list_review_changes(opportunity=reviewed)
    assert change.field == "organisation"
    assert "Official State Pistachio Board" in str(change.after)


def test_the_edit_page_tells_the_author_and_the_queue_shows_the_change(
    client, reviewed, unverified, chinese, staff
):
    client.force_login(unverified.user)
    data = {
        key: value
        for key, value in OpportunityForm.initial_from(reviewed).items()
        if value is not None
    }
    data["hs_codes"] = [code.code for code in reviewed.hs_codes.all()]
    data["sectors"] = [code.code for code in reviewed.sectors.all()]
    data["target_countries"] = list(reviewed.target_countries)
    data["title"] = BAIT
    response = client.post(reverse("opportunities:edit", args=[reviewed.pk]), data, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    reviewed.refresh_from_db()
    assert reviewed.status == Opportunity.Status.IN_REVIEW, page
    assert "بازبینی" in page  # told, in Persian, that it awaits the staff's review again
    assert BAIT in page and PISTACHIO_OFFER["title"] in page  # and what changed
    client.force_login(chinese.user)
    assert client.get(reviewed.get_absolute_url()).status_code == 404
    client.force_login(staff)
    queue = client.get(reverse("opportunities:review_queue")).content.decode()
    assert BAIT in queue and PISTACHIO_OFFER["title"] in queue


def test_the_api_reports_the_new_review(client, reviewed, unverified, chinese):
    _token, key = create_api_token(user=unverified.user, name="tests")
    response = client.patch(
        f"/api/opportunities/{reviewed.pk}",
        json.dumps({"title": BAIT}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "in_review"
    _token, other = create_api_token(user=chinese.user, name="tests")
    hidden = client.get(f"/api/opportunities/{reviewed.pk}", HTTP_AUTHORIZATION=f"Bearer {other}")
    assert hidden.status_code == 404
