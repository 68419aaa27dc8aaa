"""Meetings: placed by hand or picked by a participant, weighed, published, and what happens
on the day (reminders, no-shows, feedback)."""

import datetime
import zoneinfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from karvan.accounts.models import User
from karvan.core.calendars import localize_digits
from karvan.core.errors import NotAllowedError
from karvan.events import notifications as kinds
from karvan.events.errors import (
    InvalidPriorityError,
    MeetingNotStartedError,
    NotApprovedError,
    SlotNotFreeError,
)
from karvan.events.models import (
    Event,
    Meeting,
    MeetingParticipant,
    Registration,
    Slot,
)
from karvan.events.permissions import (
    can_act_for,
)
from karvan.events.selectors import (
    get_slot_problem,
    list_busy_slot_ids,
)
from karvan.events.services.common import require_organiser
from karvan.notifications.services import notify


def place_meeting(*, meeting: Meeting, slot: Slot, table: int | None = None) -> Meeting:
    """Put a meeting into a slot (and a table: the lowest free one when none is given); the caller
    has checked who may. Raises SlotNotFreeError."""
    # Lock the slot's meetings so two people cannot take its last table at the same time.
    list(Meeting.objects.select_for_update().filter(slot=slot).order_by("pk").values_list("pk"))
    problem = get_slot_problem(meeting=meeting, slot=slot, table=table)
    if problem is not None:
        raise SlotNotFreeError(field="slot", reason=problem)
    if not meeting.event.is_online and table is None:
        taken = set(
            Meeting.objects.filter(slot=slot, status=Meeting.Status.SCHEDULED)
            .exclude(pk=meeting.pk)
            .values_list("table", flat=True)
        )
        table = next(n for n in range(1, slot.session.tables + 1) if n not in taken)
    meeting.slot, meeting.table = slot, (None if meeting.event.is_online else table)
    meeting.status, meeting.unplaced_reason = Meeting.Status.SCHEDULED, ""
    try:
        with transaction.atomic():
            meeting.save(update_fields=["slot", "table", "status", "unplaced_reason"])
    except IntegrityError as error:
        raise SlotNotFreeError(reason=_("the table was just taken")) from error
    return meeting


@transaction.atomic
def move_meeting(*, actor: User, meeting: Meeting, slot: Slot, table: int | None = None) -> Meeting:
    """The organiser moves a meeting by hand; conflicts are checked, participants told if it
    was already published."""
    require_organiser(actor, meeting.event)
    meeting = place_meeting(meeting=meeting, slot=slot, table=table)
    if meeting.is_published:
        _notify_participants(meeting, kinds.MEETING_MOVED)
    return meeting


@transaction.atomic
def set_meeting_priority(*, actor: User, meeting: Meeting, priority: int) -> Meeting:
    """The organiser weighs a meeting for the scheduler (1 normal, 2 asked by both sides, 3 the
    organiser's own choice): heavier meetings are placed first and never dropped for lighter."""
    require_organiser(actor, meeting.event)
    if priority not in (1, 2, 3):
        raise InvalidPriorityError(field="priority")
    meeting.priority = priority
    meeting.save(update_fields=["priority", "updated_at"])
    return meeting


@transaction.atomic
def pick_meeting_slot(*, actor: User, meeting: Meeting, slot: Slot) -> Meeting:
    """Where participants schedule their own meetings, one of them puts an accepted meeting that
    has no slot yet (accepted automatically, or both sides asked) into a free slot."""
    if not any(can_act_for(actor, a.registration) for a in meeting.attendance.all()):
        raise NotAllowedError()
    if meeting.event.scheduling_mode != Event.SchedulingMode.PARTICIPANTS or meeting.is_scheduled:
        raise NotAllowedError()
    meeting = place_meeting(meeting=meeting, slot=slot)
    meeting.is_published = True
    meeting.save(update_fields=["is_published"])
    return meeting


@transaction.atomic
def add_meeting_participant(
    *, actor: User, meeting: Meeting, registration: Registration
) -> Meeting:
    """The organiser adds a third (or further) participant to a meeting, e.g. a delegation's
    leader or an interpreter; a scheduled meeting must stay free of clashes for them too."""
    require_organiser(actor, meeting.event)
    if registration.event_id != meeting.event_id or not registration.is_approved:
        raise NotApprovedError()
    if meeting.attendance.filter(registration=registration).exists():
        return meeting
    if meeting.is_scheduled and meeting.slot_id in list_busy_slot_ids(registrations=[registration]):
        raise SlotNotFreeError(
            reason=_("%(person)s already has a meeting at that time")
            % {"person": registration.person.display_name}
        )
    MeetingParticipant.objects.create(meeting=meeting, registration=registration)
    return meeting


