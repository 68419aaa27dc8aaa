"""Every events page renders for the people who may see it, in each interface language."""

import pytest
from django.urls import reverse
from django.utils import translation

from karvan.events.models import Meeting, Slot
from karvan.events.services.delegations import create_delegation
from karvan.events.services.meeting_requests import accept_meeting_request, send_meeting_request
from karvan.events.services.meetings import move_meeting, publish_schedule
from tests.dates import fair_day, solar_hijri

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(event, organiser, iranian, chinese):
    request = send_meeting_request(
        actor=iranian.person, sender=iranian, recipient=chinese, reason="Pistachios"
    )
    accept_meeting_request(actor=chinese.person, request=request)
    meeting = Meeting.objects.get(request=request)
    move_meeting(actor=organiser, meeting=meeting, slot=Slot.objects.first(), table=1)
    publish_schedule(actor=organiser, event=event)
    return meeting


@pytest.mark.parametrize("language", ["en", "fa", "zh-hans"])
def test_organiser_pages_render(client, organiser, event, meeting, iranian, language):
    delegation = create_delegation(
        actor=organiser, event=event, leader=iranian.organisation, name="Delegation"
    )
    client.force_login(organiser)
    client.cookies["django_language"] = language
    urls = [
        reverse("events:list"),
        reverse("events:create"),
        reverse("events:detail", args=[event.pk]),
        reverse("events:edit", args=[event.pk]),
        reverse("events:sessions", args=[event.pk]),
        reverse("events:registrations", args=[event.pk]),
        reverse("events:schedule", args=[event.pk]) + "?view=slot",
        reverse("events:schedule", args=[event.pk]) + "?view=table",
        reverse("events:schedule", args=[event.pk]) + "?view=participant",
        reverse("events:schedule_progress", args=[event.pk]),
        reverse("events:table_plan", args=[event.pk]),
        reverse("events:check_in", args=[event.pk]),
        reverse("events:meeting", args=[meeting.pk]),
        reverse("events:delegation", args=[delegation.pk]),
        reverse("events:participants", args=[event.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_participant_pages_and_the_persian_agenda_in_solar_hijri(client, event, meeting, iranian):
    client.force_login(iranian.person)
    client.cookies["django_language"] = "fa"
    for url in [
        reverse("events:detail", args=[event.pk]),
        reverse("events:register", args=[event.pk]),
        reverse("events:participants", args=[event.pk]),
        reverse("events:requests"),
        reverse("events:request", args=[meeting.request_id]),
        reverse("events:registration", args=[iranian.pk]),
        reverse("events:badge", args=[iranian.pk]),
        reverse("events:meeting", args=[meeting.pk]),
        reverse("events:manifest"),
        reverse("events:service_worker"),
    ]:
        assert client.get(url).status_code == 200, url
    page = client.get(reverse("events:agenda", args=[iranian.pk])).content.decode()
    # 09:00 in Shanghai on the fair's first day is 04:30 in Tehran the same day (as on
    # 8 December 2026, 17 Azar 1405).
    assert solar_hijri(fair_day()) in page and "۰۴:۳۰" in page
    with translation.override("fa"):
        assert (
            "<svg" in client.get(reverse("events:registration", args=[iranian.pk])).content.decode()
        )
