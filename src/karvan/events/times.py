"""A meeting's time as its people read it: where the meeting happens first, their own zone beside.

At an in-person event the time that matters is the event's local time (the hall's clock); a person
flying in from another zone also wants it in their home zone, to plan calls around it. An online
meeting has no hall: its time is the reader's own. Dates are in the reader's calendar, digits in
the reader's script; the `.ics` export writes the same start and end in the event's zone.
"""

import datetime
import zoneinfo
from dataclasses import dataclass

from karvan.core.calendars import format_date, localize_digits
from karvan.core.time_zones import zone_label


@dataclass(frozen=True)
class ZonedTime:
    """A meeting's day, start and end in one zone, formatted for the reader."""

    zone: str
    zone_name: str
    day: str
    starts: str
    ends: str


@dataclass(frozen=True)
class MeetingTime:
    """The time shown first (`main`) and, when the reader lives elsewhere, their `home` time."""

    main: ZonedTime
    home: ZonedTime | None


def _in_zone(starts_at: datetime.datetime, ends_at: datetime.datetime, zone: str) -> ZonedTime:
    info = zoneinfo.ZoneInfo(zone)
    start, end = starts_at.astimezone(info), ends_at.astimezone(info)
    return ZonedTime(
        zone=zone,
        zone_name=zone_label(zone),
        day=format_date(start.date()),
        starts=localize_digits(start.strftime("%H:%M")),
        ends=localize_digits(end.strftime("%H:%M")),
    )


def meeting_time(
    *,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    event_zone: str,
    home_zone: str,
    is_online: bool,
) -> MeetingTime:
    """The event's local time first (the reader's own for an online meeting), then the reader's
    home time when its clock differs."""
    main_zone = home_zone if is_online else event_zone
    main = _in_zone(starts_at, ends_at, main_zone)
    if (
        main_zone == home_zone
        or starts_at.astimezone(zoneinfo.ZoneInfo(main_zone)).utcoffset()
        == starts_at.astimezone(zoneinfo.ZoneInfo(home_zone)).utcoffset()
    ):
        return MeetingTime(main=main, home=None)
    return MeetingTime(main=main, home=_in_zone(starts_at, ends_at, home_zone))
