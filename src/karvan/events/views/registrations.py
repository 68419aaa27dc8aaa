"""Registering for an event, the organiser's decisions, a registration's page and badge, and
checking in on the day."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from karvan.accounts.http import AuthenticatedHttpRequest
from karvan.accounts.models import User
from karvan.core.errors import DomainError
from karvan.directory.models import Organisation
from karvan.events.badges import qr_svg
from karvan.events.forms import (
    CheckInForm,
    RegistrationForm,
    RejectForm,
    SessionsForm,
)
from karvan.events.models import (
    Registration,
)
from karvan.events.permissions import (
    can_act_for,
)
from karvan.events.selectors import (
    list_registrations,
)
from karvan.events.services.registrations import (
    approve_registration,
    cancel_registration,
    check_in,
    choose_sessions,
    is_check_in_open,
    register_person,
    reject_registration,
)
from karvan.events.views.common import (
    my_organisations,
    organised_event,
    people_choices,
    visible_event,
    visible_registration,
)


@login_required
def register(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = visible_event(request, pk)
    organisations = my_organisations(request.user)
    if not organisations:
        messages.info(request, _("Register your organisation, or join one, to take part."))
        return redirect("directory:create")
    form = RegistrationForm(
        request.POST or None,
        organisations=organisations,
        people=people_choices([pk_ for pk_, _n in organisations]),
        sessions=event.sessions.all(),
        initial={"person": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        organisation = get_object_or_404(Organisation, pk=form.cleaned_data["organisation"])
        person = get_object_or_404(User, pk=form.cleaned_data["person"])
        try:
            registration = register_person(
                actor=request.user,
                event=event,
                organisation=organisation,
                person=person,
                sessions=form.cleaned_data["sessions"],
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.text)
        else:
            messages.success(request, _("Registered. The organiser will approve the registration."))
            return redirect("events:registration", pk=registration.pk)
    return render(request, "events/register.html", {"event": event, "form": form})


@login_required
def registrations(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = organised_event(request, pk)
    status = request.GET.get("status", "")
    if status not in Registration.Status.values:
        status = ""
    rows = list_registrations(viewer=request.user, event=event, status=status)
    return render(
        request,
        "events/registrations.html",
        {
            "event": event,
            "registrations": rows,
            "status": status,
            "statuses": Registration.Status.choices,
            "reject_form": RejectForm(),
        },
    )


def _decided(request: AuthenticatedHttpRequest, registration: Registration) -> HttpResponse:
    """The registration's row again (htmx), or the organiser's list."""
    if request.headers.get("HX-Request"):
        registration.refresh_from_db()
        return render(
            request,
            "events/_registration_row.html",
            {"registration": registration, "reject_form": RejectForm()},
        )
    return redirect("events:registrations", pk=registration.event_id)


@login_required
@require_POST
def registration_approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    registration = visible_registration(request, pk)
    try:
        approve_registration(actor=request.user, registration=registration)
    except DomainError as error:
        messages.error(request, error.text)
    return _decided(request, registration)


@login_required
@require_POST
def registration_reject(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Reject with an optional reason, which the person reads."""
    registration = visible_registration(request, pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.get("reason", [])))
        return _decided(request, registration)
    try:
        reject_registration(
            actor=request.user, registration=registration, reason=form.cleaned_data["reason"]
        )
    except DomainError as error:
        messages.error(request, error.text)
    return _decided(request, registration)


@login_required
def registration_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    registration = visible_registration(request, pk)
    event = registration.event
    form = SessionsForm(
        request.POST or None,
        sessions=event.sessions.all(),
        initial={"sessions": list(registration.sessions.all())},
    )
    if request.method == "POST" and form.is_valid():
        try:
            choose_sessions(
                actor=request.user,
                registration=registration,
                sessions=form.cleaned_data["sessions"],
            )
        except DomainError as error:
            messages.error(request, error.text)
        else:
            messages.success(request, _("Sessions saved."))
        return redirect("events:registration", pk=registration.pk)
    feed = request.build_absolute_uri(
        reverse("events:calendar_feed", args=[registration.calendar_token])
    )
    return render(
        request,
        "events/registration_detail.html",
        {
            "registration": registration,
            "event": event,
            "form": form,
            "feed_url": feed,
            "can_edit": can_act_for(request.user, registration),
            "badge": qr_svg(registration.badge_code),
        },
    )


@login_required
@require_POST
def registration_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    registration = visible_registration(request, pk)
    try:
        cancel_registration(actor=request.user, registration=registration)
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("Registration cancelled."))
    return redirect(registration.event)


@login_required
def badge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    registration = visible_registration(request, pk)
    return render(
        request,
        "events/badge.html",
        {"registration": registration, "badge": qr_svg(registration.badge_code, scale=6)},
    )


@login_required
def check_in_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = organised_event(request, pk)
    form = CheckInForm(request.POST or None)
    checked = None
    if request.method == "POST" and form.is_valid():
        try:
            registration, again = check_in(
                actor=request.user, event=event, code=form.cleaned_data["code"]
            )
        except DomainError as error:
            form.add_error("code", error.text)
        else:
            checked = {"registration": registration, "again": again}
            form = CheckInForm()
    return render(
        request,
        "events/check_in.html",
        {
            "event": event,
            "form": form,
            "checked": checked,
            "count": event.registrations.filter(checked_in_at__isnull=False).count(),
            "is_open": is_check_in_open(event=event),
        },
    )
