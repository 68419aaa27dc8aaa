"""Reading events, registrations, meeting requests, meetings and agendas as a viewer may."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Prefetch, Q, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from karvan.accounts.http import Viewer
from karvan.accounts.models import User
from karvan.core.registry_ids import normalize_registry_id
from karvan.directory.memberships import MANAGER_ROLES, organisation_ids_of
from karvan.directory.models import Organisation
from karvan.events.calendar import DayOff, country_calendars, days_off
from karvan.events.models import (
    Delegation,
    DelegationInvitation,
    Event,
    Holiday,
    Meeting,
    MeetingParticipant,
    MeetingRequest,
    Registration,
    ScheduleRun,
    Session,
    Slot,
)
from karvan.events.permissions import (
    can_join_video,
    can_view_delegation_invitation,
    can_view_event,
    can_view_meeting,
    is_organiser,
)

OPEN_REQUEST_STATUSES = (MeetingRequest.Status.PENDING, MeetingRequest.Status.ACCEPTED)


def list_events(*, viewer: Viewer, kind: str = "", upcoming_only: bool = False) -> QuerySet[Event]:
    """Published and closed events, plus the drafts of events the viewer organises."""
    rows = Event.objects.all()
    if not viewer.is_authenticated:
        rows = rows.filter(status__in=[Event.Status.PUBLISHED, Event.Status.CLOSED])
    elif not viewer.is_staff:
        rows = rows.filter(
            Q(status__in=[Event.Status.PUBLISHED, Event.Status.CLOSED])
            | Q(organiser_id__in=organisation_ids_of(viewer))
        )
    if kind:
        rows = rows.filter(kind=kind)
    if upcoming_only:
        rows = rows.filter(ends_on__gte=timezone.localdate())
    return rows.select_related("organiser")


def get_event(*, viewer: Viewer, pk: int) -> Event:
    """One event the viewer may see. Raises Event.DoesNotExist otherwise."""
    return list_events(viewer=viewer).get(pk=pk)


def list_organised_events(*, viewer: User) -> QuerySet[Event]:
    """Events the viewer's organisations organise (every event, for staff)."""
    rows = Event.objects.all()
    if not viewer.is_staff:
        rows = rows.filter(organiser_id__in=organisation_ids_of(viewer))
    return rows.select_related("organiser")


def list_sessions(*, event: Event) -> QuerySet[Session]:
    """An event's sessions, each with its number of slots."""
    return event.sessions.annotate(slot_count=Count("slots"))


def list_ceremony_sessions(*, viewer: User) -> QuerySet[Session]:
    """Sessions of signing ceremonies the viewer can see that have not ended: where the parties
    to an agreement may choose to sign it."""
    events = list_events(viewer=viewer, kind=Event.Kind.SIGNING_CEREMONY).exclude(
        status=Event.Status.CANCELLED
    )
    return (
        Session.objects.filter(event__in=events, ends_at__gt=timezone.now())
        .select_related("event")
        .order_by("starts_at")
    )


def list_slots(*, event: Event) -> QuerySet[Slot]:
    """An event's slots with their sessions."""
    return Slot.objects.filter(session__event=event).select_related("session")


def get_holiday_table(
    *, countries: list[str], first: datetime.date, last: datetime.date
) -> dict[tuple[str, datetime.date], tuple[dict[str, str], bool]]:
    """The holidays and working days of some countries between two days, for `days_off`."""
    rows = Holiday.objects.filter(
        country__in=countries,
        observed_on__gte=first - datetime.timedelta(days=1),
        observed_on__lte=last + datetime.timedelta(days=1),
    )
    return {(row.country, row.observed_on): (row.name, row.is_working_day) for row in rows}


def list_event_countries(event: Event) -> list[str]:
    """The countries whose weekends and holidays an event respects (the corridor's by default)."""
    return list(event.countries) or list(settings.KARVAN_CORRIDOR)


@dataclass(frozen=True)
class SessionConflict:
    session: Session
    days_off: tuple[DayOff, ...]


