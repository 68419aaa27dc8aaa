"""Dates and times in the viewer's calendar, zone and digits."""

import datetime

import pytest
from django.utils import timezone, translation

from karvan.core.calendars import (
    GREGORIAN,
    JALALI,
    default_calendar,
    format_date,
    format_datetime,
    get_active_calendar,
    localize_digits,
    override_calendar,
)

NOWRUZ_1405 = datetime.date(2026, 3, 21)
NOON_UTC = datetime.datetime(2026, 3, 21, 12, 0, tzinfo=datetime.UTC)


def test_nowruz_2026_is_the_first_of_farvardin_1405():
    with translation.override("en"):
        assert format_date(NOWRUZ_1405, calendar=JALALI) == "1 Farvardin 1405"


def test_the_day_before_nowruz_is_the_last_day_of_esfand():
    with translation.override("en"):
        assert format_date(datetime.date(2026, 3, 20), calendar=JALALI) == "29 Esfand 1404"


def test_jalali_date_for_a_persian_reader_has_persian_digits():
    with translation.override("fa"):
        text = format_date(NOWRUZ_1405, calendar=JALALI)
    assert text.startswith("۱ ")
    assert text.endswith(" ۱۴۰۵")
    assert not any(char.isascii() and char.isdigit() for char in text)


def test_jalali_date_for_a_chinese_reader_reads_year_month_day():
    with translation.override("zh-hans"):
        assert format_date(NOWRUZ_1405, calendar=JALALI) == "1405年法尔瓦丁月1日"


def test_gregorian_date_in_english():
    with translation.override("en"):
        assert format_date(NOWRUZ_1405, calendar=GREGORIAN) == "March 21, 2026"


def test_persian_reader_gets_jalali_by_default_and_others_gregorian():
    with translation.override("fa"):
        assert get_active_calendar() == JALALI
        assert format_date(NOWRUZ_1405) == format_date(NOWRUZ_1405, calendar=JALALI)
    with translation.override("zh-hans"):
        assert get_active_calendar() == GREGORIAN
        assert format_date(NOWRUZ_1405) == format_date(NOWRUZ_1405, calendar=GREGORIAN)


def test_overridden_calendar_wins_over_the_language_default():
    with translation.override("en"), override_calendar(JALALI):
        assert format_date(NOWRUZ_1405) == "1 Farvardin 1405"
    with translation.override("fa"), override_calendar(GREGORIAN):
        assert "۲۰۲۶" in format_date(NOWRUZ_1405)
    with translation.override("en"):
        assert get_active_calendar() == GREGORIAN


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fa", JALALI),
        ("fa-ir", JALALI),
        ("en", GREGORIAN),
        ("zh-hans", GREGORIAN),
        ("ar", GREGORIAN),
    ],
)
def test_default_calendar_follows_the_language(language, expected):
    assert default_calendar(language) == expected


@pytest.mark.parametrize(
    ("zone", "expected"),
    [("Asia/Tehran", "March 21, 2026, 15:30"), ("Asia/Shanghai", "March 21, 2026, 20:00")],
)
def test_datetime_is_shown_in_the_active_zone(zone, expected):
    with translation.override("en"), timezone.override(zone):
        assert format_datetime(NOON_UTC, calendar=GREGORIAN) == expected


def test_datetime_crossing_midnight_in_the_zone_shows_the_local_date():
    late = datetime.datetime(2026, 3, 20, 20, 45, tzinfo=datetime.UTC)
    with translation.override("en"), timezone.override("Asia/Tehran"):
        assert format_datetime(late, calendar=JALALI) == "1 Farvardin 1405, 00:15"
    with translation.override("en"), timezone.override("UTC"):
        assert format_datetime(late, calendar=JALALI) == "29 Esfand 1404, 20:45"


def test_datetime_for_a_persian_reader_uses_persian_digits_and_comma():
    with translation.override("fa"), timezone.override("Asia/Tehran"):
        text = format_datetime(NOON_UTC, calendar=JALALI)
    assert text.endswith("، ۱۵:۳۰")
    assert text.startswith("۱ ")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fa", "۲۰۲۶-۰۳-۲۱"),
        ("ar", "٢٠٢٦-٠٣-٢١"),
        ("en", "2026-03-21"),
        ("zh-hans", "2026-03-21"),
    ],
)
def test_localize_digits_writes_digits_in_the_languages_script(language, expected):
    assert localize_digits("2026-03-21", language) == expected


def test_localize_digits_uses_the_active_language_by_default():
    with translation.override("fa"):
        assert localize_digits("42") == "۴۲"
    with translation.override("en"):
        assert localize_digits("42") == "42"
