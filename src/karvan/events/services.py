"""Actions on events: setting them up, registering, delegations, meeting requests, the schedule,
the day itself (check-in, no-shows, feedback) and the system's periodic work (expiry, reminders).
"""

import datetime
import logging
import time
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from karvan.accounts.models import User
from karvan.core.calendars import localize_digits
from karvan.core.digits import normalize_code
from karvan.core.errors import DomainError, NotAllowedError
from karvan.core.registry_ids import normalize_registry_id
from karvan.directory.models import Membership, Organisation
from karvan.events import notifications as kinds
from karvan.events import tasks
from karvan.events.calendar import country_calendars, days_off, slot_times
from karvan.events.errors import (
    AlreadyDecidedError,
    AlreadyInDelegationError,
    AlreadyRegisteredError,
    DelegationExistsError,
    DuplicateRequestError,
    EventNotOpenError,
    InvalidEventDatesError,
    InvalidSessionError,
    InvitationExistsError,
    InvitationNotPendingError,
    MeetingNotStartedError,
    NotAMemberError,
    NotApprovedError,
    NotConsentedError,
    NothingToScheduleError,
    NotInDelegationError,
    OwnOrganisationError,
    RequestNotPendingError,
    ScheduleRunningError,
    SessionInUseError,
    SlotNotFreeError,
    SlotRequiredError,
    TooManyCellsError,
    TooManyMeetingsError,
    UnknownBadgeError,
    UnknownSessionError,
)
from karvan.events.models import (
    Delegation,
    DelegationInvitation,
    Event,
    Holiday,
    Meeting,
    MeetingParticipant,
    MeetingPoint,
    MeetingRequest,
    Registration,
    ScheduleRun,
    Session,
    Slot,
    new_badge_code,
    new_token,
)
from karvan.events.permissions import (
    MANAGER_ROLES,
    can_act_for,
    can_answer_delegation_invitation,
    can_create_event_for,
    can_decide_registration,
    can_edit_registration,
    can_manage_delegation,
    has_consented,
    has_joined_delegation,
    is_organiser,
    leads_delegation,
    manages_organisation,
    organisation_ids,
)
from karvan.events.selectors import (
    attended_session_ids,
    busy_slot_ids,
    event_countries,
    holiday_table,
)
from karvan.notifications.services import notify
from karvan.scheduling import solver

logger = logging.getLogger(__name__)
# Tries at writing a scheduler run's result while the database is busy.
STORE_ATTEMPTS = 5

EVENT_FIELDS = frozenset(
    {
        "kind",
        "title",
        "description",
        "original_language",
        "venue",
        "city",
        "time_zone",
        "countries",
        "starts_on",
        "ends_on",
        "request_mode",
        "scheduling_mode",
        "request_expiry_hours",
    }
)


def _require_organiser(actor: User, event: Event) -> None:
    if not is_organiser(actor, event):
        raise NotAllowedError()


def _organiser_people(event: Event) -> list[User]:
    return [
        membership.user
        for membership in Membership.objects.filter(organisation=event.organiser).select_related(
            "user"
        )
    ]


# --- Events, sessions, slots, holidays ---------------------------------------------------------


def _apply_event_changes(event: Event, data: Mapping[str, object]) -> None:
    unknown = set(data) - EVENT_FIELDS
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for name in EVENT_FIELDS & set(data):
        value = data[name]
        if name == "countries":
            value = [str(code).strip().upper() for code in value if str(code).strip()]  # type: ignore[attr-defined]
        if name in {"venue", "city"}:
            value = str(value or "").strip()
        setattr(event, name, value)
    if event.starts_on and event.ends_on and event.starts_on > event.ends_on:
        raise InvalidEventDatesError(field="ends_on")


@transaction.atomic
def create_event(*, actor: User, organiser: Organisation, data: Mapping[str, object]) -> Event:
    """Draft an event organised by one of the actor's organisations."""
    if not can_create_event_for(actor, organiser.pk):
        raise NotAllowedError()
    event = Event(organiser=organiser)
    if "countries" not in data:
        event.countries = list(settings.KARVAN_CORRIDOR)
    _apply_event_changes(event, data)
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def update_event(*, actor: User, event: Event, data: Mapping[str, object]) -> Event:
    _require_organiser(actor, event)
    _apply_event_changes(event, data)
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def set_event_status(*, actor: User, event: Event, status: str) -> Event:
    """Open registration (publish), close it, or cancel the event."""
    _require_organiser(actor, event)
    event.status = Event.Status(status)
    event.save(update_fields=["status", "updated_at"])
    return event


