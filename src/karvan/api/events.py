"""Events, the caller's registrations, meeting requests, meetings (agenda) and feedback."""

import datetime
from typing import Annotated, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from karvan.accounts.http import Viewer
from karvan.accounts.models import User
from karvan.api.main import BoundedPageNumberPagination, Id, anyone
from karvan.core.errors import NotAllowedError
from karvan.directory.memberships import members_of
from karvan.events.models import (
    Event,
    Meeting,
    MeetingParticipant,
    MeetingRequest,
    Registration,
    Slot,
)
from karvan.events.permissions import can_act_for, can_view_participants
from karvan.events.selectors import (
    get_event,
    get_meeting,
    get_meeting_request,
    list_events,
    list_meeting_requests,
    list_meetings,
    list_participants,
    list_registrations,
)
from karvan.events.services.meeting_requests import (
    accept_meeting_request,
    decline_meeting_request,
    send_meeting_request,
    withdraw_meeting_request,
)
from karvan.events.services.meetings import record_feedback
from karvan.events.services.registrations import register_person


class SignedInRequest(HttpRequest):
    """A request the API's default auth (`signed_in`) let through: `auth` is the person."""

    auth: User


class PublicRequest(HttpRequest):
    """A request of an `anyone` operation: `auth` is the person or an anonymous visitor."""

    auth: Viewer


router: Router = Router(tags=["events"])
registrations_router: Router = Router(tags=["events"])
requests_router: Router = Router(tags=["meeting requests"])
meetings_router: Router = Router(tags=["meetings"])


class SessionOut(Schema):
    id: int
    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    meeting_minutes: int
    break_minutes: int
    tables: int


class EventOut(Schema):
    id: int
    kind: str
    status: str
    title: dict[str, str]
    description: dict[str, str]
    original_language: str
    organiser_id: int
    venue: str
    city: str
    time_zone: str
    countries: list[str]
    starts_on: datetime.date
    ends_on: datetime.date
    request_mode: str
    scheduling_mode: str
    sessions: list[SessionOut]

    @staticmethod
    def resolve_sessions(obj: Event) -> list[object]:
        return list(obj.sessions.all())


class RegistrationOut(Schema):
    id: int
    event_id: int
    organisation_id: int
    person_id: int
    delegation_id: int | None
    status: str
    sessions: list[int]
    checked_in_at: datetime.datetime | None

    @staticmethod
    def resolve_sessions(obj: Registration) -> list[int]:
        return [session.pk for session in obj.sessions.all()]


class RegistrationIn(Schema):
    organisation_id: Id
    person_id: Id
    session_ids: list[Id] = Field(default=[], max_length=100)


class ParticipantOut(Schema):
    id: int
    organisation_id: int
    person_name: str

    @staticmethod
    def resolve_person_name(obj: Registration) -> str:
        return obj.person.display_name


class MeetingRequestOut(Schema):
    id: int
    event_id: int
    sender_id: int
    recipient_id: int
    reason: str
    language: str
    status: str
    expires_at: datetime.datetime
    created_at: datetime.datetime
    meeting_id: int | None

    @staticmethod
    def resolve_meeting_id(obj: MeetingRequest) -> int | None:
        if hasattr(obj, "meeting_pk"):  # annotated by list_meeting_requests: no query per row
            return obj.meeting_pk
        meeting = Meeting.objects.filter(request=obj).only("pk").first()
        return meeting.pk if meeting else None


class MeetingRequestIn(Schema):
    sender_id: Id
    recipient_id: Id
    reason: str
    language: str = "en"


class MeetingRequestAcceptIn(Schema):
    slot_id: Id | None = None


class MeetingOut(Schema):
    id: int
    event_id: int
    status: str
    is_published: bool
    starts_at: datetime.datetime | None
    ends_at: datetime.datetime | None
    table: int | None
    participants: list[int]

    @staticmethod
    def resolve_starts_at(obj: Meeting) -> datetime.datetime | None:
        return obj.slot.starts_at if obj.slot else None

    @staticmethod
    def resolve_ends_at(obj: Meeting) -> datetime.datetime | None:
        return obj.slot.ends_at if obj.slot else None

    @staticmethod
    def resolve_participants(obj: Meeting) -> list[int]:
        return [a.registration_id for a in obj.attendance.all()]


class FeedbackIn(Schema):
    registration_id: Id
    outcome: Literal[*MeetingParticipant.Outcome.values]  # type: ignore[valid-type]
    notes: str = ""


@router.get("", response=list[EventOut], auth=anyone, summary="List events")
@paginate(BoundedPageNumberPagination, page_size=20)
def list_(request: PublicRequest, kind: str = "", upcoming: bool = False) -> object:
    return list_events(viewer=request.auth, kind=kind, upcoming_only=upcoming).prefetch_related(
        "sessions"
    )


@router.get("/{event_id}", response=EventOut, auth=anyone, summary="Read an event")
def read(request: PublicRequest, event_id: int) -> Event:
    return get_event(viewer=request.auth, pk=event_id)


