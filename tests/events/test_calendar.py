"""Slot times and days off across zones, daylight time, weekends and holidays (plain data)."""

import datetime
import itertools
import zoneinfo

from hypothesis import given
from hypothesis import strategies as st

from karvan.events.calendar import CountryCalendar, days_off, local_days, slot_times

TEHRAN = zoneinfo.ZoneInfo("Asia/Tehran")
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
IRAN = CountryCalendar("IR", "Asia/Tehran", (4,))
CHINA = CountryCalendar("CN", "Asia/Shanghai", (5, 6))


def test_slots_are_meeting_length_apart_by_the_break_and_stay_inside_the_session():
    start = datetime.datetime(2026, 12, 8, 9, 0, tzinfo=SHANGHAI)
    times = slot_times(
        start, start + datetime.timedelta(hours=3), meeting_minutes=30, break_minutes=10
    )
    assert len(times) == 4  # 09:00, 09:40, 10:20, 11:00 (11:40 would end after 12:00)
    assert times[1][0].astimezone(SHANGHAI).strftime("%H:%M") == "09:40"
    assert all(end - begin == datetime.timedelta(minutes=30) for begin, end in times)


def test_slots_keep_their_real_length_across_a_daylight_time_change():
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    start = datetime.datetime(2026, 10, 25, 1, 0, tzinfo=berlin)  # clocks go back at 03:00
    end = datetime.datetime(2026, 10, 25, 4, 0, tzinfo=berlin)
    times = slot_times(start, end, meeting_minutes=60, break_minutes=0)
    assert len(times) == 4  # four real hours between 01:00 CEST and 04:00 CET


def test_a_shanghai_morning_on_friday_is_a_friday_in_tehran_too():
    start = datetime.datetime(2026, 12, 11, 9, 0, tzinfo=SHANGHAI)  # Friday
    found = days_off(
        start, start + datetime.timedelta(minutes=30), calendars=[IRAN, CHINA], holidays={}
    )
    assert [(d.country, d.reason) for d in found] == [("IR", "weekend")]


def test_a_late_tehran_thursday_evening_is_already_friday_in_shanghai_but_not_off_there():
    start = datetime.datetime(2026, 12, 10, 20, 0, tzinfo=TEHRAN)  # 00:30 Friday in Shanghai
    assert local_days(start, start + datetime.timedelta(minutes=30), "Asia/Shanghai") == [
        datetime.date(2026, 12, 11)
    ]
    assert (
        days_off(
            start, start + datetime.timedelta(minutes=30), calendars=[IRAN, CHINA], holidays={}
        )
        == []
    )


def test_holidays_and_working_weekends():
    nowruz = datetime.datetime(2026, 3, 23, 10, 0, tzinfo=TEHRAN)
    table = {
        ("IR", datetime.date(2026, 3, 23)): ({"en": "Nowruz Holiday"}, False),
        ("CN", datetime.date(2026, 2, 14)): ({"en": "Working day"}, True),
    }
    found = days_off(
        nowruz, nowruz + datetime.timedelta(hours=1), calendars=[IRAN, CHINA], holidays=table
    )
    assert [(d.country, d.reason, d.holiday) for d in found] == [
        ("IR", "holiday", {"en": "Nowruz Holiday"})
    ]
    saturday = datetime.datetime(2026, 2, 14, 10, 0, tzinfo=SHANGHAI)
    assert (
        days_off(
            saturday, saturday + datetime.timedelta(hours=1), calendars=[CHINA], holidays=table
        )
        == []
    )


@given(
    start_minute=st.integers(min_value=0, max_value=24 * 60 - 1),
    length=st.integers(min_value=30, max_value=8 * 60),
    meeting=st.integers(min_value=5, max_value=120),
    pause=st.integers(min_value=0, max_value=30),
    zone=st.sampled_from(["Asia/Tehran", "Asia/Shanghai", "Europe/Berlin", "America/New_York"]),
)
def test_slots_never_overlap_and_stay_inside_their_session(
    start_minute, length, meeting, pause, zone
):
    midnight = datetime.datetime(2026, 3, 29, tzinfo=zoneinfo.ZoneInfo(zone))  # Europe's DST day
    start = midnight.astimezone(datetime.UTC) + datetime.timedelta(minutes=start_minute)
    start = start.astimezone(midnight.tzinfo)
    end = (start.astimezone(datetime.UTC) + datetime.timedelta(minutes=length)).astimezone(
        midnight.tzinfo
    )
    times = slot_times(start, end, meeting_minutes=meeting, break_minutes=pause)
    assert len(times) == (length + pause) // (meeting + pause)
    for begin, finish in times:
        assert start <= begin and finish <= end
        assert finish - begin == datetime.timedelta(minutes=meeting)
    for (_begin, finish), (following, _end) in itertools.pairwise(times):
        assert following - finish == datetime.timedelta(minutes=pause)
