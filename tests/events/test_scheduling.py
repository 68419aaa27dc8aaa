"""The organiser's scheduler runs on the event's tables and stores what it placed and why not."""

import datetime

import pytest
from django.urls import reverse

from karvan.core.errors import NotAllowedError
from karvan.events.errors import NothingToScheduleError
from karvan.events.models import Meeting, ScheduleRun, Slot
from karvan.events.services import (
    accept_meeting_request,
    add_session,
    build_problem,
    move_meeting,
    publish_schedule,
    send_meeting_request,
    start_schedule_run,
)
from tests.events.conftest import participant

pytestmark = pytest.mark.django_db


def _accepted(sender, recipient):
    request = send_meeting_request(
        actor=sender.person, sender=sender, recipient=recipient, reason="x"
    )
    accept_meeting_request(actor=recipient.person, request=request)
    return Meeting.objects.get(request=request)


def test_the_scheduler_places_every_meeting_without_clashes(
    event, organiser, iranian, chinese, django_capture_on_commit_callbacks
):
    others = [participant(event, organiser, country="CN") for _ in range(3)]
    meetings = [_accepted(iranian, chinese)] + [_accepted(iranian, o) for o in others]
    meetings.append(_accepted(chinese, participant(event, organiser, country="IR")))
    with django_capture_on_commit_callbacks(execute=True):
        run = start_schedule_run(actor=organiser, event=event, time_limit=5)
    run.refresh_from_db()
    assert run.status == ScheduleRun.Status.DONE
    assert (run.placed, run.unplaced) == (5, 0)
    placed = list(Meeting.objects.filter(pk__in=[m.pk for m in meetings]))
    assert all(m.status == Meeting.Status.SCHEDULED and not m.is_published for m in placed)
    iranian_slots = [m.slot_id for m in placed if m.attendance.filter(registration=iranian)]
    assert len(set(iranian_slots)) == 4  # never two meetings at once
    seats = [(m.slot_id, m.table) for m in placed]
    assert len(set(seats)) == len(seats) and all(1 <= t <= 2 for _s, t in seats)


def test_a_rerun_keeps_published_meetings_where_they_are(
    event, organiser, iranian, chinese, django_capture_on_commit_callbacks
):
    first = _accepted(iranian, chinese)
    last_slot = Slot.objects.filter(session__event=event).last()
    move_meeting(actor=organiser, meeting=first, slot=last_slot, table=2)
    publish_schedule(actor=organiser, event=event)
    second = _accepted(iranian, participant(event, organiser, country="CN"))
    with django_capture_on_commit_callbacks(execute=True):
        start_schedule_run(actor=organiser, event=event, time_limit=5)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.slot, first.table, first.is_published) == (last_slot, 2, True)
    assert second.is_scheduled and second.slot != last_slot


def test_unplaceable_meetings_are_reported_with_a_reason(
    event, organiser, iranian, chinese, django_capture_on_commit_callbacks
):
    afternoon = add_session(
        actor=organiser,
        event=event,
        data={
            "day": datetime.date(2026, 12, 9),
            "start_time": datetime.time(14, 0),
            "end_time": datetime.time(15, 0),
            "meeting_minutes": 30,
            "break_minutes": 0,
            "tables": 1,
        },
    )
    morning = event.sessions.exclude(pk=afternoon.pk).get()
    iranian.sessions.set([morning])
    chinese.sessions.set([afternoon])
    meeting = _accepted(iranian, chinese)
    problem, placeholders = build_problem(event)
    assert problem.tables == 2 and len(placeholders) == 2  # the afternoon has one table only
    with django_capture_on_commit_callbacks(execute=True):
        run = start_schedule_run(actor=organiser, event=event, time_limit=5)
    run.refresh_from_db()
    meeting.refresh_from_db()
    assert (run.placed, run.unplaced) == (0, 1)
    assert meeting.status == Meeting.Status.UNSCHEDULED
    assert meeting.unplaced_reason == "no_common_slot"


def test_only_the_organiser_runs_the_scheduler(event, organiser, iranian, chinese):
    with pytest.raises(NothingToScheduleError):
        start_schedule_run(actor=organiser, event=event)
    _accepted(iranian, chinese)
    with pytest.raises(NotAllowedError):
        start_schedule_run(actor=iranian.person, event=event)
    with pytest.raises(NotAllowedError):
        publish_schedule(actor=chinese.person, event=event)


def test_a_schedule_that_cannot_be_made_fails_with_the_reason_and_keeps_published_meetings(
    event, organiser, iranian, chinese, django_capture_on_commit_callbacks
):
    first = _accepted(iranian, chinese)
    last_slot = Slot.objects.filter(session__event=event).last()
    move_meeting(actor=organiser, meeting=first, slot=last_slot, table=2)
    publish_schedule(actor=organiser, event=event)
    last_slot.session.tables = 1  # the venue lost a table after the schedule was published
    last_slot.session.save()
    _accepted(iranian, participant(event, organiser, country="CN"))
    with django_capture_on_commit_callbacks(execute=True):
        run = start_schedule_run(actor=organiser, event=event, time_limit=5)
    run.refresh_from_db()
    first.refresh_from_db()
    assert run.status == ScheduleRun.Status.FAILED
    assert "table 2" in run.message
    assert (first.slot, first.table, first.is_published) == (last_slot, 2, True)


def _published(event, organiser, iranian, chinese):
    meeting = _accepted(iranian, chinese)
    slot = Slot.objects.filter(session__event=event).last()
    move_meeting(actor=organiser, meeting=meeting, slot=slot, table=1)
    publish_schedule(actor=organiser, event=event)
    return meeting


def test_a_session_deleted_in_the_admin_leaves_its_meetings_waiting_for_a_slot(
    event, organiser, iranian, chinese
):
    meeting = _published(event, organiser, iranian, chinese)
    meeting.slot.session.delete()
    meeting.refresh_from_db()
    assert (meeting.status, meeting.slot, meeting.table, meeting.is_published) == (
        Meeting.Status.UNSCHEDULED,
        None,
        None,
        False,
    )


def test_an_event_with_published_meetings_can_be_deleted(event, organiser, iranian, chinese):
    meeting = _published(event, organiser, iranian, chinese)
    event.delete()
    assert not Meeting.objects.filter(pk=meeting.pk).exists()


def test_the_organiser_weighs_a_meeting_and_the_scheduler_uses_it(
    client, event, organiser, iranian, chinese
):
    meeting = _accepted(iranian, chinese)
    url = reverse("events:meeting_priority", args=[meeting.pk])
    client.force_login(iranian.person)  # a participant does not weigh meetings
    assert client.post(url, {"priority": "3"}).status_code == 404
    client.force_login(organiser)
    assert client.post(url, {"priority": "9"}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.priority == 1
    client.post(url, {"priority": "3"})
    meeting.refresh_from_db()
    assert meeting.priority == 3
    problem, _placeholders = build_problem(event)
    assert {m.id: m.priority for m in problem.meetings}[str(meeting.pk)] == 3
    page = client.get(reverse("events:meeting", args=[meeting.pk])).content.decode()
    assert 'id="priority-form"' in page
