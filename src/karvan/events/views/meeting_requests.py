"""Participants, suggestions and meeting requests: sending one, and answering it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from karvan.accounts.http import AuthenticatedHttpRequest
from karvan.core.countries import country_name
from karvan.core.errors import DomainError
from karvan.events.forms import (
    AcceptForm,
    MeetingRequestForm,
    ParticipantFilterForm,
)
from karvan.events.models import (
    Event,
    Meeting,
    MeetingRequest,
    Registration,
    Slot,
)
from karvan.events.partners import list_participant_cards, list_suggested_partners
from karvan.events.permissions import (
    can_act_for,
    can_view_meeting,
    can_view_participants,
)
from karvan.events.selectors import (
    get_meeting_request,
    list_free_slots,
    list_meeting_requests,
    list_own_registrations,
    list_participants,
)
from karvan.events.services.meeting_requests import (
    accept_meeting_request,
    decline_meeting_request,
    send_meeting_request,
    withdraw_meeting_request,
)
from karvan.events.services.meetings import (
    pick_meeting_slot,
)
from karvan.events.views.common import (
    current_language,
    organisation_name,
    visible_event,
)


def _approved_own(request: AuthenticatedHttpRequest, event: Event) -> list[Registration]:
    return [
        r
        for r in list_own_registrations(viewer=request.user, event=event)
        if r.status == Registration.Status.APPROVED
    ]


@login_required
def participants(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = visible_event(request, pk)
    if not can_view_participants(request.user, event):
        messages.info(request, _("Participants are listed for approved participants."))
        return redirect(event)
    own = _approved_own(request, event)
    codes = sorted(
        set(list_participants(event=event).values_list("organisation__country", flat=True))
    )
    form = ParticipantFilterForm(
        request.GET or None,
        countries=[(code, country_name(code)) for code in codes if code],
    )
    filters = form.cleaned_data if form.is_valid() else {}
    cards = list_participant_cards(
        viewer=request.user,
        event=event,
        own=own,
        country=filters.get("country", ""),
        sector=filters.get("sector", ""),
        chapter=filters.get("chapter", ""),
        search=filters.get("q", ""),
    )
    return render(
        request,
        "events/participants.html",
        {"event": event, "cards": cards, "own": own, "form": form},
    )


@login_required
def suggestions(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = visible_event(request, pk)
    own = _approved_own(request, event)
    suggested = list_suggested_partners(viewer=request.user, registration=own[0]) if own else []
    return render(request, "events/_suggestions.html", {"event": event, "suggestions": suggested})


@login_required
def request_create(
    request: AuthenticatedHttpRequest, pk: int, registration_pk: int
) -> HttpResponse:
    event = visible_event(request, pk)
    recipient = get_object_or_404(list_participants(event=event), pk=registration_pk)
    own = _approved_own(request, event)
    if not own:
        raise Http404
    form = MeetingRequestForm(
        request.POST or None,
        senders=[
            (r.pk, f"{r.person.display_name} · {organisation_name(r.organisation)}") for r in own
        ],
        initial={"language": current_language()},
    )
    if request.method == "POST" and form.is_valid():
        sender = next(r for r in own if r.pk == int(form.cleaned_data["sender"]))
        try:
            meeting_request = send_meeting_request(
                actor=request.user,
                sender=sender,
                recipient=recipient,
                reason=form.cleaned_data["reason"],
                language=form.cleaned_data["language"],
            )
        except DomainError as error:
            form.add_error(None, error.text)
        else:
            messages.success(request, _("Meeting request sent."))
            return redirect(meeting_request)
    return render(
        request,
        "events/request_form.html",
        {"event": event, "recipient": recipient, "form": form},
    )


@login_required
def request_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = list_meeting_requests(viewer=request.user)
    received = [r for r in rows if can_act_for(request.user, r.recipient)]
    sent = [r for r in rows if can_act_for(request.user, r.sender)]
    return render(request, "events/request_list.html", {"received": received, "sent": sent})


def _meeting_request(request: AuthenticatedHttpRequest, pk: int) -> MeetingRequest:
    try:
        return get_meeting_request(viewer=request.user, pk=pk)
    except MeetingRequest.DoesNotExist as error:
        raise Http404 from error


def _free_slots(meeting_request: MeetingRequest) -> list[Slot]:
    return list_free_slots(
        event=meeting_request.event,
        registrations=[meeting_request.sender, meeting_request.recipient],
    )


def _picks_slot(event: Event) -> bool:
    return event.scheduling_mode == Event.SchedulingMode.PARTICIPANTS


@login_required
@require_GET
def request_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting_request = _meeting_request(request, pk)
    event = meeting_request.event
    picks_slot = _picks_slot(event)
    can_answer = meeting_request.is_pending and can_act_for(request.user, meeting_request.recipient)
    form = AcceptForm(slots=_free_slots(meeting_request) if picks_slot and can_answer else [])
    meeting = Meeting.objects.filter(request=meeting_request).first()
    pick_form = None
    if (
        meeting is not None
        and picks_slot
        and not meeting.is_scheduled
        and meeting.status != Meeting.Status.CANCELLED
        and (
            can_act_for(request.user, meeting_request.sender)
            or can_act_for(request.user, meeting_request.recipient)
        )
    ):
        pick_form = AcceptForm(slots=_free_slots(meeting_request))
    return render(
        request,
        "events/request_detail.html",
        {
            "meeting_request": meeting_request,
            "event": event,
            "can_answer": can_answer,
            "can_withdraw": meeting_request.is_pending
            and can_act_for(request.user, meeting_request.sender),
            "picks_slot": picks_slot,
            "form": form,
            "meeting": meeting if meeting and can_view_meeting(request.user, meeting) else None,
            "pick_form": pick_form,
        },
    )


@login_required
@require_POST
def request_accept(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Accept; where participants pick their slots, in the free slot chosen."""
    meeting_request = _meeting_request(request, pk)
    slots = _free_slots(meeting_request) if _picks_slot(meeting_request.event) else []
    form = AcceptForm(request.POST, slots=slots)
    if not form.is_valid():
        messages.error(request, _("Choose a free slot for the meeting."))
        return redirect(meeting_request)
    try:
        accept_meeting_request(
            actor=request.user, request=meeting_request, slot=form.cleaned_data["slot"]
        )
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("Meeting request accepted."))
    return redirect(meeting_request)


@login_required
@require_POST
def request_decline(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting_request = _meeting_request(request, pk)
    try:
        decline_meeting_request(actor=request.user, request=meeting_request)
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("Meeting request declined."))
    return redirect(meeting_request)


@login_required
@require_POST
def request_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting_request = _meeting_request(request, pk)
    try:
        withdraw_meeting_request(actor=request.user, request=meeting_request)
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("Meeting request withdrawn."))
    return redirect(meeting_request)


@login_required
@require_POST
def request_pick_slot(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Put the accepted request's meeting, still without a slot, into a free slot."""
    meeting_request = _meeting_request(request, pk)
    meeting = get_object_or_404(Meeting, request=meeting_request)
    form = AcceptForm(request.POST, slots=_free_slots(meeting_request))
    if not (form.is_valid() and form.cleaned_data["slot"]):
        messages.error(request, _("Choose a free slot for the meeting."))
        return redirect(meeting_request)
    try:
        pick_meeting_slot(actor=request.user, meeting=meeting, slot=form.cleaned_data["slot"])
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("The meeting is on your agenda."))
    return redirect(meeting_request)
