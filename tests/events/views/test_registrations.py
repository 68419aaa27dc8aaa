"""Registering through the page and checking in by badge code."""

import pytest
from django.urls import reverse

from karvan.events.models import Registration
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_check_in_page_by_code(client, organiser, event, iranian):
    organiser.language = "en"
    organiser.save()
    client.force_login(organiser)
    url = reverse("events:check_in", args=[event.pk])
    response = client.post(url, {"code": iranian.badge_code})
    assert "Checked in." in response.content.decode()
    response = client.post(url, {"code": "NOPE"})
    assert "No approved participant" in response.content.decode()
    iranian.refresh_from_db()
    assert iranian.checked_in_at is not None


def test_a_member_registers_through_the_page(client, event):
    membership = MembershipFactory()
    client.force_login(membership.user)
    response = client.post(
        reverse("events:register", args=[event.pk]),
        {"organisation": membership.organisation_id, "person": membership.user.pk},
    )
    registration = Registration.objects.get(person=membership.user)
    assert response.status_code == 302 and registration.status == Registration.Status.PENDING
