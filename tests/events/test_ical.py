"""The iCalendar output, parsed back with the icalendar library."""

import datetime

import icalendar
import pytest
from django.urls import reverse

from karvan.events.models import Meeting, Slot
from karvan.events.services.meeting_requests import accept_meeting_request, send_meeting_request
from karvan.events.services.meetings import move_meeting, publish_schedule
from tests.dates import on_fair_day

pytestmark = pytest.mark.django_db


def test_a_meeting_file_and_the_feed_parse_back_with_the_events_time_zone(
    client, event, organiser, iranian, chinese
):
    request = send_meeting_request(
        actor=iranian.person, sender=iranian, recipient=chinese, reason=""
    )
    accept_meeting_request(actor=chinese.person, request=request)
    meeting = Meeting.objects.get(request=request)
    move_meeting(actor=organiser, meeting=meeting, slot=Slot.objects.first(), table=1)
    publish_schedule(actor=organiser, event=event)
    client.force_login(iranian.person)
    response = client.get(reverse("events:meeting_ics", args=[meeting.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    timezones = [c for c in calendar.walk("VTIMEZONE")]
    assert [str(tz["TZID"]) for tz in timezones] == ["Asia/Shanghai"]
    (vevent,) = calendar.walk("VEVENT")
    start = vevent.decoded("DTSTART")
    assert start == on_fair_day(9, 0)
    assert vevent.decoded("DTEND") - start == datetime.timedelta(minutes=30)
    assert str(vevent["UID"]).startswith(f"meeting-{meeting.pk}@")
    assert "Organisation" in str(vevent["SUMMARY"])  # the other side's name
    feed = client.get(reverse("events:calendar_feed", args=[chinese.calendar_token]))
    (entry,) = icalendar.Calendar.from_ical(feed.content).walk("VEVENT")
    assert entry["UID"] == vevent["UID"]


def test_the_meeting_page_agenda_and_file_show_the_events_local_time_first_then_home_time(
    client, event, organiser, iranian, chinese
):
    """A participant from Tehran at a Shanghai fair reads 09:00–09:30 (Shanghai) first, the same
    start and end the `.ics` file carries, and 04:30–05:00 (Tehran) beside it."""
    request = send_meeting_request(
        actor=iranian.person, sender=iranian, recipient=chinese, reason=""
    )
    accept_meeting_request(actor=chinese.person, request=request)
    meeting = Meeting.objects.get(request=request)
    move_meeting(actor=organiser, meeting=meeting, slot=Slot.objects.first(), table=1)
    publish_schedule(actor=organiser, event=event)
    iranian.person.time_zone, iranian.person.language = "Asia/Tehran", "en"
    iranian.person.save()
    client.force_login(iranian.person)
    (vevent,) = icalendar.Calendar.from_ical(
        client.get(reverse("events:meeting_ics", args=[meeting.pk])).content
    ).walk("VEVENT")
    file_times = f"{vevent.decoded('DTSTART'):%H:%M}–{vevent.decoded('DTEND'):%H:%M}"
    assert file_times == "09:00–09:30"
    for url in (
        reverse("events:meeting", args=[meeting.pk]),
        reverse("events:agenda", args=[iranian.pk]),
    ):
        page = client.get(url).content.decode()
        local, home = page.index(file_times), page.index("04:30–05:00")
        assert local < home  # the event's local time comes first
