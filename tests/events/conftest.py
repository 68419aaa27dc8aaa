"""An event with one session, its organiser, and approved participants from Iran and China
(each registered themselves; the organiser approved)."""

import datetime
import json
from pathlib import Path

import pytest
from django.utils import translation

from karvan.events.models import Event, Registration
from karvan.events.services.registrations import approve_registration, register_person
from karvan.events.services.setup import add_session, create_event, load_holidays
from tests.dates import fair_day, fair_last_day
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

HOLIDAYS = Path(__file__).resolve().parents[2] / "src/karvan/events/data/holidays.json"


@pytest.fixture(autouse=True)
def _language_reset() -> object:
    """A page requested by a Persian reader activates Persian in the test's thread: the next test
    starts in the default language again."""
    yield
    translation.deactivate()


@pytest.fixture
def holidays(db: None) -> int:
    return load_holidays(rows=json.loads(HOLIDAYS.read_text(encoding="utf-8"))["holidays"])


@pytest.fixture
def organiser(db: None) -> object:
    return MembershipFactory(
        organisation=OrganisationFactory(country="CN", name={"zh-hans": "博览会秘书处"}),
        user=UserFactory(time_zone="Asia/Shanghai", language="zh-hans"),
    ).user


def make_event(organiser: object, **data: object) -> Event:
    organisation = organiser.memberships.first().organisation
    values = {
        "kind": Event.Kind.FAIR,
        "title": {"en": "Guangzhou SME Fair"},
        "time_zone": "Asia/Shanghai",
        "starts_on": fair_day(),  # a Tuesday, three weeks or more from today
        "ends_on": fair_last_day(),
        "countries": ["IR", "CN"],
        **data,
    }
    event = create_event(actor=organiser, organiser=organisation, data=values)
    event.status = Event.Status.PUBLISHED
    event.save()
    return event


@pytest.fixture
def event(organiser: object) -> Event:
    event = make_event(organiser)
    add_session(
        actor=organiser,
        event=event,
        data={
            "day": fair_day(),
            "start_time": datetime.time(9, 0),
            "end_time": datetime.time(12, 0),
            "meeting_minutes": 30,
            "break_minutes": 10,
            "tables": 2,
            "title": "Tuesday morning",
        },
    )
    return event


def participant(event: Event, organiser: object, *, country: str, **user: object) -> Registration:
    membership = MembershipFactory(
        organisation=OrganisationFactory(country=country), user=UserFactory(**user)
    )
    registration = register_person(
        actor=membership.user,
        event=event,
        organisation=membership.organisation,
        person=membership.user,
    )
    return approve_registration(actor=organiser, registration=registration)


@pytest.fixture
def iranian(event: Event, organiser: object) -> Registration:
    return participant(
        event, organiser, country="IR", language="fa", time_zone="Asia/Tehran", calendar="jalali"
    )


@pytest.fixture
def chinese(event: Event, organiser: object) -> Registration:
    return participant(event, organiser, country="CN", time_zone="Asia/Shanghai")