@transaction.atomic
def unschedule_meeting(*, actor: User, meeting: Meeting) -> Meeting:
    """The organiser takes a meeting out of its slot (and out of the published agendas)."""
    require_organiser(actor, meeting.event)
    meeting.slot = None
    meeting.table = None
    meeting.status = Meeting.Status.UNSCHEDULED
    meeting.is_published = False
    meeting.save(update_fields=["slot", "table", "status", "is_published"])
    return meeting


def _notify_participants(meeting: Meeting, kind: str) -> None:
    attendance = list(meeting.attendance.select_related("registration__person").all())
    for mine in attendance:
        others = [a for a in attendance if a.pk != mine.pk]
        notify(
            recipients=[mine.registration.person],
            kind=kind,
            params={
                "organisation": others[0].registration.organisation.name if others else "",
                "event": meeting.event.title,
            },
            url=meeting.get_absolute_url(),
        )


@transaction.atomic
def publish_schedule(*, actor: User, event: Event) -> int:
    """Make the scheduled meetings visible to their participants; tell each their agenda is
    ready. Returns how many meetings were newly published."""
    require_organiser(actor, event)
    fresh = Meeting.objects.filter(event=event, status=Meeting.Status.SCHEDULED, is_published=False)
    people = {
        attendance.registration.person
        for attendance in MeetingParticipant.objects.filter(meeting__in=fresh).select_related(
            "registration__person"
        )
    }
    count = fresh.update(is_published=True)
    event.schedule_published_at = timezone.now()
    event.save(update_fields=["schedule_published_at", "updated_at"])
    if people:
        notify(
            recipients=people,
            kind=kinds.SCHEDULE_PUBLISHED,
            params={"event": event.title},
            url=event.get_absolute_url(),
        )
    return count


@transaction.atomic
def mark_no_show(
    *, actor: User, participant: MeetingParticipant, is_no_show: bool = True
) -> MeetingParticipant:
    """The organiser records that a participant did not come to a meeting (or did, after all)."""
    require_organiser(actor, participant.meeting.event)
    participant.is_no_show = is_no_show
    participant.save(update_fields=["is_no_show"])
    return participant


@transaction.atomic
def record_feedback(
    *, actor: User, participant: MeetingParticipant, outcome: str, notes: str = ""
) -> MeetingParticipant:
    """A participant says how a meeting went: no interest, follow-up, or agreement expected."""
    if not can_act_for(actor, participant.registration):
        raise NotAllowedError()
    meeting = participant.meeting
    if not meeting.is_scheduled or meeting.slot is None or meeting.slot.starts_at > timezone.now():
        raise MeetingNotStartedError()
    participant.outcome = MeetingParticipant.Outcome(outcome)
    participant.feedback = notes.strip()
    participant.feedback_at = timezone.now()
    participant.save(update_fields=["outcome", "feedback", "feedback_at"])
    return participant


def send_meeting_reminders(*, now: datetime.datetime | None = None) -> int:
    """Remind each participant of a published meeting starting within the reminder lead time,
    once (periodic)."""
    now = now or timezone.now()
    lead = datetime.timedelta(minutes=settings.KARVAN_MEETING_REMINDER_MINUTES)
    due = MeetingParticipant.objects.filter(
        reminded_at__isnull=True,
        meeting__status=Meeting.Status.SCHEDULED,
        meeting__is_published=True,
        meeting__slot__starts_at__gt=now,
        meeting__slot__starts_at__lte=now + lead,
        registration__status=Registration.Status.APPROVED,
    ).select_related("meeting__slot", "meeting__event", "registration__person")
    sent = 0
    for participant in due:
        meeting = participant.meeting
        person = participant.registration.person
        others = (
            MeetingParticipant.objects.filter(meeting=meeting)
            .exclude(pk=participant.pk)
            .select_related("registration__organisation")
            .first()
        )
        if meeting.slot is None:  # unscheduled since the query ran
            continue
        local = meeting.slot.starts_at.astimezone(zoneinfo.ZoneInfo(person.time_zone))
        with transaction.atomic():
            updated = MeetingParticipant.objects.filter(
                pk=participant.pk, reminded_at__isnull=True
            ).update(reminded_at=now)
            if not updated:
                continue
            notify(
                recipients=[person],
                kind=kinds.MEETING_REMINDER,
                params={
                    "organisation": others.registration.organisation.name if others else "",
                    "event": meeting.event.title,
                    # Multilingual, so each language writes the time in its own digits.
                    "time": {
                        code: localize_digits(local.strftime("%H:%M"), code)
                        for code, _name in settings.LANGUAGES
                    },
                    "zone": person.time_zone,
                },
                url=meeting.get_absolute_url(),
            )
        sent += 1
    return sent
