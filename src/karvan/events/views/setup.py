"""Pages that set an event up: the list, the event's page and form, its status, sessions and
meeting points."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from karvan.accounts.http import AuthenticatedHttpRequest
from karvan.core.errors import DomainError
from karvan.core.text import localize
from karvan.directory.models import Organisation
from karvan.events.forms import (
    EventForm,
    MeetingPointsForm,
    SessionForm,
)
from karvan.events.models import (
    DelegationInvitation,
    Event,
    Registration,
    Session,
)
from karvan.events.permissions import (
    is_organiser,
)
from karvan.events.selectors import (
    list_calendar_conflicts,
    list_delegation_invitations,
    list_delegations,
    list_events,
    list_meeting_requests,
    list_own_registrations,
    list_sessions,
    summarise_outcomes,
)
from karvan.events.services.setup import (
    add_session,
    create_event,
    delete_session,
    set_event_status,
    set_meeting_points,
    update_event,
)
from karvan.events.views.common import (
    current_language,
    my_organisations,
    organisation_name,
    organised_event,
    visible_event,
)


def _event_data(form: EventForm) -> dict[str, object]:
    data = dict(form.cleaned_data)
    language = data["original_language"]
    data["title"] = {language: data.pop("title")}
    description = data.pop("description")
    data["description"] = {language: description} if description else {}
    data.pop("organiser", None)
    return data


def event_list(request: HttpRequest) -> HttpResponse:
    events = list_events(viewer=request.user)
    today = timezone.localdate()
    return render(
        request,
        "events/event_list.html",
        {
            "upcoming": [e for e in events if e.ends_on >= today],
            "past": [e for e in events if e.ends_on < today][:20],
            "can_create": request.user.is_authenticated and bool(my_organisations(request.user)),
            "pending_invitations": list_delegation_invitations(viewer=request.user)
            .filter(status=DelegationInvitation.Status.PENDING)
            .count()
            if request.user.is_authenticated
            else 0,
        },
    )


@login_required
def event_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisers = my_organisations(request.user)
    if not organisers:
        messages.info(request, _("Register your organisation, or join one, to organise events."))
        return redirect("directory:create")
    form = EventForm(
        request.POST or None,
        organisers=organisers,
        initial={
            "countries": list(settings.KARVAN_CORRIDOR),
            "time_zone": request.user.time_zone,
            "original_language": current_language(),
            "request_expiry_hours": 72,
        },
    )
    if request.method == "POST" and form.is_valid():
        organiser = get_object_or_404(Organisation, pk=form.cleaned_data["organiser"])
        try:
            event = create_event(actor=request.user, organiser=organiser, data=_event_data(form))
        except DomainError as error:
            form.add_error(error.field, error.text)
        else:
            messages.success(request, _("Event drafted. Add its sessions, then open registration."))
            return redirect("events:sessions", pk=event.pk)
    return render(request, "events/event_form.html", {"form": form})


@login_required
def event_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = organised_event(request, pk)
    title = localize(event.title, event.original_language)[0]
    description = localize(event.description, event.original_language)[0]
    form = EventForm(
        request.POST or None,
        organisers=[(event.organiser_id, organisation_name(event.organiser))],
        initial={
            "organiser": event.organiser_id,
            "kind": event.kind,
            "original_language": event.original_language,
            "title": title,
            "description": description,
            "venue": event.venue,
            "city": event.city,
            "time_zone": event.time_zone,
            "countries": list(event.countries),
            "starts_on": event.starts_on,
            "ends_on": event.ends_on,
            "request_mode": event.request_mode,
            "scheduling_mode": event.scheduling_mode,
            "request_expiry_hours": event.request_expiry_hours,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = _event_data(form)
        language = form.cleaned_data["original_language"]
        description = form.cleaned_data["description"]
        data["title"] = {**event.title, language: form.cleaned_data["title"]}
        data["description"] = {
            **event.description,
            **({language: description} if description else {}),
        }
        try:
            update_event(actor=request.user, event=event, data=data)
        except DomainError as error:
            form.add_error(error.field, error.text)
        else:
            messages.success(request, _("Event saved."))
            return redirect(event)
    return render(request, "events/event_form.html", {"form": form, "event": event})


def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = visible_event(request, pk)
    organiser = is_organiser(request.user, event)
    mine = (
        list(list_own_registrations(viewer=request.user, event=event))
        if request.user.is_authenticated
        else []
    )
    context = {
        "event": event,
        "sessions": list_sessions(event=event),
        "is_organiser": organiser,
        "mine": mine,
        "delegations": list_delegations(viewer=request.user, event=event),
        "statuses": Event.Status.choices,
    }
    if organiser:
        context["conflicts"] = list_calendar_conflicts(event=event)
        context["pending"] = event.registrations.filter(status=Registration.Status.PENDING).count()
        context["figures"] = summarise_outcomes(event=event)
    if mine and request.user.is_authenticated:
        context["requests"] = list_meeting_requests(viewer=request.user, event=event)[:20]
    return render(request, "events/event_detail.html", context)


@login_required
@require_POST
def event_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = organised_event(request, pk)
    status = request.POST.get("status", "")
    if status not in Event.Status.values:
        messages.error(request, _("Choose a status."))
    else:
        set_event_status(actor=request.user, event=event, status=status)
        messages.success(request, _("Event status changed."))
    return redirect(event)


def _render_sessions(
    request: AuthenticatedHttpRequest,
    event: Event,
    *,
    form: SessionForm | None = None,
    points: MeetingPointsForm | None = None,
) -> HttpResponse:
    return render(
        request,
        "events/sessions.html",
        {
            "event": event,
            "sessions": list_sessions(event=event),
            "conflicts": list_calendar_conflicts(event=event),
            "form": form or SessionForm(initial={"day": event.starts_on}),
            "points": points
            or MeetingPointsForm(
                initial={"names": "\n".join(p.name for p in event.meeting_points.all())}
            ),
        },
    )


@login_required
def sessions(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The event's sessions; posting the form adds one with its slots."""
    event = organised_event(request, pk)
    if request.method != "POST":
        return _render_sessions(request, event)
    form = SessionForm(request.POST)
    if form.is_valid():
        try:
            session = add_session(actor=request.user, event=event, data=form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field, error.text)
        else:
            if not session.slots.exists():
                messages.warning(
                    request,
                    _(
                        "No slots were made: the session falls on a weekend or holiday of a "
                        "participating country. Tick “hold it even on a weekend or holiday” to "
                        "hold it anyway."
                    ),
                )
            else:
                messages.success(request, _("Session added with its slots."))
            return redirect("events:sessions", pk=event.pk)
    return _render_sessions(request, event, form=form)


@login_required
@require_POST
def meeting_points(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Name the event's tables or meeting points, one a line."""
    event = organised_event(request, pk)
    points = MeetingPointsForm(request.POST)
    if not points.is_valid():
        return _render_sessions(request, event, points=points)
    set_meeting_points(
        actor=request.user, event=event, names=points.cleaned_data["names"].splitlines()
    )
    messages.success(request, _("Tables and meeting points saved."))
    return redirect("events:sessions", pk=event.pk)


@login_required
@require_POST
def session_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(Session, pk=pk)
    event = organised_event(request, session.event_id)
    try:
        delete_session(actor=request.user, session=session)
    except DomainError as error:
        messages.error(request, error.text)
    return redirect("events:sessions", pk=event.pk)
