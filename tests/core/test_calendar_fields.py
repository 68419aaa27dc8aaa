"""Dates typed and shown in the person's own calendar, in every form that asks for one."""

import datetime
import zoneinfo

import pytest
from django import forms
from django.utils import timezone, translation

from karvan.core.calendars import GREGORIAN, JALALI, override_calendar, parse_typed_moment
from karvan.core.widgets import CalendarDateField, CalendarDateTimeField


class DeadlineForm(forms.Form):
    day = CalendarDateField(required=False)
    moment = CalendarDateTimeField(required=False)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1405/09/02", datetime.date(2026, 11, 23)),
        ("۱۴۰۵/۹/۲", datetime.date(2026, 11, 23)),
        ("١٤٠٥-٠٩-٠٢", datetime.date(2026, 11, 23)),
        ("1404/12/29", datetime.date(2026, 3, 20)),
        ("2026-11-23", datetime.date(2026, 11, 23)),
        (" 2026/1/5 ", datetime.date(2026, 1, 5)),
    ],
)
def test_the_year_tells_the_calendar(typed, expected):
    assert parse_typed_moment(typed) == (expected, None)


@pytest.mark.parametrize("typed", ["", "1405/13/01", "1405/12/31", "2026-02-30", "23/11/2026", "x"])
def test_what_is_no_date_is_refused(typed):
    with pytest.raises(ValueError):
        parse_typed_moment(typed)


def test_a_persian_reader_types_a_solar_hijri_date_and_time_in_their_zone():
    with (
        translation.override("fa"),
        override_calendar(JALALI),
        timezone.override(zoneinfo.ZoneInfo("Asia/Tehran")),
    ):
        form = DeadlineForm(data={"day": "۱۴۰۵/۰۹/۰۲", "moment": "۱۴۰۵/۰۹/۰۲ ۱۴:۳۰"})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == datetime.date(2026, 11, 23)
    assert form.cleaned_data["moment"] == datetime.datetime(
        2026, 11, 23, 11, 0, tzinfo=datetime.UTC
    )


def test_a_bad_date_is_explained_in_the_readers_language_with_an_example():
    with translation.override("fa"), override_calendar(JALALI):
        form = DeadlineForm(data={"day": "۱۴۰۵/۱۳/۰۱", "moment": "۱۴۰۵/۰۹/۰۲"})
        assert not form.is_valid()
        day_error, moment_error = form.errors["day"][0], form.errors["moment"][0]
    assert "تاریخ" in day_error and "۱۴۰" in day_error
    assert "۱۴:۳۰" in moment_error


def test_the_widget_is_a_typed_field_for_solar_hijri_and_the_browser_picker_otherwise():
    value = datetime.date(2026, 11, 23)
    with translation.override("fa"), override_calendar(JALALI):
        persian = str(DeadlineForm(initial={"day": value})["day"])
    with translation.override("en"), override_calendar(GREGORIAN):
        english = str(DeadlineForm(initial={"day": value})["day"])
    assert 'type="text"' in persian and 'value="۱۴۰۵/۰۹/۰۲"' in persian and 'dir="ltr"' in persian
    assert 'type="date"' in english and 'value="2026-11-23"' in english


def test_a_stored_moment_comes_back_in_the_readers_zone_and_calendar():
    moment = datetime.datetime(2026, 11, 23, 11, 0, tzinfo=datetime.UTC)
    tehran = zoneinfo.ZoneInfo("Asia/Tehran")
    with override_calendar(JALALI), timezone.override(tehran), translation.override("fa"):
        persian = str(DeadlineForm(initial={"moment": moment})["moment"])
    with override_calendar(GREGORIAN), timezone.override(zoneinfo.ZoneInfo("Asia/Shanghai")):
        chinese = str(DeadlineForm(initial={"moment": moment})["moment"])
    assert 'value="۱۴۰۵/۰۹/۰۲ ۱۴:۳۰"' in persian
    assert 'type="datetime-local"' in chinese and 'value="2026-11-23T19:00"' in chinese