@router.get(
    "/{event_id}/participants",
    response=list[ParticipantOut],
    summary="Approved participants (for approved participants and organisers)",
)
@paginate(BoundedPageNumberPagination, page_size=50)
def participants(request: SignedInRequest, event_id: int) -> object:
    event = get_event(viewer=request.auth, pk=event_id)
    if not can_view_participants(request.auth, event):
        raise NotAllowedError()
    return list_participants(event=event)


@router.post(
    "/{event_id}/registrations",
    response={201: RegistrationOut},
    summary="Register a member of one of your organisations",
)
def register(
    request: SignedInRequest, event_id: int, payload: RegistrationIn
) -> Status[Registration]:
    event = get_event(viewer=request.auth, pk=event_id)
    membership = get_object_or_404(members_of(payload.organisation_id), user_id=payload.person_id)
    registration = register_person(
        actor=request.auth,
        event=event,
        organisation=membership.organisation,
        person=membership.user,
        sessions=list(event.sessions.filter(pk__in=payload.session_ids)),
    )
    return Status(201, registration)


@registrations_router.get("", response=list[RegistrationOut], summary="My registrations")
@paginate(BoundedPageNumberPagination, page_size=50)
def my_registrations(request: SignedInRequest) -> object:
    return list_registrations(viewer=request.auth, mine_only=True)


@requests_router.get("", response=list[MeetingRequestOut], summary="My meeting requests")
@paginate(BoundedPageNumberPagination, page_size=50)
def my_requests(request: SignedInRequest, status: str = "") -> object:
    return list_meeting_requests(viewer=request.auth, status=status)


@requests_router.post("", response={201: MeetingRequestOut}, summary="Request a meeting")
def create_request(request: SignedInRequest, payload: MeetingRequestIn) -> Status[MeetingRequest]:
    sender = get_object_or_404(
        list_registrations(viewer=request.auth, mine_only=True), pk=payload.sender_id
    )
    recipient = get_object_or_404(list_participants(event=sender.event), pk=payload.recipient_id)
    created = send_meeting_request(
        actor=request.auth,
        sender=sender,
        recipient=recipient,
        reason=payload.reason[:2000],
        language=payload.language[:10],
    )
    return Status(201, created)


@requests_router.get("/{request_id}", response=MeetingRequestOut, summary="Read a request")
def read_request(request: SignedInRequest, request_id: int) -> MeetingRequest:
    return get_meeting_request(viewer=request.auth, pk=request_id)


@requests_router.post("/{request_id}/accept", response=MeetingRequestOut, summary="Accept")
def accept(
    request: SignedInRequest, request_id: int, payload: MeetingRequestAcceptIn
) -> MeetingRequest:
    meeting_request = get_meeting_request(viewer=request.auth, pk=request_id)
    slot = (
        get_object_or_404(Slot, pk=payload.slot_id, session__event=meeting_request.event)
        if payload.slot_id
        else None
    )
    return accept_meeting_request(actor=request.auth, request=meeting_request, slot=slot)


@requests_router.post("/{request_id}/decline", response=MeetingRequestOut, summary="Decline")
def decline(request: SignedInRequest, request_id: int) -> MeetingRequest:
    meeting_request = get_meeting_request(viewer=request.auth, pk=request_id)
    return decline_meeting_request(actor=request.auth, request=meeting_request)


@requests_router.post("/{request_id}/withdraw", response=MeetingRequestOut, summary="Withdraw")
def withdraw(request: SignedInRequest, request_id: int) -> MeetingRequest:
    meeting_request = get_meeting_request(viewer=request.auth, pk=request_id)
    return withdraw_meeting_request(actor=request.auth, request=meeting_request)


@meetings_router.get("", response=list[MeetingOut], summary="My published meetings (agenda)")
@paginate(BoundedPageNumberPagination, page_size=100)
def my_meetings(
    request: SignedInRequest, event_id: Annotated[int, Field(ge=1, le=2**63 - 1)] | None = None
) -> object:
    rows = list_meetings(viewer=request.auth, published_only=True).filter(
        status=Meeting.Status.SCHEDULED
    )
    if event_id is not None:
        rows = rows.filter(event_id=event_id)
    return rows.order_by("slot__starts_at")


@meetings_router.get("/{meeting_id}", response=MeetingOut, summary="Read a meeting")
def read_meeting(request: SignedInRequest, meeting_id: int) -> Meeting:
    return get_meeting(viewer=request.auth, pk=meeting_id)


@meetings_router.post("/{meeting_id}/feedback", response=MeetingOut, summary="Report an outcome")
def feedback(request: SignedInRequest, meeting_id: int, payload: FeedbackIn) -> Meeting:
    meeting = get_meeting(viewer=request.auth, pk=meeting_id)
    participant = get_object_or_404(
        MeetingParticipant, meeting=meeting, registration_id=payload.registration_id
    )
    if not can_act_for(request.auth, participant.registration):
        raise NotAllowedError()
    record_feedback(
        actor=request.auth, participant=participant, outcome=payload.outcome, notes=payload.notes
    )
    return meeting