def _session_times(event: Event, data: Mapping[str, object]) -> tuple[datetime.datetime, ...]:
    """A session's day and local start and end times, in the event's zone, as UTC moments."""
    zone = zoneinfo.ZoneInfo(event.time_zone)
    day = data["day"]
    start = datetime.datetime.combine(day, data["start_time"], tzinfo=zone)  # type: ignore[arg-type]
    end = datetime.datetime.combine(day, data["end_time"], tzinfo=zone)  # type: ignore[arg-type]
    if not (event.starts_on <= day <= event.ends_on) or end <= start:  # type: ignore[operator]
        raise InvalidSessionError(field="end_time")
    return start.astimezone(datetime.UTC), end.astimezone(datetime.UTC)


@transaction.atomic
def add_session(*, actor: User, event: Event, data: Mapping[str, object]) -> Session:
    """Add a half day (day, local start and end, meeting length, break, tables) and its slots."""
    _require_organiser(actor, event)
    starts_at, ends_at = _session_times(event, data)
    session = Session(
        event=event,
        title=str(data.get("title") or "").strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        meeting_minutes=int(data.get("meeting_minutes") or 30),  # type: ignore[call-overload]
        break_minutes=int(data.get("break_minutes") or 0),  # type: ignore[call-overload]
        tables=int(data.get("tables") or 1),  # type: ignore[call-overload]
        hold_on_holidays=bool(data.get("hold_on_holidays")),
    )
    session.full_clean()
    session.save()
    generate_slots(session=session)
    return session


@transaction.atomic
def delete_session(*, actor: User, session: Session) -> None:
    _require_organiser(actor, session.event)
    if Meeting.objects.filter(slot__session=session, status=Meeting.Status.SCHEDULED).exists():
        raise SessionInUseError()
    session.delete()


def generate_slots(*, session: Session) -> list[Slot]:
    """(Re)make a session's slots, leaving out those on a participating country's weekend or
    holiday unless the session is held anyway. Refuses while meetings are scheduled in it."""
    if Meeting.objects.filter(slot__session=session, status=Meeting.Status.SCHEDULED).exists():
        raise SessionInUseError()
    event = session.event
    times = slot_times(
        session.starts_at,
        session.ends_at,
        meeting_minutes=session.meeting_minutes,
        break_minutes=session.break_minutes,
    )
    if not session.hold_on_holidays and times:
        countries = event_countries(event)
        calendars = country_calendars(
            countries, profiles=settings.KARVAN_COUNTRY_PROFILES, fallback_zone=event.time_zone
        )
        table = holiday_table(
            countries=countries, first=session.starts_at.date(), last=session.ends_at.date()
        )
        times = [
            (start, end)
            for start, end in times
            if not days_off(start, end, calendars=calendars, holidays=table)
        ]
    session.slots.all().delete()
    return Slot.objects.bulk_create(
        Slot(session=session, starts_at=start, ends_at=end) for start, end in times
    )


@transaction.atomic
def set_meeting_points(*, actor: User, event: Event, names: Sequence[str]) -> list[MeetingPoint]:
    """Name the tables, booths or meeting points (one name a line; numbered in order)."""
    _require_organiser(actor, event)
    event.meeting_points.all().delete()
    return MeetingPoint.objects.bulk_create(
        MeetingPoint(event=event, number=number, name=name.strip()[:100])
        for number, name in enumerate([n for n in names if n.strip()], start=1)
    )


def load_holidays(*, rows: Iterable[Mapping[str, object]]) -> int:
    """Load holiday rows (country, date, name, is_working_day), keyed by country and day."""
    count = 0
    with transaction.atomic():
        for row in rows:
            Holiday.objects.update_or_create(
                country=str(row["country"]).upper(),
                observed_on=datetime.date.fromisoformat(str(row["date"])),
                defaults={"name": row["name"], "is_working_day": bool(row["is_working_day"])},
            )
            count += 1
    return count


# --- Registration and delegations ---------------------------------------------------------------


def _check_sessions(event: Event, sessions: Iterable[Session]) -> list[Session]:
    sessions = list(sessions)
    if any(session.event_id != event.pk for session in sessions):
        raise UnknownSessionError(field="sessions")
    return sessions


