"""Registering people, the organiser's approval, and checking in by badge."""

import pytest

from karvan.core.errors import NotAllowedError
from karvan.events.errors import (
    NotAMemberError,
)
from karvan.events.models import Registration
from karvan.events.services.registrations import approve_registration, check_in, register_person
from karvan.notifications.models import Notification
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
    registration, again = check_in(actor=organiser, event=event, code=iranian.badge_code.lower())
    assert registration == iranian and not again
    assert check_in(actor=organiser, event=event, code=iranian.badge_code)[1] is True
    with pytest.raises(NotAllowedError):
        check_in(actor=iranian.person, event=event, code=iranian.badge_code)
