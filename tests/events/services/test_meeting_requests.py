"""Meeting requests: sent, accepted (a meeting), refused for outsiders, expired."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from karvan.core.errors import NotAllowedError
from karvan.events.errors import (
    DuplicateRequestError,
    OwnOrganisationError,
    RequestNotPendingError,
    SlotRequiredError,
)
from karvan.events.models import Event, Meeting, MeetingRequest
from karvan.events.selectors import list_free_slots
from karvan.events.services.meeting_requests import (
    accept_meeting_request,
    decline_meeting_request,
    expire_meeting_requests,
    send_meeting_request,
)
from karvan.events.services.registrations import approve_registration, register_person
from karvan.notifications.models import Notification
from tests.dates import before_the_fair
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

pytestmark = pytest.mark.django_db


def test_request_accept_and_a_mutual_request_raises_priority(event, iranian, chinese):
    request = send_meeting_request(
        actor=iranian.person, sender=iranian, recipient=chinese, reason="Pistachio packaging"
    )
    assert request.status == MeetingRequest.Status.PENDING
    assert Notification.objects.filter(recipient=chinese.person, kind="events.request_received")
    with pytest.raises(DuplicateRequestError):
        send_meeting_request(actor=iranian.person, sender=iranian, recipient=chinese, reason="")
    answered = send_meeting_request(
        actor=chinese.person, sender=chinese, recipient=iranian, reason="Same here"
    )
    assert answered.pk == request.pk and answered.status == MeetingRequest.Status.ACCEPTED
    assert answered.meeting.priority == 2


def test_outsiders_cannot_act_for_a_registration(event, iranian, chinese):
    with pytest.raises(NotAllowedError):
        send_meeting_request(
            actor=MembershipFactory().user, sender=iranian, recipient=chinese, reason="x"
        )
    request = send_meeting_request(
        actor=iranian.person, sender=iranian, recipient=chinese, reason="x"
    )
    with pytest.raises(NotAllowedError):
        accept_meeting_request(actor=iranian.person, request=request)
    with pytest.raises(NotAllowedError):
        decline_meeting_request(actor=MembershipFactory().user, request=request)


def test_no_request_to_ones_own_organisation(event, organiser, iranian):
    colleague = MembershipFactory(organisation=iranian.organisation).user
    other = register_person(
        actor=iranian.person, event=event, organisation=iranian.organisation, person=colleague
    )
    approve_registration(actor=organiser, registration=other)
    other.refresh_from_db()
    with pytest.raises(OwnOrganisationError):
        send_meeting_request(actor=iranian.person, sender=iranian, recipient=other, reason="x")


def test_automatic_acceptance_makes_the_meeting_at_once(event, iranian, chinese):
    Event.objects.filter(pk=event.pk).update(request_mode=Event.RequestMode.AUTOMATIC)
    iranian.refresh_from_db()
    request = send_meeting_request(
        actor=iranian.person,
        sender=iranian.__class__.objects.get(pk=iranian.pk),
        recipient=chinese,
        reason="x",
    )
    assert request.status == MeetingRequest.Status.ACCEPTED
    assert Meeting.objects.filter(request=request).exists()


def test_unanswered_requests_expire_after_the_organisers_delay(event, iranian, chinese):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        request = send_meeting_request(
            actor=iranian.person, sender=iranian, recipient=chinese, reason="x"
        )
        traveller.shift(datetime.timedelta(hours=71))
        assert expire_meeting_requests() == 0
        traveller.shift(datetime.timedelta(hours=2))
        assert expire_meeting_requests() == 1
    request.refresh_from_db()
    assert request.status == MeetingRequest.Status.EXPIRED
    assert Notification.objects.filter(recipient=iranian.person, kind="events.request_expired")
    with pytest.raises(RequestNotPendingError):
        accept_meeting_request(actor=chinese.person, request=request)


def test_participants_pick_a_free_slot_when_they_accept(event, iranian, chinese, organiser):
    Event.objects.filter(pk=event.pk).update(scheduling_mode=Event.SchedulingMode.PARTICIPANTS)
    event.refresh_from_db()
    with time_machine.travel(before_the_fair()):
        request = send_meeting_request(
            actor=iranian.person, sender=iranian, recipient=chinese, reason="x"
        )
        request.event.refresh_from_db()
        with pytest.raises(SlotRequiredError):
            accept_meeting_request(actor=chinese.person, request=request)
        slots = list_free_slots(event=event, registrations=[iranian, chinese])
        assert len(slots) == 4
        accept_meeting_request(actor=chinese.person, request=request, slot=slots[0])
        meeting = Meeting.objects.get(request=request)
        assert (meeting.slot, meeting.table, meeting.is_published) == (slots[0], 1, True)
        assert slots[0] not in list_free_slots(event=event, registrations=[iranian])