def _may_register(
    actor: User, event: Event, organisation: Organisation, delegation: Delegation | None
) -> None:
    """Who may register a person of an organisation: the organisation's own people (the person
    themselves or a colleague); a delegation's leader, for the organisations that joined it; the
    organiser, for organisations that joined one of the event's delegations. Nobody registers
    the people of an organisation that did not agree to it."""
    if delegation is not None:
        if delegation.event_id != event.pk:
            raise NotInDelegationError()
        if not has_joined_delegation(organisation.pk, delegation):
            raise NotInDelegationError(field="organisation")
    if organisation.pk in organisation_ids(actor):
        return
    if delegation is not None and leads_delegation(actor, delegation):
        return
    if is_organiser(actor, event):
        if has_consented(organisation.pk, event):
            return
        raise NotConsentedError(field="organisation", organisation=organisation.display_name)
    raise NotAllowedError()


@transaction.atomic
def register_person(
    *,
    actor: User,
    event: Event,
    organisation: Organisation,
    person: User,
    sessions: Iterable[Session] = (),
    delegation: Delegation | None = None,
    notify_organiser: bool = True,
) -> Registration:
    """Register a member of an organisation for an event; the organiser approves it.

    The organisation's members register themselves and their colleagues; a delegation's leader
    registers the people of the organisations that accepted its invitation, as the organiser may;
    the organiser's registrations are approved at once. A person registered by someone else is
    told, and may cancel; a cancelled registration is taken up again when they register.
    Raises NotConsentedError for the people of an organisation that did not agree.
    """
    organiser = is_organiser(actor, event)
    _may_register(actor, event, organisation, delegation)
    if not event.is_open_for_registration and not organiser:
        raise EventNotOpenError()
    if not Membership.objects.filter(user=person, organisation=organisation).exists():
        raise NotAMemberError(field="person", person=person.display_name)
    sessions = _check_sessions(event, sessions)
    registration = (
        Registration.objects.select_for_update().filter(event=event, person=person).first()
    )
    if registration is not None and registration.status != Registration.Status.CANCELLED:
        raise AlreadyRegisteredError(field="person", person=person.display_name)
    if registration is None:
        registration = Registration(event=event, person=person)
    else:
        # A fresh badge and feed: whoever made the cancelled registration saw the old ones.
        registration.badge_code, registration.calendar_token = new_badge_code(), new_token()
        registration.checked_in_at, registration.rejection_reason = None, ""
    registration.organisation, registration.delegation = organisation, delegation
    registration.registered_by = actor
    registration.status = Registration.Status.APPROVED if organiser else Registration.Status.PENDING
    registration.decided_at = timezone.now() if organiser else None
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError as error:  # the same person registered twice at once
        raise AlreadyRegisteredError(person=person.display_name) from error
    registration.sessions.set(sessions)
    if person.pk != actor.pk:
        notify(
            recipients=[person],
            kind=kinds.REGISTERED_BY_OTHER,
            params={"organisation": organisation.name, "event": event.title},
            url=event.get_absolute_url(),
        )
    if notify_organiser and not organiser:
        notify(
            recipients=_organiser_people(event),
            kind=kinds.REGISTRATION_RECEIVED,
            params={
                "organisation": organisation.name,
                "person": person.display_name,
                "event": event.title,
            },
            url=event.get_absolute_url(),
        )
    return registration


@transaction.atomic
def choose_sessions(
    *, actor: User, registration: Registration, sessions: Iterable[Session]
) -> Registration:
    if not can_edit_registration(actor, registration):
        raise NotAllowedError()
    registration.sessions.set(_check_sessions(registration.event, sessions))
    return registration


def _decide(registration: Registration, actor: User, status: str, reason: str = "") -> None:
    if not can_decide_registration(actor, registration):
        raise NotAllowedError()
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == status:
        raise AlreadyDecidedError()
    Registration.objects.filter(pk=registration.pk).update(
        status=status, decided_at=timezone.now(), rejection_reason=reason
    )


@transaction.atomic
def approve_registration(*, actor: User, registration: Registration) -> Registration:
    _decide(registration, actor, Registration.Status.APPROVED)
    registration.refresh_from_db()
    notify(
        recipients=[registration.person],
        kind=kinds.REGISTRATION_APPROVED,
        params={"event": registration.event.title},
        url=registration.event.get_absolute_url(),
    )
    return registration


