"""The scheduler's adapter: an event's rows in, the solver's problem out, and its solution
stored back (the counterpart of `matching/adapters.py`). Starting and failing a run live here too.
"""

import datetime
import logging
import time

from django.conf import settings
from django.db import OperationalError, transaction
from django.db.models import Max
from django.utils import timezone

from karvan import scheduling
from karvan.accounts.models import User
from karvan.events import tasks
from karvan.events.errors import (
    NothingToScheduleError,
    ScheduleRunningError,
    TooManyCellsError,
    TooManyMeetingsError,
)
from karvan.events.models import (
    Event,
    Meeting,
    ScheduleRun,
    Slot,
)
from karvan.events.selectors import (
    get_attended_session_ids,
)
from karvan.events.services.common import require_organiser

logger = logging.getLogger(__name__)
# Tries at writing a scheduler run's result while the database is busy.
STORE_ATTEMPTS = 5


def _check_run_size(event: Event) -> None:
    """Refuse an event too large for one scheduler run (the limits are settings)."""
    meetings = Meeting.objects.filter(event=event).exclude(status=Meeting.Status.CANCELLED).count()
    if meetings > settings.KARVAN_SCHEDULE_MAX_MEETINGS:
        raise TooManyMeetingsError(count=meetings, limit=settings.KARVAN_SCHEDULE_MAX_MEETINGS)
    slots = Slot.objects.filter(session__event=event).count()
    tables = 1 if event.is_online else (event.sessions.aggregate(most=Max("tables"))["most"] or 1)
    if slots * tables > settings.KARVAN_SCHEDULE_MAX_CELLS:
        raise TooManyCellsError(count=slots * tables, limit=settings.KARVAN_SCHEDULE_MAX_CELLS)


@transaction.atomic
def start_schedule_run(*, actor: User, event: Event, time_limit: int = 30) -> ScheduleRun:
    """Queue a scheduler run over the event's accepted meetings (published ones stay fixed); it
    runs in the background, never in the request.

    Raises ScheduleRunningError, NothingToScheduleError, TooManyMeetingsError, TooManyCellsError.
    """
    require_organiser(actor, event)
    Event.objects.select_for_update().get(pk=event.pk)
    longest = settings.KARVAN_SCHEDULE_MAX_SECONDS
    # A run whose process died (a restart) would block the event for ever: it is failed once it
    # is far older than any run can last.
    now = timezone.now()
    event.schedule_runs.filter(
        status__in=[ScheduleRun.Status.QUEUED, ScheduleRun.Status.RUNNING],
        created_at__lt=now - datetime.timedelta(seconds=2 * longest + 3600),
    ).update(status=ScheduleRun.Status.FAILED, message="interrupted", finished_at=now)
    if event.schedule_runs.filter(
        status__in=[ScheduleRun.Status.QUEUED, ScheduleRun.Status.RUNNING]
    ).exists():
        raise ScheduleRunningError()
    if (
        not Slot.objects.filter(session__event=event).exists()
        or not Meeting.objects.filter(event=event).exclude(status=Meeting.Status.CANCELLED).exists()
    ):
        raise NothingToScheduleError()
    _check_run_size(event)
    run = ScheduleRun.objects.create(
        event=event, requested_by=actor, time_limit=max(1, min(int(time_limit), longest))
    )
    transaction.on_commit(lambda: tasks.start_scheduler(run_id=run.pk))
    return run


def build_problem(event: Event) -> tuple[scheduling.Problem, set[str]]:
    """The scheduler's input from an event's tables, and the ids of the placeholder meetings.

    Sessions with fewer tables than the largest are filled up with fixed placeholder meetings
    (between placeholder participants), since the solver has one table count for every slot.
    """
    slots = list(Slot.objects.filter(session__event=event).select_related("session"))
    sessions = {slot.session for slot in slots}
    tables = 0 if event.is_online else max((s.tables for s in sessions), default=0)
    meetings = list(
        Meeting.objects.filter(event=event)
        .exclude(status=Meeting.Status.CANCELLED)
        .select_related("request", "slot")
        .prefetch_related("attendance__registration__sessions")
        .order_by("request__decided_at", "created_at", "pk")
    )
    registrations = {}
    for meeting in meetings:
        for attendance in meeting.attendance.all():
            registrations[attendance.registration.pk] = attendance.registration
    participants = []
    for registration in registrations.values():
        chosen = get_attended_session_ids(registration)
        unavailable = frozenset(
            str(slot.pk) for slot in slots if chosen is not None and slot.session_id not in chosen
        )
        participants.append(
            scheduling.Participant(id=str(registration.pk), unavailable=unavailable)
        )
    problem_meetings, fixed = [], []
    for meeting in meetings:
        problem_meetings.append(
            scheduling.Meeting(
                id=str(meeting.pk),
                participants=tuple(str(a.registration_id) for a in meeting.attendance.all()),
                priority=meeting.priority,
                online=event.is_online,
            )
        )
        if meeting.is_published and meeting.is_scheduled:
            fixed.append(
                scheduling.Assignment(
                    meeting=str(meeting.pk), slot=str(meeting.slot_id), table=meeting.table
                )
            )
    placeholders = set()
    if not event.is_online:
        for slot in slots:
            for table in range(slot.session.tables + 1, tables + 1):
                key = f"placeholder-{slot.pk}-{table}"
                placeholders.add(key)
                pair = (f"{key}-a", f"{key}-b")
                participants.extend(scheduling.Participant(id=p) for p in pair)
                problem_meetings.append(scheduling.Meeting(id=key, participants=pair))
                fixed.append(scheduling.Assignment(meeting=key, slot=str(slot.pk), table=table))
    problem = scheduling.Problem(
        slots=tuple(
            scheduling.Slot(
                id=str(slot.pk),
                start=slot.starts_at,
                end=slot.ends_at,
                session=str(slot.session_id),
            )
            for slot in sorted(slots, key=lambda s: s.starts_at)
        ),
        tables=max(tables, 1) if not event.is_online else 1,
        participants=tuple(participants),
        meetings=tuple(problem_meetings),
        fixed=tuple(fixed),
        name=f"event-{event.pk}",
    )
    return problem, placeholders


