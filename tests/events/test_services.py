import datetime

import pytest
import time_machine
from django.utils import timezone, translation

from karvan.core.errors import NotAllowedError
from karvan.events.errors import (
    DuplicateRequestError,
    NotAMemberError,
    OwnOrganisationError,
    RequestNotPendingError,
    SlotNotFreeError,
    SlotRequiredError,
)
from karvan.events.models import Event, Meeting, MeetingRequest, Registration, Slot
from karvan.events.selectors import list_calendar_conflicts, list_free_slots
from karvan.events.services.meeting_requests import (
    accept_meeting_request,
    decline_meeting_request,
    expire_meeting_requests,
    send_meeting_request,
)
from karvan.events.services.meetings import (
    add_meeting_participant,
    move_meeting,
    pick_meeting_slot,
    publish_schedule,
    record_feedback,
    send_meeting_reminders,
)
from karvan.events.services.registrations import approve_registration, check_in, register_person
from karvan.events.services.setup import add_session
from karvan.notifications.models import Notification
from tests.events.conftest import make_event, participant
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


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
    assert slots[0].starts_at == datetime.datetime(2026, 12, 8, 1, 0, tzinfo=datetime.UTC)


def test_no_slots_on_nowruz_or_an_iranian_friday_and_the_organiser_is_warned(organiser, holidays):
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


def test_spring_festival_is_excluded_but_can_be_overridden(organiser, holidays):
    event = make_event(
        organiser, starts_on=datetime.date(2026, 2, 17), ends_on=datetime.date(2026, 2, 17)
    )
    assert _session(organiser, event, datetime.date(2026, 2, 17)).slots.count() == 0
    held = _session(organiser, event, datetime.date(2026, 2, 17), hold_on_holidays=True)
    assert held.slots.count() == 4


def test_staff_edits_to_the_holiday_table_change_slot_generation(organiser, holidays):
    from karvan.events.models import Holiday

    Holiday.objects.create(country="CN", observed_on=datetime.date(2026, 12, 8), name={"en": "X"})
    event = make_event(organiser)
    assert _session(organiser, event, datetime.date(2026, 12, 8)).slots.count() == 0


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
    with time_machine.travel(datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)):
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


def test_check_in_by_badge_code(event, iranian, organiser):
    registration, again = check_in(actor=organiser, event=event, code=iranian.badge_code.lower())
    assert registration == iranian and not again
    assert check_in(actor=organiser, event=event, code=iranian.badge_code)[1] is True
    with pytest.raises(NotAllowedError):
        check_in(actor=iranian.person, event=event, code=iranian.badge_code)


def test_a_mutual_request_in_participant_scheduling_is_placed_by_either_side(
    event, iranian, chinese, organiser
):
    Event.objects.filter(pk=event.pk).update(scheduling_mode=Event.SchedulingMode.PARTICIPANTS)
    with time_machine.travel(datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)):
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