def list_calendar_conflicts(*, event: Event) -> list[SessionConflict]:
    """Sessions falling on a weekend or holiday of a participating country (organiser warnings)."""
    sessions = list(event.sessions.all())
    if not sessions:
        return []
    countries = list_event_countries(event)
    calendars = country_calendars(
        countries, profiles=settings.KARVAN_COUNTRY_PROFILES, fallback_zone=event.time_zone
    )
    table = get_holiday_table(
        countries=countries,
        first=min(s.starts_at for s in sessions).date(),
        last=max(s.ends_at for s in sessions).date(),
    )
    conflicts = []
    for session in sessions:
        found = days_off(session.starts_at, session.ends_at, calendars=calendars, holidays=table)
        if found:
            conflicts.append(SessionConflict(session, tuple(found)))
    return conflicts


def list_registrations(
    *,
    viewer: User,
    event: Event | None = None,
    status: str = "",
    mine_only: bool = False,
) -> QuerySet[Registration]:
    """Registrations the viewer may see: their organisations', their delegations', or all as
    organiser."""
    rows = Registration.objects.all()
    if event is not None:
        rows = rows.filter(event=event)
    mine = organisation_ids_of(viewer)
    own = Q(person_id=viewer.pk) | Q(organisation_id__in=mine) | Q(delegation__leader_id__in=mine)
    if mine_only:
        rows = rows.filter(own)
    elif not viewer.is_staff:
        rows = rows.filter(own | Q(event__organiser_id__in=mine))
    if status:
        rows = rows.filter(status=status)
    return rows.select_related("event", "organisation", "person", "delegation").prefetch_related(
        "sessions"
    )


def get_registration(*, viewer: User, pk: int) -> Registration:
    """One registration the viewer may see. Raises Registration.DoesNotExist otherwise."""
    return list_registrations(viewer=viewer).get(pk=pk)


def list_participants(
    *, event: Event, exclude_organisation_ids: set[int] | None = None
) -> QuerySet[Registration]:
    """Approved participants of an event: whom one may ask for a meeting."""
    rows = event.registrations.filter(status=Registration.Status.APPROVED)
    if exclude_organisation_ids:
        rows = rows.exclude(organisation_id__in=exclude_organisation_ids)
    return rows.select_related("organisation", "person").order_by("organisation_id", "pk")


def list_own_registrations(*, viewer: User, event: Event) -> QuerySet[Registration]:
    """The registrations the viewer acts for in an event (their own and their colleagues')."""
    return list_registrations(viewer=viewer, event=event, mine_only=True).filter(
        Q(person_id=viewer.pk) | Q(organisation_id__in=organisation_ids_of(viewer))
    )


def list_delegation_invitations(*, viewer: User) -> QuerySet[DelegationInvitation]:
    """Invitations to the organisations the viewer manages (owner or administrator)."""
    managed = organisation_ids_of(viewer, roles=MANAGER_ROLES)
    return DelegationInvitation.objects.filter(organisation_id__in=managed).select_related(
        "organisation", "delegation__leader", "delegation__event"
    )


def get_organisation_by_registry_id(*, registry_id: str, country: str = "") -> Organisation:
    """The organisation with a registry identifier however it was typed (any digits, spaces,
    dashes), one of `country` first. Raises Organisation.DoesNotExist."""
    code = normalize_registry_id(registry_id)
    rows = Organisation.objects.filter(registry_id=code) if code else Organisation.objects.none()
    found = (rows.filter(country=country.upper()).first() if country else None) or rows.first()
    if found is None:
        raise Organisation.DoesNotExist
    return found


def get_delegation_invitation(*, viewer: User, pk: int) -> DelegationInvitation:
    """One invitation, for the invited organisation's managers and the delegation's managers."""
    invitation = DelegationInvitation.objects.select_related(
        "organisation", "delegation__leader", "delegation__event"
    ).get(pk=pk)
    if not can_view_delegation_invitation(viewer, invitation):
        raise DelegationInvitation.DoesNotExist
    return invitation


def list_delegations(*, viewer: Viewer, event: Event) -> QuerySet[Delegation]:
    """The delegations of an event the viewer may see (none of a draft they do not organise),
    each with `is_managed`: whether the viewer leads it or organises the event, so may open it."""
    if not can_view_event(viewer, event):
        return Delegation.objects.none()
    led = organisation_ids_of(viewer) if viewer.is_authenticated else set()
    managed = (
        Value(True)
        if is_organiser(viewer, event)
        else ExpressionWrapper(Q(leader_id__in=led), output_field=BooleanField())
    )
    return (
        event.delegations.annotate(is_managed=managed)
        .select_related("leader")
        .prefetch_related("members")
        .order_by("pk")
    )


