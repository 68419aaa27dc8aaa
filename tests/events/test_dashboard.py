"""The member's dashboard counts what waits for them and lists what is next, from the data."""

import re

import pytest
from django.urls import reverse

from karvan.events.models import Event, Slot
from karvan.events.services.delegations import create_delegation, invite_to_delegation
from karvan.events.services.meeting_requests import accept_meeting_request, send_meeting_request
from karvan.notifications.models import Notification
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _count(html: str, block: str) -> int | None:
    """The count a dashboard block shows (data-count beside its native-digit badge)."""
    found = re.search(
        rf'data-block="{block}">\s*<div class="card-header[^\n]*?data-count="(\d+)"', html
    )
    return int(found.group(1)) if found else None


def test_requests_to_answer_and_unread_notifications_are_counted_for_the_recipient(
    client, iranian, chinese
):
    send_meeting_request(actor=iranian.person, sender=iranian, recipient=chinese, reason="Tea")
    client.force_login(chinese.person)
    html = client.get(reverse("home")).content.decode()
    assert _count(html, "requests") == 1
    unread = Notification.objects.filter(recipient=chinese.person, read_at__isnull=True).count()
    assert unread >= 1
    assert _count(html, "notifications") == unread
    # The sender has nothing to answer: the request waits for the other side.
    client.force_login(iranian.person)
    html = client.get(reverse("home")).content.decode()
    assert _count(html, "requests") is None
    assert "در انتظار شما" in html  # the Persian reader's page, in Persian


def test_next_meetings_and_registrations_come_from_the_published_agenda(
    client, event, iranian, chinese
):
    event.scheduling_mode = Event.SchedulingMode.PARTICIPANTS
    event.save()
    for registration in (iranian, chinese):
        registration.event.refresh_from_db()
    request = send_meeting_request(
        actor=iranian.person, sender=iranian, recipient=chinese, reason="Tea"
    )
    slot = Slot.objects.filter(session__event=event).order_by("starts_at").first()
    accept_meeting_request(actor=chinese.person, request=request, slot=slot)
    client.force_login(iranian.person)
    html = client.get(reverse("home")).content.decode()
    assert _count(html, "meetings") == 1
    assert _count(html, "registrations") == 1
    assert reverse("events:meeting", args=[request.meeting.pk]) in html
    assert _count(html, "requests") is None


def test_a_delegation_invitation_waits_for_the_invited_managers_only(client, event, organiser):
    leader = MembershipFactory(organisation=OrganisationFactory(country="IR"))
    invited = MembershipFactory(organisation=OrganisationFactory(country="IR"))
    delegation = create_delegation(
        actor=leader.user, event=event, leader=leader.organisation, name="Tehran delegation"
    )
    invite_to_delegation(
        actor=leader.user, delegation=delegation, organisation=invited.organisation
    )
    client.force_login(invited.user)
    html = client.get(reverse("home")).content.decode()
    assert _count(html, "invitations") == 1
    assert reverse("events:invitations") in html
    client.force_login(leader.user)
    assert _count(client.get(reverse("home")).content.decode(), "invitations") is None
    bystander = UserFactory()
    client.force_login(bystander)
    assert _count(client.get(reverse("home")).content.decode(), "invitations") is None