@transaction.atomic
def reject_registration(*, actor: User, registration: Registration, reason: str) -> Registration:
    _decide(registration, actor, Registration.Status.REJECTED, reason.strip())
    registration.refresh_from_db()
    _withdraw_participation(registration)
    notify(
        recipients=[registration.person],
        kind=kinds.REGISTRATION_REJECTED,
        params={"event": registration.event.title, "reason": reason.strip() or "—"},
        url=registration.event.get_absolute_url(),
    )
    return registration


def _withdraw_participation(registration: Registration) -> None:
    MeetingRequest.objects.filter(
        Q(sender=registration) | Q(recipient=registration), status=MeetingRequest.Status.PENDING
    ).update(status=MeetingRequest.Status.CANCELLED, decided_at=timezone.now())
    Meeting.objects.filter(attendance__registration=registration).exclude(
        status=Meeting.Status.CANCELLED
    ).update(status=Meeting.Status.CANCELLED, slot=None, table=None)


@transaction.atomic
def cancel_registration(*, actor: User, registration: Registration) -> Registration:
    """Withdraw from an event: open requests are withdrawn and meetings cancelled."""
    if not can_edit_registration(actor, registration):
        raise NotAllowedError()
    registration.status = Registration.Status.CANCELLED
    registration.save(update_fields=["status", "updated_at"])
    _withdraw_participation(registration)
    return registration


@transaction.atomic
def create_delegation(*, actor: User, event: Event, leader: Organisation, name: str) -> Delegation:
    """A delegation led by one of the actor's organisations (or set up by the organiser)."""
    if not (leader.pk in organisation_ids(actor) or is_organiser(actor, event)):
        raise NotAllowedError()
    if not event.is_open_for_registration and not is_organiser(actor, event):
        raise EventNotOpenError()
    if Delegation.objects.filter(event=event, leader=leader).exists():
        raise DelegationExistsError()
    return Delegation.objects.create(event=event, leader=leader, name=name.strip()[:200])


def _managers(organisation: Organisation) -> list[User]:
    return [
        membership.user
        for membership in Membership.objects.filter(
            organisation=organisation, role__in=MANAGER_ROLES
        ).select_related("user")
    ]


@transaction.atomic
def invite_to_delegation(
    *, actor: User, delegation: Delegation, organisation: Organisation
) -> DelegationInvitation:
    """Ask an organisation to join a delegation; its managers are told and answer.

    Raises AlreadyInDelegationError or InvitationExistsError.
    """
    if not can_manage_delegation(actor, delegation):
        raise NotAllowedError()
    if has_joined_delegation(organisation.pk, delegation):
        raise AlreadyInDelegationError(field="registry_id")
    invitation = DelegationInvitation(
        delegation=delegation, organisation=organisation, invited_by=actor
    )
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError as error:  # the unique pending invitation
        raise InvitationExistsError(field="registry_id") from error
    notify(
        recipients=_managers(organisation),
        kind=kinds.DELEGATION_INVITED,
        params={"leader": delegation.leader.name, "event": delegation.event.title},
        url=invitation.get_absolute_url(),
    )
    return invitation


def _locked_pending_invitation(invitation: DelegationInvitation) -> DelegationInvitation:
    invitation = DelegationInvitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise InvitationNotPendingError()
    return invitation


def _answer_invitation(
    invitation: DelegationInvitation, actor: User, status: str, kind: str
) -> DelegationInvitation:
    if not can_answer_delegation_invitation(actor, invitation):
        raise NotAllowedError()
    invitation = _locked_pending_invitation(invitation)
    invitation.status, invitation.decided_by = status, actor
    invitation.decided_at = timezone.now()
    invitation.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    delegation = invitation.delegation
    if status == DelegationInvitation.Status.ACCEPTED:
        delegation.members.add(invitation.organisation)
    notify(
        recipients=[m.user for m in Membership.objects.filter(organisation=delegation.leader)],
        kind=kind,
        params={"organisation": invitation.organisation.name, "event": delegation.event.title},
        url=delegation.get_absolute_url(),
    )
    return invitation


@transaction.atomic
def accept_delegation_invitation(
    *, actor: User, invitation: DelegationInvitation
) -> DelegationInvitation:
    """A manager of the invited organisation agrees: it joins the delegation, whose leader may
    then register its people. Raises InvitationNotPendingError."""
    return _answer_invitation(
        invitation,
        actor,
        DelegationInvitation.Status.ACCEPTED,
        kinds.DELEGATION_INVITATION_ACCEPTED,
    )


