"""Registering through the page, the organiser's approvals and rejections, and checking in by
badge code."""

import pytest
import time_machine
from django.urls import reverse

from karvan.events.models import Registration
from karvan.events.services.registrations import register_person
from tests.dates import before_the_fair, on_fair_day
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_check_in_page_by_code(client, organiser, event, iranian):
    organiser.language = "en"
    organiser.save()
    url = reverse("events:check_in", args=[event.pk])
    with time_machine.travel(on_fair_day(9, 30)):
        client.force_login(organiser)
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


def test_the_organiser_approves_and_rejects_from_the_list(client, event, organiser):
    membership = MembershipFactory()
    registration = register_person(
        actor=membership.user,
        event=event,
        organisation=membership.organisation,
        person=membership.user,
    )
    client.force_login(organiser)
    row = client.post(
        reverse("events:registration_approve", args=[registration.pk]), HTTP_HX_REQUEST="true"
    )
    assert row.status_code == 200
    assert reverse("events:registration_reject", args=[registration.pk]) in row.content.decode()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.APPROVED
    response = client.post(
        reverse("events:registration_reject", args=[registration.pk]), {"reason": "Full hall"}
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert (registration.status, registration.rejection_reason) == (
        Registration.Status.REJECTED,
        "Full hall",
    )
    too_long = client.post(
        reverse("events:registration_reject", args=[registration.pk]), {"reason": "x" * 1001}
    )
    assert too_long.status_code == 302
    registration.refresh_from_db()
    assert registration.rejection_reason == "Full hall"


def test_check_in_page_says_when_it_opens_and_refuses_a_badge_before_the_event(
    client, organiser, event, iranian
):
    organiser.language = "en"
    organiser.save()
    url = reverse("events:check_in", args=[event.pk])
    with time_machine.travel(before_the_fair()):
        client.force_login(organiser)
        assert "Check-in opens on the event" in client.get(url).content.decode()
        response = client.post(url, {"code": iranian.badge_code})
    assert response.status_code == 200
    assert "Check-in opens on the event" in response.content.decode()
    iranian.refresh_from_db()
    assert iranian.checked_in_at is None
