"""Slots and the days they fall on, in each participating country's zone, weekend and holidays.

Plain functions over plain values (no database), so the rules can be tested on their own: a slot at
09:00 in Shanghai on a Saturday is 04:30 on a Saturday in Tehran; one at 23:30 in Tehran on a
Thursday is already Friday in Shanghai.
"""

import datetime
import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

DEFAULT_WEEKEND = (5, 6)  # Saturday and Sunday (Monday is 0)


@dataclass(frozen=True)
class CountryCalendar:
    country: str
    time_zone: str
    weekend: tuple[int, ...] = DEFAULT_WEEKEND


@dataclass(frozen=True)
class DayOff:
    """A day that is not a working day in a country, and why."""

    country: str
    day: datetime.date
    reason: str  # "weekend" or "holiday"
    holiday: Mapping[str, str] | None = None  # the holiday's name in several languages


def slot_times(
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    *,
    meeting_minutes: int,
    break_minutes: int,
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """Consecutive meetings of `meeting_minutes` with `break_minutes` between, inside the session.

    Arithmetic is in UTC, so a session that spans a change to or from daylight time still gets
    meetings of the same real length.
    """
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise ValueError("session times must be aware")
    start = starts_at.astimezone(datetime.UTC)
    end = ends_at.astimezone(datetime.UTC)
    length = datetime.timedelta(minutes=meeting_minutes)
    step = length + datetime.timedelta(minutes=break_minutes)
    times = []
    while start + length <= end:
        times.append((start, start + length))
        start += step
    return times


def local_days(
    starts_at: datetime.datetime, ends_at: datetime.datetime, time_zone: str
) -> list[datetime.date]:
    """The calendar days, in a zone, that a span of time touches."""
    zone = zoneinfo.ZoneInfo(time_zone)
    first = starts_at.astimezone(zone).date()
    last = (ends_at - datetime.timedelta(microseconds=1)).astimezone(zone).date()
    return [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]


def days_off(
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    *,
    calendars: Sequence[CountryCalendar],
    holidays: Mapping[tuple[str, datetime.date], tuple[Mapping[str, str], bool]],
) -> list[DayOff]:
    """Why a span of time is off in which countries: their weekends and holidays, locally.

    `holidays` maps (country, day) to (name, is_working_day); a working day cancels the weekend
    (China works some Saturdays in exchange for a longer Spring Festival).
    """
    found = []
    for calendar in calendars:
        for day in local_days(starts_at, ends_at, calendar.time_zone):
            entry = holidays.get((calendar.country, day))
            if entry is not None and not entry[1]:
                found.append(DayOff(calendar.country, day, "holiday", entry[0]))
            elif day.weekday() in calendar.weekend and (entry is None or not entry[1]):
                found.append(DayOff(calendar.country, day, "weekend"))
    return found


def country_calendars(
    countries: Sequence[str],
    *,
    profiles: Mapping[str, Mapping[str, object]],
    fallback_zone: str,
) -> list[CountryCalendar]:
    """Each country's zone and weekend from the corridor's configuration, or sensible defaults."""
    calendars = []
    for country in countries:
        profile = profiles.get(country, {})
        calendars.append(
            CountryCalendar(
                country=country,
                time_zone=str(profile.get("time_zone", fallback_zone)),
                weekend=tuple(profile.get("weekend", DEFAULT_WEEKEND)),  # type: ignore[arg-type]
            )
        )
    return calendars
