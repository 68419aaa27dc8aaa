"""iCalendar (RFC 5545) files: one per meeting, and each participant's feed of published meetings.

Times are written in the event's zone with its VTIMEZONE, so calendar programs show them right
in any zone; summaries are in the reader's language.
"""

import datetime
import zoneinfo

import icalendar
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from karvan.core.text import localize
from karvan.events.models import Meeting, Registration


def _uid(meeting: Meeting) -> str:
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "karvan"
    return f"meeting-{meeting.pk}@{host}"


def _summary(meeting: Meeting, reader: Registration, language: str) -> str:
    others = [
        localize(a.registration.organisation.name, language)[0]
        for a in meeting.attendance.all()
        if a.registration_id != reader.pk
    ]
    return _("Meeting with %(organisations)s") % {"organisations": ", ".join(others) or "—"}


def _vevent(meeting: Meeting, reader: Registration, language: str) -> icalendar.Event:
    event = meeting.event
    zone = zoneinfo.ZoneInfo(event.time_zone)
    vevent = icalendar.Event()
    vevent.add("uid", _uid(meeting))
    vevent.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    vevent.add("last-modified", meeting.updated_at.astimezone(datetime.UTC))
    if meeting.slot is not None:  # only scheduled meetings, which have a slot, are exported
        vevent.add("dtstart", meeting.slot.starts_at.astimezone(zone))
        vevent.add("dtend", meeting.slot.ends_at.astimezone(zone))
    vevent.add("summary", _summary(meeting, reader, language))
    title = localize(event.title, language, original=event.original_language)[0]
    place = _("Online") if event.is_online else ", ".join(p for p in (event.venue, event.city) if p)
    if meeting.table and not event.is_online:
        point = event.meeting_points.filter(number=meeting.table).first()
        place = f"{place} · {point.name if point else _('Table %(n)s') % {'n': meeting.table}}"
    vevent.add("location", place)
    vevent.add("description", f"{title}\n{settings.SITE_URL}{meeting.get_absolute_url()}")
    vevent.add("url", f"{settings.SITE_URL}{meeting.get_absolute_url()}")
    vevent.add("status", "CONFIRMED")
    return vevent


def build_calendar(meetings: list[Meeting], reader: Registration, name: str) -> bytes:
    """A VCALENDAR of meetings, as the reader's participation in them reads in their language."""
    language = reader.person.language or "en"
    with translation.override(language):
        calendar = icalendar.Calendar()
        calendar.add("prodid", "-//Karvan//Events//EN")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", name)
        for meeting in meetings:
            if meeting.is_scheduled:
                calendar.add_component(_vevent(meeting, reader, language))
        calendar.add_missing_timezones()
        return calendar.to_ical()