@transaction.atomic
def decline_delegation_invitation(
    *, actor: User, invitation: DelegationInvitation
) -> DelegationInvitation:
    return _answer_invitation(
        invitation,
        actor,
        DelegationInvitation.Status.DECLINED,
        kinds.DELEGATION_INVITATION_DECLINED,
    )


@transaction.atomic
def withdraw_delegation_invitation(
    *, actor: User, invitation: DelegationInvitation
) -> DelegationInvitation:
    if not can_manage_delegation(actor, invitation.delegation):
        raise NotAllowedError()
    invitation = _locked_pending_invitation(invitation)
    invitation.status, invitation.decided_by = DelegationInvitation.Status.WITHDRAWN, actor
    invitation.decided_at = timezone.now()
    invitation.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    return invitation


@transaction.atomic
def remove_delegation_member(
    *, actor: User, delegation: Delegation, organisation: Organisation
) -> Delegation:
    """The leader (or organiser) removes an organisation, or one of its managers takes it out."""
    if not (can_manage_delegation(actor, delegation) or manages_organisation(actor, organisation)):
        raise NotAllowedError()
    delegation.members.remove(organisation)
    return delegation


# --- Meeting requests -------------------------------------------------------------------------


def _request_params(request: MeetingRequest, organisation: Organisation) -> dict[str, object]:
    return {"organisation": organisation.name, "event": request.event.title}


@transaction.atomic
def send_meeting_request(
    *,
    actor: User,
    sender: Registration,
    recipient: Registration,
    reason: str,
    language: str = "en",
) -> MeetingRequest:
    """Ask another participant for a meeting, with a reason.

    When the other side already asked, that request is accepted instead (both asked: the meeting
    gets a higher priority). With automatic acceptance the meeting is made at once.
    """
    if not can_act_for(actor, sender):
        raise NotAllowedError()
    if sender.event_id != recipient.event_id or not sender.is_approved or not recipient.is_approved:
        raise NotApprovedError()
    if sender.organisation_id == recipient.organisation_id:
        raise OwnOrganisationError()
    event = sender.event
    open_statuses = [MeetingRequest.Status.PENDING, MeetingRequest.Status.ACCEPTED]
    if MeetingRequest.objects.filter(
        sender=sender, recipient=recipient, status__in=open_statuses
    ).exists():
        raise DuplicateRequestError()
    reverse = (
        MeetingRequest.objects.select_for_update()
        .filter(sender=recipient, recipient=sender, status__in=open_statuses)
        .first()
    )
    if reverse is not None and reverse.status == MeetingRequest.Status.ACCEPTED:
        raise DuplicateRequestError()
    if reverse is not None:
        return _accept(reverse, priority=2)
    request = MeetingRequest(
        event=event,
        sender=sender,
        recipient=recipient,
        reason=reason.strip(),
        language=language,
        expires_at=timezone.now() + datetime.timedelta(hours=event.request_expiry_hours),
    )
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError as error:
        raise DuplicateRequestError() from error
    if event.request_mode == Event.RequestMode.AUTOMATIC:
        return _accept(request, priority=1)
    notify(
        recipients=[recipient.person],
        kind=kinds.REQUEST_RECEIVED,
        params=_request_params(request, sender.organisation),
        url=request.get_absolute_url(),
    )
    return request


def _locked_pending(request: MeetingRequest) -> MeetingRequest:
    request = MeetingRequest.objects.select_for_update().get(pk=request.pk)
    if request.status == MeetingRequest.Status.PENDING and request.expires_at <= timezone.now():
        request.status = MeetingRequest.Status.EXPIRED
        request.save(update_fields=["status", "updated_at"])
    if request.status != MeetingRequest.Status.PENDING:
        raise RequestNotPendingError()
    return request


def _accept(request: MeetingRequest, *, priority: int, slot: Slot | None = None) -> MeetingRequest:
    request = _locked_pending(request)
    request.status, request.decided_at = MeetingRequest.Status.ACCEPTED, timezone.now()
    request.save(update_fields=["status", "decided_at", "updated_at"])
    meeting = Meeting.objects.create(event=request.event, request=request, priority=priority)
    MeetingParticipant.objects.bulk_create(
        MeetingParticipant(meeting=meeting, registration=registration)
        for registration in (request.sender, request.recipient)
    )
    if slot is not None:
        _place(meeting, slot, table=None)
        meeting.is_published = True
        meeting.save(update_fields=["is_published"])
    notify(
        recipients=[request.sender.person],
        kind=kinds.REQUEST_ACCEPTED,
        params=_request_params(request, request.recipient.organisation),
        url=request.get_absolute_url(),
    )
    return request


