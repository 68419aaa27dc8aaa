"""Registering people, the organiser's approval, and checking in by badge."""

import pytest
import time_machine

from karvan.core.errors import NotAllowedError
from karvan.events.errors import (
    CheckInClosedError,
    NotAMemberError,
)
from karvan.events.models import Registration
from karvan.events.services.registrations import approve_registration, check_in, register_person
from karvan.notifications.models import Notification
from tests.dates import on_fair_day
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

pytestmark = pytest.mark.django_db


def test_a_member_registers_a_colleague_and_the_organiser_approves(event, organiser):
    membership = MembershipFactory()
    colleague = MembershipFactory(organisation=membership.organisation).user
    registration = register_person(
        actor=membership.user,
        event=event,
        organisation=membership.organisation,
        person=colleague,
        sessions=list(event.sessions.all()),
    )
    assert registration.status == Registration.Status.PENDING
    assert Notification.objects.filter(recipient=organiser, kind="events.registration_received")
    with pytest.raises(NotAllowedError):
        approve_registration(actor=membership.user, registration=registration)
    approve_registration(actor=organiser, registration=registration)
    registration.refresh_from_db()
    assert registration.is_approved


def test_only_members_of_the_organisation_can_be_registered(event):
    membership = MembershipFactory()
    stranger = MembershipFactory().user
    with pytest.raises(NotAMemberError):
        register_person(
            actor=membership.user,
            event=event,
            organisation=membership.organisation,
            person=stranger,
        )


def test_check_in_by_badge_code(event, iranian, organiser):
    with time_machine.travel(on_fair_day(9, 30)):
        registration, again = check_in(
            actor=organiser, event=event, code=iranian.badge_code.lower()
        )
        assert registration == iranian and not again
        assert check_in(actor=organiser, event=event, code=iranian.badge_code)[1] is True
        with pytest.raises(NotAllowedError):
            check_in(actor=iranian.person, event=event, code=iranian.badge_code)


@pytest.mark.parametrize(
    ("days", "hour", "minute"),
    [
        # The evening before, in Shanghai (the event's zone), whatever the day elsewhere.
        (-1, 23, 30),
        # The morning after the last day.
        (2, 0, 10),
    ],
)
def test_check_in_is_refused_outside_the_events_days(event, iranian, organiser, days, hour, minute):
    moment = on_fair_day(hour, minute, days=days)
    with time_machine.travel(moment), pytest.raises(CheckInClosedError):
        check_in(actor=organiser, event=event, code=iranian.badge_code)
    iranian.refresh_from_db()
    assert iranian.checked_in_at is None


def test_check_in_opens_at_midnight_of_the_first_day_in_the_events_zone(event, iranian, organiser):
    with time_machine.travel(on_fair_day(0, 0)):
        assert check_in(actor=organiser, event=event, code=iranian.badge_code)[0] == iranian
