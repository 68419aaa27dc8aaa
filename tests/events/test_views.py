"""Every events page renders for the people who may see it, in each interface language."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from karvan.events.models import Event, Holiday, Meeting, Registration, Slot
from karvan.events.services.delegations import create_delegation
from karvan.events.services.meeting_requests import accept_meeting_request, send_meeting_request
from karvan.events.services.meetings import move_meeting, publish_schedule
from tests.factories import MembershipFactory, UserFactory

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
    # 09:00 in Shanghai on 8 December 2026 is 04:30 in Tehran on 17 Azar 1405.
    assert "۱۷ آذر ۱۴۰۵" in page and "۰۴:۳۰" in page
    with translation.override("fa"):
        assert (
            "<svg" in client.get(reverse("events:registration", args=[iranian.pk])).content.decode()
        )


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


def test_adding_a_session_on_a_holiday_warns_the_organiser(client, organiser, event, holidays):
    organiser.language = "en"
    organiser.save()
    client.force_login(organiser)
    event.ends_on = datetime.date(2027, 2, 7)
    event.save()
    response = client.post(
        reverse("events:sessions", args=[event.pk]),
        {
            "day": "2027-02-06",
            "start_time": "09:00",
            "end_time": "12:00",
            "meeting_minutes": 30,
            "break_minutes": 5,
            "tables": 5,
        },
        follow=True,
    )
    page = response.content.decode()
    assert "No slots were made" in page and "Spring Festival" in page


def test_an_organisation_drafts_an_event_through_the_form(client, organiser):
    client.force_login(organiser)
    organisation = organiser.memberships.get().organisation
    data = {
        "organiser": organisation.pk,
        "kind": "online_matchmaking",
        "original_language": "en",
        "title": "Tehran–Shanghai day",
        "time_zone": "Asia/Shanghai",
        "countries": "ir, cn",
        "starts_on": "2027-01-12",
        "ends_on": "2027-01-11",
        "request_mode": "opt_in",
        "scheduling_mode": "participants",
        "request_expiry_hours": 48,
    }
    response = client.post(reverse("events:create"), data)
    assert response.status_code == 200 and not Event.objects.exists()  # last day before first
    response = client.post(reverse("events:create"), {**data, "ends_on": "2027-01-12"})
    event = Event.objects.get()
    assert response.status_code == 302
    assert (event.countries, event.title, event.status) == (
        ["IR", "CN"],
        {"en": "Tehran–Shanghai day"},
        "draft",
    )


def test_a_member_registers_through_the_page_and_staff_edit_holidays(client, event, holidays):
    membership = MembershipFactory()
    client.force_login(membership.user)
    response = client.post(
        reverse("events:register", args=[event.pk]),
        {"organisation": membership.organisation_id, "person": membership.user.pk},
    )
    registration = Registration.objects.get(person=membership.user)
    assert response.status_code == 302 and registration.status == Registration.Status.PENDING
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    nowruz = Holiday.objects.get(country="IR", observed_on=datetime.date(2026, 3, 21))
    assert client.get(reverse("admin:events_holiday_changelist")).status_code == 200
    assert client.get(reverse("admin:events_holiday_change", args=[nowruz.pk])).status_code == 200


def test_a_participant_accepts_in_a_slot_of_their_choice(client, event, iranian, chinese):
    Event.objects.filter(pk=event.pk).update(scheduling_mode=Event.SchedulingMode.PARTICIPANTS)
    with time_machine.travel(datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)):
        request = send_meeting_request(
            actor=iranian.person, sender=iranian, recipient=chinese, reason="x"
        )
        chosen = Slot.objects.filter(session__event=event)[2]
        client.force_login(chinese.person)
        url = reverse("events:request", args=[request.pk])
        assert f'value="{chosen.pk}"' in client.get(url).content.decode()
        client.post(reverse("events:request_accept", args=[request.pk]), {"slot": chosen.pk})
    meeting = Meeting.objects.get(request=request)
    assert (meeting.slot, meeting.is_published) == (chosen, True)


def test_a_persian_organiser_types_the_sessions_day_in_the_solar_hijri_calendar(
    client, organiser, event
):
    organiser.language, organiser.calendar = "fa", "jalali"
    organiser.save()
    client.force_login(organiser)
    url = reverse("events:sessions", args=[event.pk])
    form = client.get(url).content.decode()
    assert 'placeholder="۱۴۰۵/' in form or 'placeholder="1405/' in form  # typed, no picker
    response = client.post(
        url,
        {
            "day": "۱۴۰۵/۰۹/۱۸",  # 9 December 2026
            "start_time": "14:00",
            "end_time": "16:00",
            "meeting_minutes": 30,
            "break_minutes": 0,
            "tables": 2,
        },
    )
    assert response.status_code == 302
    added = event.sessions.order_by("starts_at").last()
    assert added.starts_at.astimezone(zoneinfo.ZoneInfo("Asia/Shanghai")).date() == (
        datetime.date(2026, 12, 9)
    )
