"""Meetings: moved by the organiser, picked by a participant, a third participant, reminders."""

import datetime

import pytest
import time_machine
from django.utils import translation

from karvan.core.errors import NotAllowedError
from karvan.events.errors import (
    InvalidPriorityError,
    SlotNotFreeError,
)
from karvan.events.models import Event, Meeting, Slot
from karvan.events.selectors import list_free_slots
from karvan.events.services.meeting_requests import (
    accept_meeting_request,
    send_meeting_request,
)
from karvan.events.services.meetings import (
    add_meeting_participant,
    move_meeting,
    pick_meeting_slot,
    publish_schedule,
    record_feedback,
    send_meeting_reminders,
    set_meeting_priority,
)
from karvan.notifications.models import Notification
from tests.dates import before_the_fair
from tests.events.conftest import participant
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

pytestmark = pytest.mark.django_db


def test_moving_a_meeting_checks_conflicts(event, iranian, chinese, organiser):
    third = participant(event, organiser, country="CN")
    first = send_meeting_request(actor=iranian.person, sender=iranian, recipient=chinese, reason="")
    second = send_meeting_request(actor=iranian.person, sender=iranian, recipient=third, reason="")
    accept_meeting_request(actor=chinese.person, request=first)
    accept_meeting_request(actor=third.person, request=second)
    slot_one, slot_two = list(Slot.objects.filter(session__event=event))[:2]
    one, two = Meeting.objects.get(request=first), Meeting.objects.get(request=second)
    move_meeting(actor=organiser, meeting=one, slot=slot_one, table=1)
    with pytest.raises(SlotNotFreeError):
        move_meeting(actor=organiser, meeting=two, slot=slot_one, table=2)  # Iranian is busy
    with pytest.raises(SlotNotFreeError):
        move_meeting(actor=organiser, meeting=two, slot=slot_two, table=3)  # only 2 tables
    with pytest.raises(NotAllowedError):
        move_meeting(actor=iranian.person, meeting=two, slot=slot_two, table=1)
    move_meeting(actor=organiser, meeting=two, slot=slot_two, table=2)
    assert publish_schedule(actor=organiser, event=event) == 2
    assert Notification.objects.filter(recipient=third.person, kind="events.schedule_published")


def test_reminders_go_out_once_before_the_meeting(event, iranian, chinese, organiser):
    request = send_meeting_request(
        actor=iranian.person, sender=iranian, recipient=chinese, reason=""
    )
    accept_meeting_request(actor=chinese.person, request=request)
    meeting = Meeting.objects.get(request=request)
    slot = Slot.objects.filter(session__event=event).first()
    move_meeting(actor=organiser, meeting=meeting, slot=slot)
    publish_schedule(actor=organiser, event=event)
    assert send_meeting_reminders(now=slot.starts_at - datetime.timedelta(hours=3)) == 0
    assert send_meeting_reminders(now=slot.starts_at - datetime.timedelta(minutes=30)) == 2
    assert send_meeting_reminders(now=slot.starts_at - datetime.timedelta(minutes=20)) == 0
    reminder = Notification.objects.get(recipient=iranian.person, kind="events.meeting_reminder")
    # 09:00 in Shanghai is 04:30 in Tehran, written in each language's digits.
    assert reminder.params["time"]["en"] == "04:30"
    assert reminder.params["time"]["fa"] == "۰۴:۳۰"
    with time_machine.travel(slot.starts_at + datetime.timedelta(minutes=40)):
        attendance = meeting.attendance.get(registration=iranian)
        record_feedback(actor=iranian.person, participant=attendance, outcome="follow_up")
        with pytest.raises(NotAllowedError):
            record_feedback(actor=chinese.person, participant=attendance, outcome="no_interest")
    attendance.refresh_from_db()
    assert attendance.outcome == "follow_up"


