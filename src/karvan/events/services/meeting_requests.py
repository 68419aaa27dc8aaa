"""Meeting requests between participants: sent, accepted (a meeting), declined, withdrawn,
expired."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from karvan.accounts.models import User
from karvan.core.errors import NotAllowedError
from karvan.directory.models import Organisation
from karvan.events import notifications as kinds
from karvan.events.errors import (
    DuplicateRequestError,
    NotApprovedError,
    OwnOrganisationError,
    RequestNotPendingError,
    SlotRequiredError,
)
from karvan.events.models import (
    Event,
    Meeting,
    MeetingParticipant,
    MeetingRequest,
    Registration,
    Slot,
)
from karvan.events.permissions import (
    can_act_for,
)
from karvan.events.services.meetings import place_meeting
from karvan.notifications.services import notify


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
        place_meeting(meeting=meeting, slot=slot)
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
    """The recipient refuses a pending request; its sender is told. Raises
    RequestNotPendingError."""
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
    """The sender takes back a pending request. Raises RequestNotPendingError."""
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
