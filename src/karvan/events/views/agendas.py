"""A participant's agenda, their calendar feed, and the installable agenda app's files."""

import json

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from karvan.accounts.http import AuthenticatedHttpRequest
from karvan.events.ical import build_calendar
from karvan.events.models import Meeting, Registration
from karvan.events.permissions import (
    can_view_registration,
)
from karvan.events.selectors import (
    list_agenda,
)
from karvan.events.times import MeetingTime, meeting_time
from karvan.events.views.common import (
    visible_registration,
)


def _time(meeting: Meeting) -> MeetingTime | None:
    """The meeting's time in the event's zone and the reader's (the active zone)."""
    if meeting.slot is None:
        return None
    return meeting_time(
        starts_at=meeting.slot.starts_at,
        ends_at=meeting.slot.ends_at,
        event_zone=meeting.event.time_zone,
        home_zone=timezone.get_current_timezone_name(),
        is_online=meeting.event.is_online,
    )


@login_required
def agenda(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    registration = visible_registration(request, pk)
    if not can_view_registration(request.user, registration):
        raise Http404
    meetings = list_agenda(registration=registration)
    rows = []
    names = {p.number: p.name for p in registration.event.meeting_points.all()}
    for meeting in meetings:
        others = [
            a.registration for a in meeting.attendance.all() if a.registration_id != registration.pk
        ]
        rows.append((meeting, others, names.get(meeting.table or 0, ""), _time(meeting)))
    return render(
        request,
        "events/agenda.html",
        {
            "registration": registration,
            "event": registration.event,
            "rows": rows,
            "printing": request.GET.get("print") == "1",
        },
    )


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A person's published meetings as an iCalendar feed, at a secret address (no log-in)."""
    registration = get_object_or_404(
        Registration.objects.select_related("event", "person"),
        calendar_token=token,
        status=Registration.Status.APPROVED,
    )
    body = build_calendar(
        list_agenda(registration=registration), registration, name=str(registration.event)
    )
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


def manifest(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "events/manifest.webmanifest",
        {
            "start": reverse("events:list"),
            "name": json.dumps(_("Karvan agenda"), ensure_ascii=False),
            "short_name": json.dumps(_("Agenda"), ensure_ascii=False),
        },
        content_type="application/manifest+json",
    )


def service_worker(request: HttpRequest) -> HttpResponse:
    response = render(
        request, "events/sw.js", {}, content_type="application/javascript; charset=utf-8"
    )
    response["Cache-Control"] = "no-cache"
    return response