def list_meeting_requests(
    *, viewer: User, event: Event | None = None, status: str = ""
) -> QuerySet[MeetingRequest]:
    """Requests the viewer sent or received (for their organisations), or all as organiser."""
    rows = MeetingRequest.objects.all()
    if event is not None:
        rows = rows.filter(event=event)
    if not viewer.is_staff:
        mine = organisation_ids_of(viewer)
        rows = rows.filter(
            Q(sender__person_id=viewer.pk)
            | Q(recipient__person_id=viewer.pk)
            | Q(sender__organisation_id__in=mine)
            | Q(recipient__organisation_id__in=mine)
            | Q(event__organiser_id__in=mine)
        )
    if status:
        rows = rows.filter(status=status)
    return rows.annotate(meeting_pk=F("meeting__pk")).select_related(
        "event",
        "sender__organisation",
        "sender__person",
        "recipient__organisation",
        "recipient__person",
    )


def get_meeting_request(*, viewer: User, pk: int) -> MeetingRequest:
    """One meeting request the viewer may see. Raises MeetingRequest.DoesNotExist otherwise."""
    return list_meeting_requests(viewer=viewer).get(pk=pk)


def _meeting_rows() -> QuerySet[Meeting]:
    return Meeting.objects.select_related("event", "slot__session", "request").prefetch_related(
        Prefetch(
            "attendance",
            queryset=MeetingParticipant.objects.select_related(
                "registration__organisation", "registration__person"
            ),
        ),
        "participants",
    )


def list_meetings(
    *, viewer: User, event: Event | None = None, published_only: bool = False
) -> QuerySet[Meeting]:
    """Meetings the viewer's organisations take part in, or all of an event as its organiser."""
    rows = _meeting_rows().exclude(status=Meeting.Status.CANCELLED)
    if event is not None:
        rows = rows.filter(event=event)
    if not viewer.is_staff:
        mine = organisation_ids_of(viewer)
        participant = Q(attendance__registration__person_id=viewer.pk) | Q(
            attendance__registration__organisation_id__in=mine
        )
        organiser = Q(event__organiser_id__in=mine)
        rows = rows.filter(participant | organiser).distinct()
        if published_only:
            rows = rows.filter(Q(is_published=True) | organiser)
    elif published_only:
        rows = rows.filter(is_published=True)
    return rows


def get_meeting(*, viewer: User, pk: int) -> Meeting:
    """One meeting the viewer may see: an unpublished one is the organiser's alone. Raises
    Meeting.DoesNotExist otherwise."""
    meeting = list_meetings(viewer=viewer).get(pk=pk)
    if not can_view_meeting(viewer, meeting):
        raise Meeting.DoesNotExist
    return meeting


@dataclass(frozen=True)
class VideoRoom:
    """A meeting's video room as its people see it: open from a while before the start until
    the end; `url` is empty while it is closed or when no video server is set up."""

    opens_at: datetime.datetime
    closes_at: datetime.datetime
    is_open: bool
    url: str


def _slot_start(meeting: Meeting) -> datetime.datetime:
    """Sort key of meetings by start; a meeting without a slot (none here: only scheduled ones
    are listed) sorts last."""
    return (
        meeting.slot.starts_at
        if meeting.slot
        else datetime.datetime.max.replace(tzinfo=datetime.UTC)
    )


def get_video_room(
    *, viewer: User, meeting: Meeting, now: datetime.datetime | None = None
) -> VideoRoom | None:
    """The room of an online meeting for one of its people, until it ends; None for anyone else,
    for a meeting without a slot, or after it ended."""
    if not (meeting.event.is_online and meeting.is_scheduled and can_join_video(viewer, meeting)):
        return None
    slot = meeting.slot
    if slot is None:
        return None
    now = now or timezone.now()
    opens_at = slot.starts_at - datetime.timedelta(minutes=settings.KARVAN_VIDEO_OPENS_MINUTES)
    closes_at = slot.ends_at
    if now >= closes_at:
        return None
    is_open = bool(settings.KARVAN_JITSI_URL) and now >= opens_at
    url = f"{settings.KARVAN_JITSI_URL}/karvan-{meeting.room_name}" if is_open else ""
    return VideoRoom(opens_at=opens_at, closes_at=closes_at, is_open=is_open, url=url)


