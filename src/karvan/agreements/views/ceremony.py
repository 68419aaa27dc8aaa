"""The signing ceremony's page: planned by the parties or held at an event's session."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from karvan.accounts.http import AuthenticatedHttpRequest
from karvan.accounts.models import User
from karvan.agreements.forms import CeremonyForm
from karvan.agreements.models import Agreement
from karvan.agreements.permissions import can_send_agreement
from karvan.agreements.selectors import (
    current_version,
    list_ceremony_agreements,
    list_signing_progress,
    signatory_of,
)
from karvan.agreements.services.ceremony import hold_at_event_session, set_ceremony
from karvan.agreements.views._common import visible_agreement
from karvan.core.calendars import format_datetime
from karvan.core.errors import DomainError
from karvan.events.models import Event, Session
from karvan.events.selectors import get_event, list_ceremony_sessions, list_sessions


def _ceremony_session_choices(viewer: User, agreement: Agreement) -> list[tuple[int, str]]:
    sessions = list(list_ceremony_sessions(viewer=viewer))
    if agreement.ceremony_session_id and agreement.ceremony_session_id not in {
        session.pk for session in sessions
    }:
        sessions += list(Session.objects.filter(pk=agreement.ceremony_session_id))
    return [
        (
            session.pk,
            " · ".join(
                part
                for part in (
                    session.event.display_title,
                    session.title,
                    format_datetime(session.starts_at),
                )
                if part
            ),
        )
        for session in sessions
    ]


@login_required
def ceremony(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """The signing ceremony: at an event's session or planned by the parties, its video room and
    the live signing progress."""
    agreement = visible_agreement(request, code)
    can_plan = can_send_agreement(request.user, agreement)
    form = CeremonyForm(
        request.POST or None,
        initial={
            "session": agreement.ceremony_session_id,
            "starts_at": agreement.ceremony_starts_at,
            "room_url": agreement.ceremony_room_url,
        },
        sessions=_ceremony_session_choices(request.user, agreement) if can_plan else (),
    )
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data.get("session"):
                hold_at_event_session(
                    actor=request.user,
                    agreement=agreement,
                    session_id=form.cleaned_data["session"],
                )
            else:
                set_ceremony(
                    actor=request.user,
                    agreement=agreement,
                    starts_at=form.cleaned_data["starts_at"],
                    room_url=form.cleaned_data["room_url"],
                )
        except DomainError as error:
            messages.error(request, error.text)
        else:
            messages.success(request, _("The ceremony is planned."))
            return redirect("agreements:ceremony", code=agreement.code)
    session = (
        Session.objects.select_related("event").filter(pk=agreement.ceremony_session_id).first()
        if agreement.ceremony_session_id
        else None
    )
    return render(
        request,
        "agreements/ceremony.html",
        {
            "agreement": agreement,
            "version": current_version(agreement),
            "progress": list_signing_progress(agreement),
            "form": form,
            "can_plan": can_plan,
            "session": session,
            "my_signatory": signatory_of(viewer=request.user, agreement=agreement),
        },
    )


@login_required
def event_programme(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The agreements to be signed at each session of a signing ceremony (an event), those the
    viewer may read; the event's page loads it into its list of sessions."""
    try:
        event = get_event(viewer=request.user, pk=pk)
    except Event.DoesNotExist as error:
        raise Http404 from error
    sessions = list(list_sessions(event=event).order_by("starts_at", "pk"))
    agreements = list_ceremony_agreements(
        viewer=request.user, session_ids=[session.pk for session in sessions]
    )
    by_session: dict[int | None, list[Agreement]] = {}
    for agreement in agreements.order_by("ceremony_starts_at", "pk"):
        by_session.setdefault(agreement.ceremony_session_id, []).append(agreement)
    programme = [
        (session, by_session[session.pk]) for session in sessions if session.pk in by_session
    ]
    template = (
        "agreements/_event_programme.html"
        if request.headers.get("HX-Request")
        else "agreements/event_programme.html"
    )
    return render(request, template, {"event": event, "programme": programme})
