"""Setting an event up through its pages: the event form, sessions (typed in the organiser's
calendar) and the warning for a session on a holiday."""

import datetime
import zoneinfo

import jdatetime
import pytest
from django.urls import reverse
from django.utils import timezone

from karvan.events.models import Event
from tests.dates import fair_day, fair_last_day, persian_digits, solar_hijri_typed

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
        "starts_on": fair_day().isoformat(),
        "ends_on": (fair_day() - datetime.timedelta(days=1)).isoformat(),
        "request_mode": "opt_in",
        "scheduling_mode": "participants",
        "request_expiry_hours": 48,
    }
    response = client.post(reverse("events:create"), data)
    assert response.status_code == 200 and not Event.objects.exists()  # last day before first
    response = client.post(reverse("events:create"), {**data, "ends_on": fair_day().isoformat()})
    event = Event.objects.get()
    assert response.status_code == 302
    assert (event.countries, event.title, event.status) == (
        ["IR", "CN"],
        {"en": "Tehran–Shanghai day"},
        "draft",
    )


def test_adding_a_session_on_a_holiday_warns_the_organiser(
    client, organiser, event, holidays, time_machine
):
    # The shipped holiday table covers 2026-2027: the 2027 Spring Festival, seen a month ahead.
    time_machine.move_to(datetime.datetime(2027, 1, 6, 9, 0, tzinfo=datetime.UTC))
    organiser.language = "en"
    organiser.save()
    client.force_login(organiser)
    event.starts_on, event.ends_on = datetime.date(2027, 2, 5), datetime.date(2027, 2, 7)
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
    # Typed, no picker; today's date (in the Solar Hijri calendar) is the example.
    year = str(jdatetime.date.fromgregorian(date=timezone.localdate()).year)
    assert f'placeholder="{persian_digits(year)}/' in form or f'placeholder="{year}/' in form
    response = client.post(
        url,
        {
            "day": solar_hijri_typed(fair_last_day()),  # as "۱۴۰۵/۰۹/۱۸"
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
        fair_last_day()
    )