@transaction.atomic
def accept_meeting_request(
    *, actor: User, request: MeetingRequest, slot: Slot | None = None
) -> MeetingRequest:
    """Accept a request; where participants pick their slots, in a free slot of their choice."""
    if not can_act_for(actor, request.recipient):
        raise NotAllowedError()
    if request.event.scheduling_mode == Event.SchedulingMode.PARTICIPANTS and slot is None:
        raise SlotRequiredError(field="slot")
    if request.event.scheduling_mode == Event.SchedulingMode.ORGANISER:
        slot = None
    return _accept(request, priority=1, slot=slot)


@transaction.atomic
def decline_meeting_request(*, actor: User, request: MeetingRequest) -> MeetingRequest:
    if not can_act_for(actor, request.recipient):
        raise NotAllowedError()
    request = _locked_pending(request)
    request.status, request.decided_at = MeetingRequest.Status.DECLINED, timezone.now()
    request.save(update_fields=["status", "decided_at", "updated_at"])
    notify(
        recipients=[request.sender.person],
        kind=kinds.REQUEST_DECLINED,
        params=_request_params(request, request.recipient.organisation),
        url=request.get_absolute_url(),
    )
    return request


@transaction.atomic
def withdraw_meeting_request(*, actor: User, request: MeetingRequest) -> MeetingRequest:
    if not can_act_for(actor, request.sender):
        raise NotAllowedError()
    request = _locked_pending(request)
    request.status, request.decided_at = MeetingRequest.Status.CANCELLED, timezone.now()
    request.save(update_fields=["status", "decided_at", "updated_at"])
    return request


def expire_meeting_requests() -> int:
    """Mark unanswered requests past their expiry as expired and tell their senders (periodic)."""
    now = timezone.now()
    expired = 0
    due = MeetingRequest.objects.filter(status=MeetingRequest.Status.PENDING, expires_at__lte=now)
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            request = (
                MeetingRequest.objects.select_for_update(of=("self",))
                .select_related("event", "sender__person", "recipient__organisation")
                .get(pk=pk)
            )
            if request.status != MeetingRequest.Status.PENDING or request.expires_at > now:
                continue
            request.status = MeetingRequest.Status.EXPIRED
            request.save(update_fields=["status", "updated_at"])
            notify(
                recipients=[request.sender.person],
                kind=kinds.REQUEST_EXPIRED,
                params=_request_params(request, request.recipient.organisation),
                url=request.get_absolute_url(),
            )
            expired += 1
    return expired


# --- Placing meetings ---------------------------------------------------------------------------


def slot_problem(meeting: Meeting, slot: Slot, table: int | None) -> str | None:
    """Why a meeting cannot go into a slot (and table), in the active language; None if it can."""
    event = meeting.event
    if slot.session.event_id != event.pk:
        return _("the slot belongs to another event")
    registrations = [attendance.registration for attendance in meeting.attendance.all()]
    for registration in registrations:
        if slot.pk in busy_slot_ids(registrations=[registration], exclude_meeting=meeting):
            return _("%(person)s already has a meeting at that time") % {
                "person": registration.person.display_name
            }
        sessions = attended_session_ids(registration)
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


def _place(meeting: Meeting, slot: Slot, table: int | None) -> Meeting:
    """Put a meeting into a slot (and a table: the lowest free one when none is given)."""
    # Lock the slot's meetings so two people cannot take its last table at the same time.
    list(Meeting.objects.select_for_update().filter(slot=slot).order_by("pk").values_list("pk"))
    problem = slot_problem(meeting, slot, table)
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
    _require_organiser(actor, meeting.event)
    meeting = _place(meeting, slot, table)
    if meeting.is_published:
        _notify_participants(meeting, kinds.MEETING_MOVED)
    return meeting


@transaction.atomic
def set_meeting_priority(*, actor: User, meeting: Meeting, priority: int) -> Meeting:
    """The organiser weighs a meeting for the scheduler (1 normal, 2 asked by both sides, 3 the
    organiser's own choice): heavier meetings are placed first and never dropped for lighter."""
    _require_organiser(actor, meeting.event)
    if priority not in (1, 2, 3):
        raise NotAllowedError()
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
    meeting = _place(meeting, slot, table=None)
    meeting.is_published = True
    meeting.save(update_fields=["is_published"])
    return meeting


