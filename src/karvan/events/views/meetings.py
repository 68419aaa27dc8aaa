"""The organiser's schedule and a meeting's page with its actions."""

from collections import defaultdict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from karvan.accounts.http import AuthenticatedHttpRequest
from karvan.core.errors import DomainError
from karvan.events.exports import schedule_workbook
from karvan.events.forms import (
    AddParticipantForm,
    FeedbackForm,
    MoveForm,
    PriorityForm,
    ScheduleRunForm,
)
from karvan.events.ical import build_calendar
from karvan.events.models import (
    Meeting,
    MeetingParticipant,
)
from karvan.events.permissions import (
    can_act_for,
    is_organiser,
)
from karvan.events.scheduling import start_schedule_run
from karvan.events.selectors import (
    get_latest_schedule_run,
    get_video_room,
    list_event_schedule,
    list_participants,
    list_schedule_by_participant,
    list_schedule_by_slot,
    list_slots,
    list_unplaced_meetings,
)
from karvan.events.services.meetings import (
    add_meeting_participant,
    mark_no_show,
    move_meeting,
    publish_schedule,
    record_feedback,
    set_meeting_priority,
)
from karvan.events.times import meeting_time
from karvan.events.views.common import (
    UNPLACED_REASONS,
    organisation_name,
    organised_event,
    posted_pk,
    visible_meeting,
)


