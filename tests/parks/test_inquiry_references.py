"""An inquiry names only what the inquirer may see: the park's published opportunities."""

import json

import pytest
from django.urls import reverse

from karvan.accounts.services import create_api_token
from karvan.opportunities.services import (
    close_opportunity,
    create_opportunity,
    publish_opportunity,
)
from karvan.parks.errors import UnavailableOpportunityError
from karvan.parks.models import Inquiry
from karvan.parks.services import send_inquiry

pytestmark = pytest.mark.django_db

INVESTMENT = {
    "side": "offer",
    "kind": "investment",
    "language": "en",
    "description": "Land and buildings for a processing plant beside the port, with power.",
}


def _opportunity(park_admin, title: str, *, state: str):
    opportunity = create_opportunity(
        actor=park_admin.user,
        organisation=park_admin.organisation,
        data={**INVESTMENT, "title": title},
    )
    if state in {"published", "closed"}:
        opportunity = publish_opportunity(opportunity=opportunity, actor=park_admin.user)
    if state == "closed":
        opportunity = close_opportunity(opportunity=opportunity, actor=park_admin.user)
    return opportunity


def _bearer(user) -> dict[str, str]:
    _token, key = create_api_token(user=user, name="tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.mark.parametrize("state", ["draft", "closed"])
def test_api_refuses_an_inquiry_about_a_draft_or_closed_listing(
    client, park, park_admin, investor, state
):
    hidden = _opportunity(park_admin, "Secret second phase for a steel mill", state=state)
    response = client.post(
        f"/api/parks/{park.pk}/inquiries",
        json.dumps(
            {
                "organisation_id": investor.organisation_id,
                "subject": "About your plans",
                "body": "Tell us more.",
                "opportunity_id": hidden.pk,
            }
        ),
        content_type="application/json",
        **_bearer(investor.user),
    )
    assert response.status_code == 404, response.content
    assert response.json()["code"] == "not_found"
    assert not Inquiry.objects.exists()
    assert "steel mill" not in response.content.decode()


def test_api_accepts_an_inquiry_about_a_published_listing(client, park, park_admin, investor):
    listed = _opportunity(park_admin, "Cold storage plots for rent", state="published")
    response = client.post(
        f"/api/parks/{park.pk}/inquiries",
        json.dumps(
            {
                "organisation_id": investor.organisation_id,
                "subject": "Cold storage",
                "body": "Which plots are free?",
                "opportunity_id": listed.pk,
            }
        ),
        content_type="application/json",
        **_bearer(investor.user),
    )
    assert response.status_code == 201, response.content
    assert Inquiry.objects.get().opportunity == listed


@pytest.mark.parametrize("state", ["draft", "closed"])
def test_service_refuses_a_listing_the_inquirer_cannot_see(park, park_admin, investor, state):
    hidden = _opportunity(park_admin, "Secret second phase", state=state)
    with pytest.raises(UnavailableOpportunityError):
        send_inquiry(
            actor=investor.user,
            park=park,
            organisation=investor.organisation,
            subject="x",
            body="y",
            language="en",
            opportunity=hidden,
        )
    assert not Inquiry.objects.exists()


def test_page_sends_no_inquiry_about_a_draft(client, park, park_admin, investor):
    hidden = _opportunity(park_admin, "Secret second phase for a steel mill", state="draft")
    client.force_login(investor.user)
    page = client.get(park.get_absolute_url()).content.decode()
    assert "steel mill" not in page
    client.post(
        reverse("parks:inquire", args=[park.pk]),
        {
            "organisation": investor.organisation_id,
            "subject": "About your plans",
            "body": "Tell us more.",
            "opportunity": hidden.pk,
        },
    )
    assert not Inquiry.objects.filter(opportunity=hidden).exists()


def test_inquiry_page_hides_a_listing_closed_after_the_inquiry(client, park, park_admin, investor):
    listed = _opportunity(park_admin, "Cold storage plots for rent", state="published")
    inquiry = send_inquiry(
        actor=investor.user,
        park=park,
        organisation=investor.organisation,
        subject="Cold storage",
        body="Which plots are free?",
        language="en",
        opportunity=listed,
    )
    client.force_login(investor.user)
    assert "Cold storage plots for rent" in client.get(inquiry.get_absolute_url()).content.decode()
    close_opportunity(opportunity=listed, actor=park_admin.user)
    listed.title = "Renamed while closed: private"
    listed.save(update_fields=["title"])
    page = client.get(inquiry.get_absolute_url()).content.decode()
    assert "Renamed while closed" not in page
    client.force_login(park_admin.user)
    assert "Renamed while closed" in client.get(inquiry.get_absolute_url()).content.decode()