def test_a_mutual_request_in_participant_scheduling_is_placed_by_either_side(
    event, iranian, chinese, organiser
):
    Event.objects.filter(pk=event.pk).update(scheduling_mode=Event.SchedulingMode.PARTICIPANTS)
    with time_machine.travel(before_the_fair()):
        send_meeting_request(actor=iranian.person, sender=iranian, recipient=chinese, reason="")
        request = send_meeting_request(
            actor=chinese.person, sender=chinese, recipient=iranian, reason=""
        )
        meeting = Meeting.objects.get(request=request)
        assert not meeting.is_scheduled  # both asked: accepted, no slot chosen yet
        slot = list_free_slots(event=event, registrations=[iranian, chinese])[1]
        with pytest.raises(NotAllowedError):
            pick_meeting_slot(actor=MembershipFactory().user, meeting=meeting, slot=slot)
        pick_meeting_slot(actor=iranian.person, meeting=meeting, slot=slot)
    meeting.refresh_from_db()
    assert (meeting.slot, meeting.is_published, meeting.priority) == (slot, True, 2)


def test_the_organiser_adds_a_third_participant_without_clashes(event, organiser, iranian, chinese):
    leader = participant(event, organiser, country="IR")
    first = send_meeting_request(actor=iranian.person, sender=iranian, recipient=chinese, reason="")
    accept_meeting_request(actor=chinese.person, request=first)
    meeting = Meeting.objects.get(request=first)
    slot = Slot.objects.filter(session__event=event).first()
    move_meeting(actor=organiser, meeting=meeting, slot=slot)
    with pytest.raises(NotAllowedError):
        add_meeting_participant(actor=iranian.person, meeting=meeting, registration=leader)
    add_meeting_participant(actor=organiser, meeting=meeting, registration=leader)
    assert meeting.attendance.count() == 3
    other = participant(event, organiser, country="CN")
    second = send_meeting_request(actor=other.person, sender=other, recipient=leader, reason="")
    accept_meeting_request(actor=leader.person, request=second)
    with pytest.raises(SlotNotFreeError):  # the leader is now busy in that slot
        move_meeting(actor=organiser, meeting=Meeting.objects.get(request=second), slot=slot)


def test_a_reminder_reads_in_its_recipients_language(event, iranian, chinese, organiser):
    request = send_meeting_request(
        actor=chinese.person, sender=chinese, recipient=iranian, reason=""
    )
    accept_meeting_request(actor=iranian.person, request=request)
    slot = Slot.objects.filter(session__event=event).first()
    move_meeting(actor=organiser, meeting=Meeting.objects.get(request=request), slot=slot)
    publish_schedule(actor=organiser, event=event)
    send_meeting_reminders(now=slot.starts_at - datetime.timedelta(minutes=10))
    reminder = Notification.objects.get(recipient=iranian.person, kind="events.meeting_reminder")
    with translation.override("fa"):
        assert "۰۴:۳۰" in reminder.body and "Asia/Tehran" in reminder.body
        assert "به‌زودی" in reminder.title


def test_a_wrong_priority_is_a_rule_broken_not_a_refusal(event, organiser, iranian, chinese):
    """The organiser may weigh the meeting: a value out of 1–3 is bad input (400, on the field),
    not a permission refused (403); the meeting keeps its weight."""
    request = send_meeting_request(
        actor=iranian.person, sender=iranian, recipient=chinese, reason="x"
    )
    accept_meeting_request(actor=chinese.person, request=request)
    meeting = Meeting.objects.get(request=request)
    with pytest.raises(InvalidPriorityError) as raised:
        set_meeting_priority(actor=organiser, meeting=meeting, priority=7)
    assert (raised.value.status, raised.value.field) == (400, "priority")
    assert raised.value.code == "meeting.invalid_priority"
    meeting.refresh_from_db()
    assert meeting.priority == 1
    with pytest.raises(NotAllowedError):  # a participant may not weigh it at all
        set_meeting_priority(actor=iranian.person, meeting=meeting, priority=3)
    assert set_meeting_priority(actor=organiser, meeting=meeting, priority=3).priority == 3
