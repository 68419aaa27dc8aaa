"""Setting an event up: sessions, their slots in the event's zone, and the weekends and holidays
that keep slots away."""

import datetime

import pytest

from karvan.events.models import Slot
from karvan.events.selectors import list_calendar_conflicts
from karvan.events.services.setup import add_session
from tests.dates import fair_day, on_fair_day
from tests.events.conftest import make_event

pytestmark = pytest.mark.django_db

# Nowruz and the Spring Festival of 2026 are known days of the shipped holiday table: the events
# on them are set up on a day before them.
WEEKS_BEFORE_THE_2026_HOLIDAYS = datetime.datetime(2026, 1, 6, 9, 0, tzinfo=datetime.UTC)


def _session(organiser, event, day, start=(9, 0), end=(12, 0), **extra):
    return add_session(
        actor=organiser,
        event=event,
        data={
            "day": day,
            "start_time": datetime.time(*start),
            "end_time": datetime.time(*end),
            "meeting_minutes": 30,
            "break_minutes": 10,
            "tables": 2,
            **extra,
        },
    )


def test_slots_are_generated_in_the_events_zone_and_stored_in_utc(event):
    slots = list(Slot.objects.filter(session__event=event))
    assert len(slots) == 4
    assert slots[0].starts_at == on_fair_day(9, 0)  # stored as 01:00 UTC
    assert slots[0].starts_at.astimezone(datetime.UTC).time() == datetime.time(1, 0)


def test_no_slots_on_nowruz_or_an_iranian_friday_and_the_organiser_is_warned(
    organiser, holidays, time_machine
):
    time_machine.move_to(WEEKS_BEFORE_THE_2026_HOLIDAYS)
    event = make_event(
        organiser, starts_on=datetime.date(2026, 3, 20), ends_on=datetime.date(2026, 3, 24)
    )
    nowruz = _session(organiser, event, datetime.date(2026, 3, 23))
    friday = _session(organiser, event, datetime.date(2026, 3, 20))
    assert nowruz.slots.count() == 0
    assert friday.slots.count() == 0
    conflicts = {c.session.pk: c.days_off for c in list_calendar_conflicts(event=event)}
    assert conflicts[nowruz.pk][0].reason == "holiday"
    assert conflicts[nowruz.pk][0].holiday["en"] == "Nowruz Holiday"
    assert {d.country for d in conflicts[friday.pk]} == {"IR"}  # Friday, oil nationalisation day


def test_spring_festival_is_excluded_but_can_be_overridden(organiser, holidays, time_machine):
    time_machine.move_to(WEEKS_BEFORE_THE_2026_HOLIDAYS)
    event = make_event(
        organiser, starts_on=datetime.date(2026, 2, 17), ends_on=datetime.date(2026, 2, 17)
    )
    assert _session(organiser, event, datetime.date(2026, 2, 17)).slots.count() == 0
    held = _session(organiser, event, datetime.date(2026, 2, 17), hold_on_holidays=True)
    assert held.slots.count() == 4


def test_staff_edits_to_the_holiday_table_change_slot_generation(organiser, holidays):
    from karvan.events.models import Holiday

    Holiday.objects.create(country="CN", observed_on=fair_day(), name={"en": "X"})
    event = make_event(organiser)
    assert _session(organiser, event, fair_day()).slots.count() == 0
