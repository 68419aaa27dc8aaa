"""The tests' calendar, counted from the day the test run started, so the suite never expires.

The test fair (`tests/events/conftest.py`) is held on `fair_day()` and the day after: a Tuesday
and a Wednesday at least three weeks ahead, when neither Iran (weekend: Friday) nor China
(Saturday, Sunday) is off and no holiday of the shipped table falls. Every other dated thing in
a test of the fair is derived from it, so an upcoming meeting stays upcoming and a ceremony stays
ahead whatever today's date is.

A test that needs one known calendar date (a Solar Hijri conversion, Nowruz, a leap day) keeps
it and stands on a moment consistent with it (`time_machine`) instead.
"""

import datetime
import functools
import json
import zoneinfo
from pathlib import Path

import jdatetime

HOLIDAYS = Path(__file__).resolve().parents[1] / "src/karvan/events/data/holidays.json"
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")  # the test fair's zone
TUESDAY = 1  # Monday is 0
DAYS_AHEAD = 21


@functools.cache
def fair_day() -> datetime.date:
    """The test fair's first day (a Tuesday; the second day is `fair_day() + 1 day`).

    Reckoned once per run (the conftest asks at the session's start, before any test moves the
    clock), so a run that passes midnight, or a test standing on another day, sees the same fair.
    """
    holidays = {
        datetime.date.fromisoformat(row["date"])
        for row in json.loads(HOLIDAYS.read_text(encoding="utf-8"))["holidays"]
        if not row["is_working_day"]
    }
    day = datetime.datetime.now(datetime.UTC).date() + datetime.timedelta(days=DAYS_AHEAD)
    day += datetime.timedelta(days=(TUESDAY - day.weekday()) % 7)
    while day in holidays or day + datetime.timedelta(days=1) in holidays:
        day += datetime.timedelta(weeks=1)
    return day


def fair_last_day() -> datetime.date:
    """The test fair's second and last day, a Wednesday."""
    return fair_day() + datetime.timedelta(days=1)


def on_fair_day(
    hour: int, minute: int = 0, *, days: int = 0, zone: zoneinfo.ZoneInfo = SHANGHAI
) -> datetime.datetime:
    """A moment at a fixed local time (Shanghai unless told) `days` after the fair's first day."""
    day = fair_day() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=zone)


def before_the_fair() -> datetime.datetime:
    """A week before the fair opens, 09:00 in Shanghai: everything about the fair still ahead."""
    return on_fair_day(9, days=-7)


PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def persian_digits(text: str) -> str:
    return text.translate(PERSIAN_DIGITS)


def solar_hijri(day: datetime.date) -> str:
    """A day as a Persian reader sees it, worked out apart from Karvan: "۱۷ آذر ۱۴۰۵"."""
    hijri = jdatetime.date.fromgregorian(date=day)
    month = jdatetime.date.j_months_fa[hijri.month - 1]
    return persian_digits(f"{hijri.day} {month} {hijri.year}")


def solar_hijri_typed(day: datetime.date) -> str:
    """A day as a Persian reader types it, in Persian digits: "۱۴۰۵/۰۹/۱۸"."""
    return persian_digits(jdatetime.date.fromgregorian(date=day).strftime("%Y/%m/%d"))
