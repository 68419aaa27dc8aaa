"""Setting an event up through its pages: the event form, sessions (typed in the organiser's
calendar) and the warning for a session on a holiday."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse

from karvan.events.models import Event

pytestmark = pytest.mark.django_db


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