def list_agenda(*, registration: Registration) -> list[Meeting]:
    """A participant's published meetings in time order (what their agenda and feed show)."""
    return list(
        _meeting_rows()
        .filter(
            attendance__registration=registration,
            status=Meeting.Status.SCHEDULED,
            is_published=True,
        )
        .order_by("slot__starts_at")
    )


def list_event_schedule(*, event: Event) -> QuerySet[Meeting]:
    """Every meeting of an event, for the organiser's views per slot, table and participant."""
    return _meeting_rows().filter(event=event).exclude(status=Meeting.Status.CANCELLED)


def list_schedule_by_slot(*, event: Event) -> list[tuple[Slot, list[Meeting]]]:
    """Every slot of an event with its scheduled meetings, in time order."""
    meetings = defaultdict(list)
    for meeting in list_event_schedule(event=event).filter(status=Meeting.Status.SCHEDULED):
        meetings[meeting.slot_id].append(meeting)
    return [(slot, meetings.get(slot.pk, [])) for slot in list_slots(event=event)]


def list_schedule_by_participant(*, event: Event) -> list[tuple[Registration, list[Meeting]]]:
    """Every approved participant of an event with their scheduled meetings, in time order."""
    meetings = defaultdict(list)
    for meeting in list_event_schedule(event=event).filter(status=Meeting.Status.SCHEDULED):
        for attendance in meeting.attendance.all():
            meetings[attendance.registration_id].append(meeting)
    participants = list_participants(event=event)
    return [
        (registration, sorted(meetings.get(registration.pk, []), key=_slot_start))
        for registration in participants
    ]


def list_unplaced_meetings(*, event: Event) -> QuerySet[Meeting]:
    """An event's accepted meetings the scheduler could not place (with their reasons)."""
    return list_event_schedule(event=event).filter(status=Meeting.Status.UNSCHEDULED)


def list_busy_slot_ids(
    *, registrations: list[Registration], exclude_meeting: Meeting | None = None
) -> set[int]:
    """Slots in which any of these registrations already has a scheduled meeting."""
    rows = Meeting.objects.filter(
        status=Meeting.Status.SCHEDULED, attendance__registration__in=registrations
    )
    if exclude_meeting is not None:
        rows = rows.exclude(pk=exclude_meeting.pk)
    return set(rows.values_list("slot_id", flat=True))


def get_attended_session_ids(registration: Registration) -> set[int] | None:
    """The sessions a registration chose, or None when it chose none (then it attends all)."""
    chosen = {session.pk for session in registration.sessions.all()}
    return chosen or None


def get_slot_problem(*, meeting: Meeting, slot: Slot, table: int | None) -> str | None:
    """Why a meeting cannot go into a slot (and table), in the active language; None if it can."""
    event = meeting.event
    if slot.session.event_id != event.pk:
        return _("the slot belongs to another event")
    registrations = [attendance.registration for attendance in meeting.attendance.all()]
    for registration in registrations:
        if slot.pk in list_busy_slot_ids(registrations=[registration], exclude_meeting=meeting):
            return _("%(person)s already has a meeting at that time") % {
                "person": registration.person.display_name
            }
        sessions = get_attended_session_ids(registration)
        if sessions is not None and slot.session_id not in sessions:
            return _("%(person)s does not attend this session") % {
                "person": registration.person.display_name
            }
    if event.is_online:
        return None
    taken = set(
        Meeting.objects.filter(slot=slot, status=Meeting.Status.SCHEDULED)
        .exclude(pk=meeting.pk)
        .values_list("table", flat=True)
    )
    if table is None:
        if len(taken) >= slot.session.tables:
            return _("every table is taken at that time")
        return None
    if not 1 <= table <= slot.session.tables:
        return _("there is no table %(table)s in this session") % {"table": table}
    if table in taken:
        return _("table %(table)s is taken at that time") % {"table": table}
    return None


