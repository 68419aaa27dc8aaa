"""Dates and times as each viewer reads them: their calendar, their zone, their digits.

Times are stored in UTC. A Persian reader who chose the Solar Hijri calendar sees
"۲ آذر ۱۴۰۵، ۱۴:۳۰"; a Beijing reader sees the same moment in China Standard Time. The active
calendar is per request (or per e-mail being rendered), like Django's active time zone.
"""

import contextvars
import datetime
import re
from collections.abc import Iterator
from contextlib import contextmanager

import jdatetime
from django.utils import formats, timezone, translation
from django.utils.translation import pgettext_lazy

from karvan.core.digits import normalize_digits

JALALI = "jalali"
GREGORIAN = "gregorian"

JALALI_MONTHS = (
    pgettext_lazy("Solar Hijri month", "Farvardin"),
    pgettext_lazy("Solar Hijri month", "Ordibehesht"),
    pgettext_lazy("Solar Hijri month", "Khordad"),
    pgettext_lazy("Solar Hijri month", "Tir"),
    pgettext_lazy("Solar Hijri month", "Mordad"),
    pgettext_lazy("Solar Hijri month", "Shahrivar"),
    pgettext_lazy("Solar Hijri month", "Mehr"),
    pgettext_lazy("Solar Hijri month", "Aban"),
    pgettext_lazy("Solar Hijri month", "Azar"),
    pgettext_lazy("Solar Hijri month", "Dey"),
    pgettext_lazy("Solar Hijri month", "Bahman"),
    pgettext_lazy("Solar Hijri month", "Esfand"),
)

# Chinese writes year, month, day: 1405年阿扎尔月2日.
_JALALI_PATTERNS = {"zh": "{year}年{month}{day}日"}

_DIGIT_TABLES = {
    "fa": str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"),
    "ar": str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"),
}

_active_calendar: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "karvan_calendar", default=None
)


def default_calendar(language: str) -> str:
    """The calendar a person reading this language most likely uses."""
    return JALALI if language.split("-")[0] == "fa" else GREGORIAN


def get_active_calendar() -> str:
    """The calendar of the current viewer, or the one that goes with the active language."""
    return _active_calendar.get() or default_calendar(translation.get_language() or "en")


def activate_calendar(calendar: str | None) -> contextvars.Token[str | None]:
    return _active_calendar.set(calendar)


def deactivate_calendar(token: contextvars.Token[str | None]) -> None:
    _active_calendar.reset(token)


@contextmanager
def override_calendar(calendar: str | None) -> Iterator[None]:
    """Render inside with this calendar, as for an e-mail to a recipient."""
    token = activate_calendar(calendar)
    try:
        yield
    finally:
        deactivate_calendar(token)


def localize_digits(text: str, language: str | None = None) -> str:
    """Write the digits of a text in the script of the language (Persian or Arabic-Indic)."""
    language = (language or translation.get_language() or "en").split("-")[0]
    table = _DIGIT_TABLES.get(language)
    return text.translate(table) if table else text


def format_date(value: datetime.date, *, calendar: str | None = None) -> str:
    """A date as the active viewer reads it: "2 Azar 1405" or "23 November 2026"."""
    calendar = calendar or get_active_calendar()
    if calendar == JALALI:
        day = jdatetime.date.fromgregorian(date=value)
        language = (translation.get_language() or "en").split("-")[0]
        pattern = _JALALI_PATTERNS.get(language, "{day} {month} {year}")
        text = pattern.format(day=day.day, month=JALALI_MONTHS[day.month - 1], year=day.year)
    else:
        text = formats.date_format(value, "DATE_FORMAT")
    return localize_digits(text)


_DATE_TIME_SEPARATORS = {"fa": "، ", "ar": "، ", "zh": " "}


def format_datetime(value: datetime.datetime, *, calendar: str | None = None) -> str:
    """A moment in the viewer's zone and calendar, with the time: "2 Azar 1405, 14:30"."""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    language = (translation.get_language() or "en").split("-")[0]
    separator = _DATE_TIME_SEPARATORS.get(language, ", ")
    time_text = localize_digits(local.strftime("%H:%M"))
    return f"{format_date(local.date(), calendar=calendar)}{separator}{time_text}"


_TYPED_MOMENT_RE = re.compile(
    r"^\s*(?P<year>\d{4})\s*[-/.]\s*(?P<month>\d{1,2})\s*[-/.]\s*(?P<day>\d{1,2})"
    r"(?:\s*[T ,،]\s*(?P<hour>\d{1,2})[:٫.](?P<minute>\d{2}))?\s*$"
)
# No Gregorian date a person types today is before 1700, and no Solar Hijri one after it.
_LAST_SOLAR_HIJRI_YEAR = 1699


def parse_typed_moment(text: str) -> tuple[datetime.date, datetime.time | None]:
    """A date (and maybe a time) as a person types it: "1405/09/02", "۱۴۰۵/۹/۲ ۱۴:۳۰", "2026-11-23".

    The year tells the calendar, whatever the person's preference, so a Persian reader may type
    either. Persian, Arabic-Indic and full-width digits are accepted. Raises ValueError when it
    is no date.
    """
    match = _TYPED_MOMENT_RE.match(normalize_digits(text))
    if match is None:
        raise ValueError(text)
    year, month, day = (int(match[name]) for name in ("year", "month", "day"))
    if year <= _LAST_SOLAR_HIJRI_YEAR:
        date = jdatetime.date(year, month, day).togregorian()
    else:
        date = datetime.date(year, month, day)
    if match["hour"] is None:
        return date, None
    return date, datetime.time(int(match["hour"]), int(match["minute"]))


def format_typed_date(value: datetime.date, *, calendar: str | None = None) -> str:
    """A date the way `parse_typed_moment` reads it back: "۱۴۰۵/۰۹/۰۲" or "2026-11-23"."""
    if (calendar or get_active_calendar()) == JALALI:
        return localize_digits(jdatetime.date.fromgregorian(date=value).strftime("%Y/%m/%d"))
    return value.isoformat()