@transaction.atomic
def add_meeting_participant(
    *, actor: User, meeting: Meeting, registration: Registration
) -> Meeting:
    """The organiser adds a third (or further) participant to a meeting, e.g. a delegation's
    leader or an interpreter; a scheduled meeting must stay free of clashes for them too."""
    _require_organiser(actor, meeting.event)
    if registration.event_id != meeting.event_id or not registration.is_approved:
        raise NotApprovedError()
    if meeting.attendance.filter(registration=registration).exists():
        return meeting
    if meeting.is_scheduled and meeting.slot_id in busy_slot_ids(registrations=[registration]):
        raise SlotNotFreeError(
            reason=_("%(person)s already has a meeting at that time")
            % {"person": registration.person.display_name}
        )
    MeetingParticipant.objects.create(meeting=meeting, registration=registration)
    return meeting


@transaction.atomic
def unschedule_meeting(*, actor: User, meeting: Meeting) -> Meeting:
    _require_organiser(actor, meeting.event)
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
    _require_organiser(actor, event)
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


# --- The scheduler -----------------------------------------------------------------------------


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
    _require_organiser(actor, event)
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


def build_problem(event: Event) -> tuple[solver.Problem, set[str]]:
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
        chosen = attended_session_ids(registration)
        unavailable = frozenset(
            str(slot.pk) for slot in slots if chosen is not None and slot.session_id not in chosen
        )
        participants.append(solver.Participant(id=str(registration.pk), unavailable=unavailable))
    problem_meetings, fixed = [], []
    for meeting in meetings:
        problem_meetings.append(
            solver.Meeting(
                id=str(meeting.pk),
                participants=tuple(str(a.registration_id) for a in meeting.attendance.all()),
                priority=meeting.priority,
                online=event.is_online,
            )
        )
        if meeting.is_published and meeting.is_scheduled:
            fixed.append(
                solver.Assignment(
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
                participants.extend(solver.Participant(id=p) for p in pair)
                problem_meetings.append(solver.Meeting(id=key, participants=pair))
                fixed.append(solver.Assignment(meeting=key, slot=str(slot.pk), table=table))
    problem = solver.Problem(
        slots=tuple(
            solver.Slot(
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
    run: ScheduleRun, event: Event, solution: solver.Solution, placeholders: set[str]
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
        for assignment in solution.assignments:
            meeting = meetings.get(assignment.meeting)
            if meeting is None or (meeting.is_published and meeting.is_scheduled):
                continue
            Meeting.objects.filter(pk=meeting.pk).update(
                slot=slots[assignment.slot],
                table=None if event.is_online else assignment.table,
                status=Meeting.Status.SCHEDULED,
                unplaced_reason="",
            )
        for unplaced in solution.unscheduled:
            if unplaced.meeting in meetings:
                Meeting.objects.filter(pk=int(unplaced.meeting)).update(
                    unplaced_reason=unplaced.reason
                )
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

    problem, placeholders = build_problem(event)
    try:
        solution = solver.solve(problem, time_limit=run.time_limit, progress=progress)
    except solver.ProblemError as error:
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
    ScheduleRun.objects.filter(pk=run.pk).update(
        status=ScheduleRun.Status.FAILED, message=message[:200], finished_at=timezone.now()
    )


# --- On the day ---------------------------------------------------------------------------------


@transaction.atomic
def check_in(*, actor: User, event: Event, code: str) -> tuple[Registration, bool]:
    """Check a participant in by their badge code; returns (registration, was already in)."""
    _require_organiser(actor, event)
    cleaned = "".join(ch for ch in normalize_code(code).upper() if ch.isalnum())
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("person", "organisation")
        .filter(event=event, badge_code=cleaned, status=Registration.Status.APPROVED)
        .first()
    )
    if registration is None:
        raise UnknownBadgeError(field="code", code=code.strip()[:20] or "—")
    if registration.checked_in_at is not None:
        return registration, True
    registration.checked_in_at = timezone.now()
    registration.save(update_fields=["checked_in_at", "updated_at"])
    return registration, False


@transaction.atomic
def mark_no_show(
    *, actor: User, participant: MeetingParticipant, is_no_show: bool = True
) -> MeetingParticipant:
    _require_organiser(actor, participant.meeting.event)
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
    if not meeting.is_scheduled or meeting.slot.starts_at > timezone.now():
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


# --- Importing a delegation ---------------------------------------------------------------------


class RowError:
    """One problem of an imported row, translated when shown (in the reader's language)."""

    def __init__(self, message: str | Promise, **params: object) -> None:
        self.message, self.params = message, params

    def __str__(self) -> str:
        text = str(self.message)
        return text % self.params if self.params else text


@dataclass
class ImportRow:
    number: int  # the row's line in the file (the header is line 1)
    email: str
    errors: list[RowError] = field(default_factory=list)
    registration: Registration | None = None


def _find_organisation(delegation: Delegation, record: Mapping[str, str]) -> Organisation | None:
    """The row's organisation on Karvan, by registry identifier (and country) or by name among
    the delegation's organisations; None when there is none."""
    country = record.get("country", "").upper()
    registry_id = normalize_registry_id(record.get("registry_id", ""))
    if registry_id:
        return Organisation.objects.filter(registry_id=registry_id, country=country).first() or (
            Organisation.objects.filter(registry_id=registry_id).first()
        )
    name = record.get("organisation", "").casefold()
    candidates = [delegation.leader, *delegation.members.all()]
    return next(
        (o for o in candidates if name and name in {v.casefold() for v in o.name.values()}), None
    )


def _organisation_problem(
    delegation: Delegation, record: Mapping[str, str], organisation: Organisation | None
) -> RowError | None:
    label = record.get("organisation") or record.get("registry_id") or "—"
    if organisation is None:
        return RowError(
            gettext_lazy(
                "No organisation %(name)s is registered on Karvan: it must register first, be "
                "invited to the delegation and accept."
            ),
            name=label,
        )
    if not has_joined_delegation(organisation.pk, delegation):
        return RowError(
            gettext_lazy(
                "%(name)s has not joined the delegation: invite it, and one of its managers must "
                "accept before its people can be registered."
            ),
            name=label,
        )
    return None


def import_delegation(
    *, actor: User, delegation: Delegation, records: Sequence[Mapping[str, str]]
) -> list[ImportRow]:
    """Register a delegation's people from rows of a file; every row gets a report.

    A row is registered only when its e-mail address is an account that is already a member of
    an organisation in the delegation (its leader, or one that accepted the invitation); every
    other row is reported with its reason. The import never creates accounts, memberships or
    organisations, and never adds an organisation to the delegation.
    """
    if not can_manage_delegation(actor, delegation):
        raise NotAllowedError()
    event = delegation.event
    sessions = {s.title.casefold(): s for s in event.sessions.all() if s.title}
    sessions.update({str(n): s for n, s in enumerate(event.sessions.all(), start=1)})
    report = []
    seen: set[str] = set()
    for number, record in enumerate(records, start=2):
        email = record.get("email", "").strip().lower()
        row = ImportRow(number=number, email=email)
        report.append(row)
        try:
            validate_email(email)
        except ValidationError:
            row.errors.append(RowError(gettext_lazy("The e-mail address is not valid.")))
        if email in seen:
            row.errors.append(
                RowError(gettext_lazy("This e-mail address appears twice in the file."))
            )
        seen.add(email)
        organisation = _find_organisation(delegation, record)
        problem = _organisation_problem(delegation, record, organisation)
        if problem is not None:
            row.errors.append(problem)
        chosen = []
        for key in [k.strip() for k in record.get("sessions", "").split(";") if k.strip()]:
            session = sessions.get(key.casefold())
            if session is None:
                row.errors.append(RowError(gettext_lazy("Unknown session %(name)s."), name=key))
            else:
                chosen.append(session)
        person = User.objects.filter(email__iexact=email).first() if email else None
        if (
            problem is None
            and not row.errors
            and (
                person is None
                or not Membership.objects.filter(user=person, organisation=organisation).exists()
            )
        ):
            row.errors.append(
                RowError(
                    gettext_lazy(
                        "No member of %(name)s has this e-mail address: the organisation's "
                        "managers add the person to it on Karvan first."
                    ),
                    name=record.get("organisation") or record.get("registry_id") or "—",
                )
            )
        if (
            person
            and Registration.objects.filter(event=event, person=person)
            .exclude(status=Registration.Status.CANCELLED)
            .exists()
        ):
            row.errors.append(
                RowError(gettext_lazy("This person is already registered for the event."))
            )
        if row.errors:
            continue
        try:
            with transaction.atomic():
                row.registration = register_person(
                    actor=actor,
                    event=event,
                    organisation=organisation,
                    person=person,
                    sessions=chosen,
                    delegation=delegation,
                    notify_organiser=False,
                )
        except DomainError as error:
            row.errors.append(RowError(error.message, **error.params))
    return report