def list_free_slots(*, event: Event, registrations: list[Registration]) -> list[Slot]:
    """Slots, from now on, where all these registrations are free, attend, and a table is free."""
    busy = list_busy_slot_ids(registrations=registrations)
    sessions = None
    for registration in registrations:
        chosen = get_attended_session_ids(registration)
        if chosen is not None:
            sessions = chosen if sessions is None else sessions & chosen
    taken = dict(
        Meeting.objects.filter(event=event, status=Meeting.Status.SCHEDULED)
        .values_list("slot_id")
        .annotate(n=Count("pk"))
    )
    free = []
    for slot in list_slots(event=event).filter(starts_at__gt=timezone.now()):
        if slot.pk in busy or (sessions is not None and slot.session_id not in sessions):
            continue
        if not event.is_online and taken.get(slot.pk, 0) >= slot.session.tables:
            continue
        free.append(slot)
    return free


def get_latest_schedule_run(*, event: Event) -> ScheduleRun | None:
    """The event's latest scheduler run, or None."""
    return event.schedule_runs.first()


def summarise_outcomes(*, event: Event) -> dict[str, int]:
    """Meetings held, no-shows and outcomes reported: the center's figures for an event."""
    attendance = MeetingParticipant.objects.filter(
        meeting__event=event, meeting__status=Meeting.Status.SCHEDULED
    )
    figures = {
        "meetings": Meeting.objects.filter(event=event, status=Meeting.Status.SCHEDULED).count(),
        "no_shows": attendance.filter(is_no_show=True).count(),
        "checked_in": event.registrations.filter(checked_in_at__isnull=False).count(),
    }
    for outcome in MeetingParticipant.Outcome:
        figures[outcome.value] = attendance.filter(outcome=outcome).count()
    return figures


def list_requests_to_answer(*, viewer: User) -> QuerySet[MeetingRequest]:
    """Pending meeting requests sent to a registration the viewer acts for, still open."""
    if not viewer.is_authenticated:
        return MeetingRequest.objects.none()
    mine = organisation_ids_of(viewer)
    return (
        MeetingRequest.objects.filter(
            Q(recipient__person_id=viewer.pk) | Q(recipient__organisation_id__in=mine),
            status=MeetingRequest.Status.PENDING,
            expires_at__gt=timezone.now(),
        )
        .select_related("event", "sender__organisation", "sender__person")
        .order_by("expires_at", "pk")
    )


def list_invitations_to_answer(*, viewer: User) -> QuerySet[DelegationInvitation]:
    """Delegation invitations awaiting an answer from an organisation the viewer manages."""
    return list_delegation_invitations(viewer=viewer).filter(
        status=DelegationInvitation.Status.PENDING,
        delegation__event__ends_on__gte=timezone.localdate(),
    )


def list_next_meetings(*, viewer: User) -> QuerySet[Meeting]:
    """The viewer's own scheduled, published meetings still to come, soonest first."""
    if not viewer.is_authenticated:
        return Meeting.objects.none()
    mine = organisation_ids_of(viewer)
    return (
        _meeting_rows()
        .filter(
            Q(attendance__registration__person_id=viewer.pk)
            | Q(attendance__registration__organisation_id__in=mine),
            status=Meeting.Status.SCHEDULED,
            is_published=True,
            slot__ends_at__gt=timezone.now(),
        )
        .distinct()
        .order_by("slot__starts_at", "pk")
    )


def list_upcoming_registrations(*, viewer: User) -> QuerySet[Registration]:
    """The viewer's own registrations (their person's or their organisations') for events not
    over yet, pending or approved."""
    if not viewer.is_authenticated:
        return Registration.objects.none()
    return (
        list_registrations(viewer=viewer, mine_only=True)
        .filter(
            Q(person_id=viewer.pk) | Q(organisation_id__in=organisation_ids_of(viewer)),
            status__in=[Registration.Status.PENDING, Registration.Status.APPROVED],
            event__ends_on__gte=timezone.localdate(),
        )
        .order_by("event__starts_on", "pk")
    )