@login_required
def schedule(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = organised_event(request, pk)
    view = request.GET.get("view", "slot")
    if view not in {"slot", "table", "participant"}:
        view = "slot"
    by_slot = list_schedule_by_slot(event=event)
    context = {
        "event": event,
        "view": view,
        "run": get_latest_schedule_run(event=event),
        "run_form": ScheduleRunForm(),
        "by_slot": by_slot,
        "unplaced": list_unplaced_meetings(event=event),
        "reasons": UNPLACED_REASONS,
        "unpublished": Meeting.objects.filter(
            event=event, status=Meeting.Status.SCHEDULED, is_published=False
        ).count(),
    }
    if view == "table":
        tables = defaultdict(list)
        for _slot, meetings in by_slot:
            for meeting in meetings:
                tables[meeting.table or 0].append(meeting)
        names = {p.number: p.name for p in event.meeting_points.all()}
        context["by_table"] = [
            (number, names.get(number, ""), tables[number]) for number in sorted(tables)
        ]
    elif view == "participant":
        context["by_participant"] = list_schedule_by_participant(event=event)
    return render(request, "events/schedule.html", context)


@login_required
@require_GET
def schedule_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The scheduled meetings as an XLSX workbook (times in the event's zone)."""
    event = organised_event(request, pk)
    meetings = list(
        list_event_schedule(event=event)
        .filter(status=Meeting.Status.SCHEDULED)
        .order_by("slot__starts_at", "table")
    )
    response = HttpResponse(
        schedule_workbook(event=event, meetings=meetings),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="schedule-{event.pk}.xlsx"'
    return response


@login_required
@require_POST
def schedule_run(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = organised_event(request, pk)
    form = ScheduleRunForm(request.POST)
    if form.is_valid():
        try:
            start_schedule_run(
                actor=request.user, event=event, time_limit=form.cleaned_data["time_limit"]
            )
        except DomainError as error:
            messages.error(request, error.text)
    else:
        messages.error(
            request,
            _("Give a time limit between 1 and %(limit)s seconds.")
            % {"limit": settings.KARVAN_SCHEDULE_MAX_SECONDS},
        )
    return redirect("events:schedule", pk=event.pk)


@login_required
@never_cache
def schedule_progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = organised_event(request, pk)
    run = get_latest_schedule_run(event=event)
    response = render(request, "events/_progress.html", {"event": event, "run": run})
    if run is not None and run.is_finished and request.GET.get("running"):
        response["HX-Refresh"] = "true"  # the results changed: reload the whole page once
    return response


@login_required
@require_POST
def schedule_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = organised_event(request, pk)
    count = publish_schedule(actor=request.user, event=event)
    messages.success(request, _("Meetings published: %(count)s.") % {"count": count})
    return redirect("events:schedule", pk=event.pk)


@login_required
def table_plan(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = organised_event(request, pk)
    names = {p.number: p.name for p in event.meeting_points.all()}
    return render(
        request,
        "events/table_plan.html",
        {"event": event, "by_slot": list_schedule_by_slot(event=event), "names": names},
    )


def _add_participant_form(meeting: Meeting) -> AddParticipantForm | None:
    """The organiser's picker of the event's participants not yet in the meeting (none left:
    no form)."""
    addable = list_participants(event=meeting.event).exclude(
        pk__in=[a.registration_id for a in meeting.attendance.all()]
    )
    participants = [
        (r.pk, f"{r.person.display_name} · {organisation_name(r.organisation)}") for r in addable
    ]
    return AddParticipantForm(participants=participants) if participants else None


@login_required
def meeting_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = visible_meeting(request, pk)
    event = meeting.event
    organiser = is_organiser(request.user, event)
    mine = [a for a in meeting.attendance.all() if can_act_for(request.user, a.registration)]
    room = get_video_room(viewer=request.user, meeting=meeting)
    started = (
        meeting.is_scheduled
        and meeting.slot is not None
        and meeting.slot.starts_at <= timezone.now()
    )
    names = {p.number: p.name for p in event.meeting_points.all()}
    time = (
        meeting_time(
            starts_at=meeting.slot.starts_at,
            ends_at=meeting.slot.ends_at,
            event_zone=event.time_zone,
            home_zone=timezone.get_current_timezone_name(),
            is_online=event.is_online,
        )
        if meeting.is_scheduled and meeting.slot is not None
        else None
    )
    return render(
        request,
        "events/meeting_detail.html",
        {
            "meeting": meeting,
            "time": time,
            "event": event,
            "is_organiser": organiser,
            "mine": mine,
            "shows_video": room is not None,
            "video_open": room is not None and room.is_open,
            "opens_at": room.opens_at if room else None,
            "video_configured": bool(settings.KARVAN_JITSI_URL),
            "video_url": room.url if room else "",
            "feedback_form": FeedbackForm() if started and mine else None,
            "move_form": MoveForm(slots=list_slots(event=event)) if organiser else None,
            "priority_form": PriorityForm(initial={"priority": meeting.priority})
            if organiser
            else None,
            "add_form": _add_participant_form(meeting) if organiser else None,
            "table_name": names.get(meeting.table or 0, ""),
            "started": started,
            "reason": UNPLACED_REASONS.get(meeting.unplaced_reason, ""),
        },
    )


@login_required
@require_POST
def meeting_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = visible_meeting(request, pk)
    if not is_organiser(request.user, meeting.event):
        raise Http404
    form = MoveForm(request.POST, slots=list_slots(event=meeting.event))
    if form.is_valid():
        try:
            move_meeting(
                actor=request.user,
                meeting=meeting,
                slot=form.cleaned_data["slot"],
                table=form.cleaned_data["table"],
            )
        except DomainError as error:
            messages.error(request, error.text)
        else:
            messages.success(request, _("Meeting moved."))
    else:
        messages.error(request, _("Choose a slot of this event."))
    return redirect(meeting)


@login_required
@require_POST
def meeting_priority(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = visible_meeting(request, pk)
    if not is_organiser(request.user, meeting.event):
        raise Http404
    form = PriorityForm(request.POST)
    if form.is_valid():
        try:
            set_meeting_priority(
                actor=request.user, meeting=meeting, priority=form.cleaned_data["priority"]
            )
        except DomainError as error:
            messages.error(request, error.text)
        else:
            messages.success(
                request, _("The priority is saved; it counts at the next scheduler run.")
            )
    else:
        messages.error(request, _("Choose one of the priorities."))
    return redirect(meeting)


@login_required
@require_POST
def meeting_add_participant(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = visible_meeting(request, pk)
    if not is_organiser(request.user, meeting.event):
        raise Http404
    registration = get_object_or_404(
        list_participants(event=meeting.event), pk=posted_pk(request, "registration")
    )
    try:
        add_meeting_participant(actor=request.user, meeting=meeting, registration=registration)
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("Participant added to the meeting."))
    return redirect(meeting)


@login_required
@require_POST
def meeting_feedback(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = visible_meeting(request, pk)
    form = FeedbackForm(request.POST)
    participant = get_object_or_404(
        MeetingParticipant, meeting=meeting, pk=posted_pk(request, "participant")
    )
    if form.is_valid():
        try:
            record_feedback(
                actor=request.user,
                participant=participant,
                outcome=form.cleaned_data["outcome"],
                notes=form.cleaned_data["notes"],
            )
        except DomainError as error:
            messages.error(request, error.text)
        else:
            messages.success(request, _("Thank you: your feedback is saved."))
    else:
        messages.error(request, _("Choose an outcome."))
    return redirect(meeting)


@login_required
@require_POST
def meeting_no_show(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = visible_meeting(request, pk)
    participant = get_object_or_404(
        MeetingParticipant, meeting=meeting, pk=posted_pk(request, "participant")
    )
    try:
        mark_no_show(
            actor=request.user,
            participant=participant,
            is_no_show=request.POST.get("no_show") == "1",
        )
    except DomainError as error:
        messages.error(request, error.text)
    return redirect(meeting)


@login_required
def meeting_ics(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = visible_meeting(request, pk)
    reader = next(
        (
            a.registration
            for a in meeting.attendance.all()
            if can_act_for(request.user, a.registration)
        ),
        None,
    )
    if reader is None or not meeting.is_scheduled:
        raise Http404
    body = build_calendar([meeting], reader, name=str(meeting.event))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response
