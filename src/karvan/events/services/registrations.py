"""Registering people for an event, choosing their sessions, the organiser's decision, and
checking them in on the day."""

import datetime
import zoneinfo
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from karvan.accounts.models import User
from karvan.core.calendars import format_date
from karvan.core.digits import normalize_code
from karvan.core.errors import NotAllowedError
from karvan.directory.memberships import is_member, organisation_ids_of, people_of
from karvan.directory.models import Organisation
from karvan.events import notifications as kinds
from karvan.events.errors import (
    AlreadyDecidedError,
    AlreadyRegisteredError,
    CheckInClosedError,
    EventNotOpenError,
    NotAMemberError,
    NotConsentedError,
    NotInDelegationError,
    UnknownBadgeError,
    UnknownSessionError,
)
from karvan.events.models import (
    Delegation,
    Event,
    Meeting,
    MeetingRequest,
    Registration,
    Session,
    new_badge_code,
    new_token,
)
from karvan.events.permissions import (
    can_decide_registration,
    can_edit_registration,
    has_consented,
    has_joined_delegation,
    is_organiser,
    leads_delegation,
)
from karvan.events.services.common import require_organiser
from karvan.notifications.services import notify


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
    if organisation.pk in organisation_ids_of(actor):
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
    if not is_member(person, organisation.pk):
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
            recipients=people_of(event.organiser_id),
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
    """Set the sessions a registered person attends (none chosen: all of them). Raises
    UnknownSessionError for another event's session."""
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
    """The organiser approves a registration; the person is told. Raises AlreadyDecidedError."""
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
    """The organiser rejects a registration with a reason; its open requests are withdrawn and
    its meetings cancelled, and the person is told. Raises AlreadyDecidedError."""
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


def is_check_in_open(*, event: Event, now: datetime.datetime | None = None) -> bool:
    """Whether today, in the event's zone, is one of its days."""
    today = (now or timezone.now()).astimezone(zoneinfo.ZoneInfo(event.time_zone)).date()
    return event.starts_on <= today <= event.ends_on


@transaction.atomic
def check_in(*, actor: User, event: Event, code: str) -> tuple[Registration, bool]:
    """Check a participant in by their badge code; returns (registration, was already in).

    Raises CheckInClosedError outside the event's days (in its own zone): a badge scanned the week
    before, or a test scan, must not count as attendance.
    """
    require_organiser(actor, event)
    if not is_check_in_open(event=event):
        raise CheckInClosedError(
            first=format_date(event.starts_on), last=format_date(event.ends_on)
        )
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
