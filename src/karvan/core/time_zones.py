"""Time zones as people look for them: by country, in the reader's language, with the offset.

The picker groups zones under their country's name (the corridor's countries first), names each
zone by its city in the reader's language (CLDR, through Babel) and shows today's UTC offset, so a
person in Tehran finds "ایران › تهران (UTC+03:30)" instead of scrolling through 400 English ids.
"""

import datetime
import zoneinfo
from collections.abc import Mapping
from functools import cache

from babel.core import get_global
from babel.dates import get_timezone_location
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from karvan.core.countries import babel_locale, country_name


@cache
def _zones() -> tuple[str, ...]:
    return tuple(
        sorted(zone for zone in zoneinfo.available_timezones() if "/" in zone or zone == "UTC")
    )


def is_known_zone(name: str) -> bool:
    return name in _zones()


def _offset(zone: str, now: datetime.datetime) -> str:
    delta = now.astimezone(zoneinfo.ZoneInfo(zone)).utcoffset() or datetime.timedelta()
    minutes = int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _city(zone: str, language: str) -> str:
    fallback = zone.rsplit("/", 1)[-1].replace("_", " ")
    try:
        city = get_timezone_location(zone, locale=babel_locale(language), return_city=True)
    except (LookupError, ValueError):
        return fallback
    # CLDR has no city for some zones and answers with the id's tail; keep ours then.
    return fallback if "/" in city else city


@cache
def _grouped(language: str, day: datetime.date) -> list[tuple[str, list[tuple[str, str]]]]:
    now = datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)
    territories: Mapping[str, str] = get_global("zone_territories")
    by_country: dict[str, list[tuple[str, str]]] = {}
    other: list[tuple[str, str]] = []
    for zone in _zones():
        label = f"{_city(zone, language)} ({_offset(zone, now)})"
        country = territories.get(zone, "")
        if len(country) == 2 and country != "001":
            by_country.setdefault(country, []).append((zone, label))
        else:
            other.append((zone, zone.replace("_", " ") + f" ({_offset(zone, now)})"))
    corridor = [code for code in settings.KARVAN_CORRIDOR if code in by_country]
    rest = sorted(
        (code for code in by_country if code not in corridor),
        key=lambda code: country_name(code, language),
    )
    groups = [
        (country_name(code, language), sorted(by_country[code], key=lambda item: item[1]))
        for code in corridor + rest
    ]
    return [*groups, (gettext("Other zones"), other)]


def time_zone_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices for a form field, in the active language (a callable: read per render)."""
    language = translation.get_language() or "en"
    with translation.override(language):
        return _grouped(language, datetime.datetime.now(datetime.UTC).date())


def zone_label(zone: str, language: str | None = None) -> str:
    """A zone as the picker shows it: its city in the reader's language and today's offset."""
    language = language or translation.get_language() or "en"
    now = datetime.datetime.now(datetime.UTC)
    return f"{_city(zone, language)} ({_offset(zone, now)})"
