"""Staff keep the holiday table in the admin; slot generation follows what they save."""

import datetime

import pytest
from django.urls import reverse

from karvan.events.models import Holiday
from karvan.events.services.setup import add_session, generate_slots
from tests.dates import fair_day
from tests.events.conftest import make_event
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _morning(organiser, event):
    return add_session(
        actor=organiser,
        event=event,
        data={
            "day": fair_day(),
            "start_time": datetime.time(9, 0),
            "end_time": datetime.time(12, 0),
            "meeting_minutes": 30,
            "tables": 2,
        },
    )


def test_a_holiday_staff_add_in_the_admin_keeps_slots_off_that_day_until_made_a_working_day(
    client, organiser
):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:events_holiday_add"),
        {"country": "CN", "observed_on": fair_day().isoformat(), "name": '{"en": "Fair closure"}'},
    )
    assert response.status_code == 302
    holiday = Holiday.objects.get(country="CN", observed_on=fair_day())
    assert (holiday.name, holiday.is_working_day) == ({"en": "Fair closure"}, False)
    event = make_event(organiser)
    session = _morning(organiser, event)
    assert session.slots.count() == 0  # a Chinese holiday: no meetings that morning

    response = client.post(
        reverse("admin:events_holiday_change", args=[holiday.pk]),
        {
            "country": "CN",
            "observed_on": fair_day().isoformat(),
            "name": '{"en": "Fair closure"}',
            "is_working_day": "on",
        },
    )
    assert response.status_code == 302
    holiday.refresh_from_db()
    assert holiday.is_working_day
    assert len(generate_slots(session=session)) == 6  # 09:00 to 12:00 in 30-minute meetings
    assert session.slots.count() == 6


def test_a_holiday_the_staff_delete_no_longer_keeps_slots_away(client, organiser):
    holiday = Holiday.objects.create(country="IR", observed_on=fair_day(), name={"en": "Closed"})
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:events_holiday_delete", args=[holiday.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Holiday.objects.exists()
    assert _morning(organiser, make_event(organiser)).slots.count() == 6