def _store_solution(
    run: ScheduleRun, event: Event, solution: scheduling.Solution, placeholders: set[str]
) -> None:
    """Write a run's result in one transaction: meetings placed, the rest with their reason."""
    with transaction.atomic():
        meetings = {
            str(m.pk): m
            for m in Meeting.objects.select_for_update()
            .filter(event=event)
            .exclude(status=Meeting.Status.CANCELLED)
            .order_by("pk")
        }
        slots = {str(s.pk): s for s in Slot.objects.filter(session__event=event)}
        movable = [m for m in meetings.values() if not (m.is_published and m.is_scheduled)]
        # Clear first, so that the unique (slot, table) constraint holds while rows change.
        Meeting.objects.filter(pk__in=[m.pk for m in movable]).update(
            status=Meeting.Status.UNSCHEDULED, slot=None, table=None
        )
        # Rows are written in a few bulk UPDATEs, not one per meeting: an event of a thousand
        # meetings holds SQLite's one writer for milliseconds rather than seconds.
        placed = []
        for assignment in solution.assignments:
            meeting = meetings.get(assignment.meeting)
            if meeting is None or (meeting.is_published and meeting.is_scheduled):
                continue
            meeting.slot = slots[assignment.slot]
            meeting.table = None if event.is_online else assignment.table
            meeting.status, meeting.unplaced_reason = Meeting.Status.SCHEDULED, ""
            placed.append(meeting)
        Meeting.objects.bulk_update(placed, ["slot", "table", "status", "unplaced_reason"])
        unplaced = []
        for reason in solution.unscheduled:
            meeting = meetings.get(reason.meeting)
            if meeting is not None:
                meeting.unplaced_reason = reason.reason
                unplaced.append(meeting)
        Meeting.objects.bulk_update(unplaced, ["unplaced_reason"])
        ScheduleRun.objects.filter(pk=run.pk).update(
            status=ScheduleRun.Status.DONE,
            progress=1.0,
            message="",
            placed=sum(1 for a in solution.assignments if a.meeting not in placeholders),
            unplaced=sum(1 for u in solution.unscheduled if u.meeting not in placeholders),
            weighted=max(0, solution.weighted - len(placeholders)),
            upper_bound=max(0, solution.upper_bound - len(placeholders)),
            idle_gaps=solution.breaks,
            solver_status=solution.status[:20],
            seconds=solution.seconds,
            finished_at=timezone.now(),
        )


def run_schedule(*, run: ScheduleRun) -> ScheduleRun:
    """Solve one queued run and store its result (a system service: the task calls it)."""
    event = run.event
    ScheduleRun.objects.filter(pk=run.pk).update(
        status=ScheduleRun.Status.RUNNING, message="building", progress=0.0
    )

    def progress(fraction: float, message: str) -> None:
        try:
            ScheduleRun.objects.filter(pk=run.pk).update(
                progress=max(0.0, min(1.0, fraction)), message=message[:200]
            )
        except OperationalError:  # a busy database: the next report will do
            logger.info("Scheduler run %s: progress not saved (database busy)", run.pk)

    from karvan.scheduling.solver import solve  # OR-Tools: loaded only where a run is solved

    problem, placeholders = build_problem(event)
    try:
        solution = solve(problem, time_limit=run.time_limit, progress=progress)
    except scheduling.ProblemError as error:
        # The event's data cannot make a schedule (say, a meeting whose people share no session):
        # the organiser reads why on the run's page; nothing already published changes.
        fail_schedule_run(run=run, message=str(error))
        run.refresh_from_db()
        return run
    # The result is written in one transaction, tried again when the database is busy (SQLite
    # has one writer at a time; a page polling the run's progress may hold a table).
    for attempt in range(STORE_ATTEMPTS):
        try:
            _store_solution(run, event, solution, placeholders)
            break
        except OperationalError:
            if attempt == STORE_ATTEMPTS - 1:
                raise
            time.sleep(0.2 * 2**attempt)
    run.refresh_from_db()
    return run


def fail_schedule_run(*, run: ScheduleRun, message: str) -> None:
    """Mark a run failed with a short reason the organiser reads on the schedule page."""
    ScheduleRun.objects.filter(pk=run.pk).update(
        status=ScheduleRun.Status.FAILED, message=message[:200], finished_at=timezone.now()
    )
