import datetime
import json
from collections import defaultdict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from karvan.accounts.models import User
from karvan.agreements.selectors import list_ceremony_agreements
from karvan.core.errors import DomainError
from karvan.core.text import localize
from karvan.directory.models import Membership, Organisation
from karvan.events.badges import qr_svg
from karvan.events.forms import (
    AcceptForm,
    CheckInForm,
    DelegationForm,
    DelegationMemberForm,
    EventForm,
    FeedbackForm,
    ImportForm,
    MeetingPointsForm,
    MeetingRequestForm,
    MoveForm,
    PriorityForm,
    RegistrationForm,
    RejectForm,
    ScheduleRunForm,
    SessionForm,
    SessionsForm,
)
from karvan.events.ical import build_calendar
from karvan.events.imports import read_people
from karvan.events.models import (
    Delegation,
    DelegationInvitation,
    Event,
    Meeting,
    MeetingParticipant,
    MeetingRequest,
    Registration,
    Session,
)
from karvan.events.permissions import (
    can_act_for,
    can_answer_delegation_invitation,
    can_join_video,
    can_manage_delegation,
    can_view_registration,
    is_organiser,
    organisation_ids,
)
from karvan.events.scheduling import start_schedule_run
from karvan.events.selectors import (
    get_delegation_invitation,
    get_event,
    get_latest_schedule_run,
    get_meeting,
    get_meeting_request,
    get_registration,
    list_agenda,
    list_calendar_conflicts,
    list_delegation_invitations,
    list_delegations,
    list_events,
    list_free_slots,
    list_meeting_requests,
    list_own_registrations,
    list_participants,
    list_registrations,
    list_sessions,
    list_slots,
    list_unplaced_meetings,
    schedule_by_participant,
    schedule_by_slot,
    suggest_partners,
    summarise_outcomes,
)
from karvan.events.services.delegations import (
    accept_delegation_invitation,
    create_delegation,
    decline_delegation_invitation,
    import_delegation,
    invite_to_delegation,
    remove_delegation_member,
    withdraw_delegation_invitation,
)
from karvan.events.services.meeting_requests import (
    accept_meeting_request,
    decline_meeting_request,
    send_meeting_request,
    withdraw_meeting_request,
)
from karvan.events.services.meetings import (
    add_meeting_participant,
    mark_no_show,
    move_meeting,
    pick_meeting_slot,
    publish_schedule,
    record_feedback,
    set_meeting_priority,
)
from karvan.events.services.registrations import (
    approve_registration,
    cancel_registration,
    check_in,
    choose_sessions,
    register_person,
    reject_registration,
)
from karvan.events.services.setup import (
    add_session,
    create_event,
    delete_session,
    set_event_status,
    set_meeting_points,
    update_event,
)

UNPLACED_REASONS = {
    "no_common_slot": gettext_lazy("The participants have no session in common."),
    "participants_busy": gettext_lazy("The participants are busy in every slot they share."),
    "tables_full": gettext_lazy("Every table is taken in the slots the participants share."),
    "invalid": gettext_lazy("The meeting lacks a second participant."),
}


def _language() -> str:
    return translation.get_language() or "en"


def _name(organisation: Organisation) -> str:
    return localize(organisation.name, _language(), original=organisation.original_language)[0]


def _my_organisations(user: User) -> list[tuple[int, str]]:
    memberships = Membership.objects.filter(user=user).select_related("organisation")
    return [(m.organisation_id, _name(m.organisation)) for m in memberships]


def _posted_pk(request: HttpRequest, name: str) -> int:
    """A posted id (hidden field): a plain decimal number of at most 18 digits; anything else
    (`²`, `1:2`, `abc`, a huge number) names no object, so 404."""
    value = request.POST.get(name, "")
    if not (value.isascii() and value.isdecimal() and len(value) <= 18):
        raise Http404
    return int(value)


def _event(request: HttpRequest, pk: int) -> Event:
    try:
        return get_event(viewer=request.user, pk=pk)
    except Event.DoesNotExist as error:
        raise Http404 from error


def _organised(request: HttpRequest, pk: int) -> Event:
    event = _event(request, pk)
    if not is_organiser(request.user, event):
        raise Http404
    return event


def _registration(request: HttpRequest, pk: int) -> Registration:
    try:
        return get_registration(viewer=request.user, pk=pk)
    except Registration.DoesNotExist as error:
        raise Http404 from error


def _meeting(request: HttpRequest, pk: int) -> Meeting:
    try:
        meeting = get_meeting(viewer=request.user, pk=pk)
    except Meeting.DoesNotExist as error:
        raise Http404 from error
    if not meeting.is_published and not is_organiser(request.user, meeting.event):
        raise Http404
    return meeting


def _event_data(form: EventForm) -> dict[str, object]:
    data = dict(form.cleaned_data)
    language = data["original_language"]
    data["title"] = {language: data.pop("title")}
    description = data.pop("description")
    data["description"] = {language: description} if description else {}
    data.pop("organiser", None)
    return data


# --- Events ------------------------------------------------------------------------------------


def event_list(request: HttpRequest) -> HttpResponse:
    events = list_events(viewer=request.user)
    today = timezone.localdate()
    return render(
        request,
        "events/event_list.html",
        {
            "upcoming": [e for e in events if e.ends_on >= today],
            "past": [e for e in events if e.ends_on < today][:20],
            "can_create": request.user.is_authenticated and bool(_my_organisations(request.user)),
            "pending_invitations": list_delegation_invitations(viewer=request.user)
            .filter(status=DelegationInvitation.Status.PENDING)
            .count()
            if request.user.is_authenticated
            else 0,
        },
    )


@login_required
def event_create(request: HttpRequest) -> HttpResponse:
    organisers = _my_organisations(request.user)
    if not organisers:
        messages.info(request, _("Register your organisation, or join one, to organise events."))
        return redirect("directory:create")
    form = EventForm(
        request.POST or None,
        organisers=organisers,
        initial={
            "countries": ", ".join(settings.KARVAN_CORRIDOR),
            "time_zone": request.user.time_zone,
            "original_language": _language(),
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
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = _organised(request, pk)
    title = localize(event.title, event.original_language)[0]
    description = localize(event.description, event.original_language)[0]
    form = EventForm(
        request.POST or None,
        organisers=[(event.organiser_id, _name(event.organiser))],
        initial={
            "organiser": event.organiser_id,
            "kind": event.kind,
            "original_language": event.original_language,
            "title": title,
            "description": description,
            "venue": event.venue,
            "city": event.city,
            "time_zone": event.time_zone,
            "countries": ", ".join(event.countries),
            "starts_on": event.starts_on,
            "ends_on": event.ends_on,
            "request_mode": event.request_mode,
            "scheduling_mode": event.scheduling_mode,
            "request_expiry_hours": event.request_expiry_hours,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = _event_data(form)
        data["title"] = {**event.title, **data["title"]}
        data["description"] = {**event.description, **data["description"]}
        try:
            update_event(actor=request.user, event=event, data=data)
        except DomainError as error:
            form.add_error(error.field, error.text)
        else:
            messages.success(request, _("Event saved."))
            return redirect(event)
    return render(request, "events/event_form.html", {"form": form, "event": event})


def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
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
    if mine:
        context["requests"] = list_meeting_requests(viewer=request.user, event=event)[:20]
    if event.kind == Event.Kind.SIGNING_CEREMONY and request.user.is_authenticated:
        # The agreements on the ceremony's programme that the viewer may read.
        context["ceremony_agreements"] = {
            session.pk: list(list_ceremony_agreements(viewer=request.user, session_id=session.pk))
            for session in context["sessions"]
        }
    return render(request, "events/event_detail.html", context)


@login_required
@require_POST
def event_status(request: HttpRequest, pk: int) -> HttpResponse:
    event = _organised(request, pk)
    status = request.POST.get("status", "")
    if status not in Event.Status.values:
        messages.error(request, _("Choose a status."))
    else:
        set_event_status(actor=request.user, event=event, status=status)
        messages.success(request, _("Event status changed."))
    return redirect(event)


@login_required
def sessions(request: HttpRequest, pk: int) -> HttpResponse:
    event = _organised(request, pk)
    form = SessionForm(request.POST or None, initial={"day": event.starts_on})
    points = MeetingPointsForm(
        initial={"names": "\n".join(p.name for p in event.meeting_points.all())}
    )
    if request.method == "POST" and "names" in request.POST:
        points = MeetingPointsForm(request.POST)
        if points.is_valid():
            set_meeting_points(
                actor=request.user, event=event, names=points.cleaned_data["names"].splitlines()
            )
            messages.success(request, _("Tables and meeting points saved."))
            return redirect("events:sessions", pk=event.pk)
    elif request.method == "POST" and form.is_valid():
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
    return render(
        request,
        "events/sessions.html",
        {
            "event": event,
            "sessions": list_sessions(event=event),
            "conflicts": list_calendar_conflicts(event=event),
            "form": form,
            "points": points,
        },
    )


@login_required
@require_POST
def session_delete(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(Session, pk=pk)
    event = _organised(request, session.event_id)
    try:
        delete_session(actor=request.user, session=session)
    except DomainError as error:
        messages.error(request, error.text)
    return redirect("events:sessions", pk=event.pk)


# --- Registration and delegations ---------------------------------------------------------------


def _people_of(organisation_ids_: list[int]) -> list[tuple[int, str]]:
    rows = Membership.objects.filter(organisation_id__in=organisation_ids_).select_related("user")
    seen: dict[int, str] = {}
    for membership in rows:
        seen.setdefault(membership.user_id, membership.user.display_name)
    return list(seen.items())


@login_required
def register(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    organisations = _my_organisations(request.user)
    if not organisations:
        messages.info(request, _("Register your organisation, or join one, to take part."))
        return redirect("directory:create")
    form = RegistrationForm(
        request.POST or None,
        organisations=organisations,
        people=_people_of([pk_ for pk_, _n in organisations]),
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
def registrations(request: HttpRequest, pk: int) -> HttpResponse:
    event = _organised(request, pk)
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


@login_required
@require_POST
def registration_decide(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration(request, pk)
    form = RejectForm(request.POST)
    try:
        if request.POST.get("decision") == "approve":
            approve_registration(actor=request.user, registration=registration)
        elif request.POST.get("decision") == "reject" and form.is_valid():
            reject_registration(
                actor=request.user, registration=registration, reason=form.cleaned_data["reason"]
            )
        else:
            messages.error(request, _("Choose to approve or reject."))
    except DomainError as error:
        messages.error(request, error.text)
    if request.headers.get("HX-Request"):
        registration.refresh_from_db()
        return render(
            request,
            "events/_registration_row.html",
            {"registration": registration, "reject_form": RejectForm()},
        )
    return redirect("events:registrations", pk=registration.event_id)


@login_required
def registration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration(request, pk)
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
def registration_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration(request, pk)
    try:
        cancel_registration(actor=request.user, registration=registration)
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("Registration cancelled."))
    return redirect(registration.event)


@login_required
def badge(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration(request, pk)
    return render(
        request,
        "events/badge.html",
        {"registration": registration, "badge": qr_svg(registration.badge_code, scale=6)},
    )


@login_required
def delegation_create(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    form = DelegationForm(request.POST or None, leaders=_my_organisations(request.user))
    if request.method == "POST" and form.is_valid():
        leader = get_object_or_404(Organisation, pk=form.cleaned_data["leader"])
        try:
            delegation = create_delegation(
                actor=request.user, event=event, leader=leader, name=form.cleaned_data["name"]
            )
        except DomainError as error:
            form.add_error(None, error.text)
        else:
            return redirect(delegation)
    return render(request, "events/delegation_form.html", {"event": event, "form": form})


def _delegation(request: HttpRequest, pk: int) -> Delegation:
    delegation = get_object_or_404(Delegation.objects.select_related("event", "leader"), pk=pk)
    if not can_manage_delegation(request.user, delegation):
        raise Http404
    return delegation


def _delegation_register_form(
    request: HttpRequest, delegation: Delegation, members: list[Organisation]
) -> RegistrationForm:
    return RegistrationForm(
        request.POST if request.POST.get("action") == "person" else None,
        prefix="person",
        organisations=[(o.pk, _name(o)) for o in members],
        people=_people_of([o.pk for o in members]),
        sessions=delegation.event.sessions.all(),
    )


@login_required
def delegation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The leader's page: invite organisations (their managers accept), register the people of
    the organisations that joined, one by one or from a file."""
    delegation = _delegation(request, pk)
    event = delegation.event
    members = [delegation.leader, *delegation.members.all()]
    member_form = DelegationMemberForm(prefix="member")
    register_form = _delegation_register_form(request, delegation, members)
    report = None
    import_form = ImportForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "member":
                member_form = DelegationMemberForm(request.POST, prefix="member")
                if member_form.is_valid():
                    code = member_form.cleaned_data["registry_id"].replace(" ", "").upper()
                    organisation = Organisation.objects.filter(registry_id=code).first()
                    if organisation is None:
                        member_form.add_error(
                            "registry_id", _("No organisation with this identifier on Karvan.")
                        )
                    else:
                        invite_to_delegation(
                            actor=request.user, delegation=delegation, organisation=organisation
                        )
                        messages.success(
                            request,
                            _(
                                "Invitation sent. The organisation joins once one of its "
                                "managers accepts."
                            ),
                        )
                        return redirect(delegation)
            elif action == "withdraw_invitation":
                invitation = get_object_or_404(
                    delegation.invitations, pk=_posted_pk(request, "invitation")
                )
                withdraw_delegation_invitation(actor=request.user, invitation=invitation)
                messages.success(request, _("Invitation withdrawn."))
                return redirect(delegation)
            elif action == "remove_member":
                organisation = get_object_or_404(
                    delegation.members, pk=_posted_pk(request, "organisation")
                )
                remove_delegation_member(
                    actor=request.user, delegation=delegation, organisation=organisation
                )
                messages.success(request, _("The organisation has left the delegation."))
                return redirect(delegation)
            elif action == "person" and register_form.is_valid():
                register_person(
                    actor=request.user,
                    event=event,
                    organisation=get_object_or_404(
                        Organisation, pk=register_form.cleaned_data["organisation"]
                    ),
                    person=get_object_or_404(User, pk=register_form.cleaned_data["person"]),
                    sessions=register_form.cleaned_data["sessions"],
                    delegation=delegation,
                )
                messages.success(request, _("Registered."))
                return redirect(delegation)
            elif action == "import":
                import_form = ImportForm(request.POST, request.FILES)
                if import_form.is_valid():
                    records = read_people(import_form.cleaned_data["file"])
                    report = import_delegation(
                        actor=request.user, delegation=delegation, records=records
                    )
        except DomainError as error:
            messages.error(request, error.text)
    return render(
        request,
        "events/delegation_detail.html",
        {
            "delegation": delegation,
            "event": event,
            "members": members,
            "invitations": delegation.invitations.filter(
                status=DelegationInvitation.Status.PENDING
            ).select_related("organisation"),
            "registrations": delegation.registrations.select_related("person", "organisation"),
            "member_form": member_form,
            "register_form": register_form,
            "import_form": import_form,
            "report": report,
            "imported": sum(1 for row in report or [] if not row.errors),
        },
    )


@login_required
def invitation_list(request: HttpRequest) -> HttpResponse:
    """The delegation invitations the viewer's organisations received, to answer as a manager."""
    return render(
        request,
        "events/invitation_list.html",
        {"invitations": list_delegation_invitations(viewer=request.user)},
    )


@login_required
def invitation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One invitation: its organisation's managers accept or decline; the leader reads it."""
    try:
        invitation = get_delegation_invitation(viewer=request.user, pk=pk)
    except DelegationInvitation.DoesNotExist as error:
        raise Http404 from error
    can_answer = can_answer_delegation_invitation(request.user, invitation)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "accept":
                accept_delegation_invitation(actor=request.user, invitation=invitation)
                messages.success(
                    request,
                    _(
                        "Your organisation joined the delegation: its leader may now register "
                        "your people for the event."
                    ),
                )
            elif action == "decline":
                decline_delegation_invitation(actor=request.user, invitation=invitation)
                messages.success(request, _("Invitation declined."))
            elif action == "leave" and can_answer:
                remove_delegation_member(
                    actor=request.user,
                    delegation=invitation.delegation,
                    organisation=invitation.organisation,
                )
                messages.success(request, _("The organisation has left the delegation."))
            else:
                messages.error(request, _("Choose to accept or decline."))
        except DomainError as error:
            messages.error(request, error.text)
        return redirect(invitation)
    return render(
        request,
        "events/invitation_detail.html",
        {
            "invitation": invitation,
            "delegation": invitation.delegation,
            "event": invitation.delegation.event,
            "can_answer": can_answer and invitation.is_pending,
            "can_leave": can_answer
            and invitation.delegation.members.filter(pk=invitation.organisation_id).exists(),
        },
    )


# --- Meeting requests ---------------------------------------------------------------------------


def _approved_own(request: HttpRequest, event: Event) -> list[Registration]:
    return [
        r
        for r in list_own_registrations(viewer=request.user, event=event)
        if r.status == Registration.Status.APPROVED
    ]


@login_required
def participants(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    own = _approved_own(request, event)
    if not own and not is_organiser(request.user, event):
        messages.info(request, _("Participants are listed for approved participants."))
        return redirect(event)
    rows = list_participants(event=event)
    return render(
        request,
        "events/participants.html",
        {"event": event, "participants": rows, "own": own, "mine": organisation_ids(request.user)},
    )


@login_required
def suggestions(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    own = _approved_own(request, event)
    suggested = suggest_partners(viewer=request.user, registration=own[0]) if own else []
    return render(request, "events/_suggestions.html", {"event": event, "suggestions": suggested})


@login_required
def request_create(request: HttpRequest, pk: int, registration_pk: int) -> HttpResponse:
    event = _event(request, pk)
    recipient = get_object_or_404(list_participants(event=event), pk=registration_pk)
    own = _approved_own(request, event)
    if not own:
        raise Http404
    form = MeetingRequestForm(
        request.POST or None,
        senders=[(r.pk, f"{r.person.display_name} · {_name(r.organisation)}") for r in own],
        initial={"language": _language()},
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
def request_list(request: HttpRequest) -> HttpResponse:
    rows = list_meeting_requests(viewer=request.user)
    mine = organisation_ids(request.user)
    received = [
        r
        for r in rows
        if r.recipient.person_id == request.user.pk or r.recipient.organisation_id in mine
    ]
    sent = [
        r for r in rows if r.sender.person_id == request.user.pk or r.sender.organisation_id in mine
    ]
    return render(request, "events/request_list.html", {"received": received, "sent": sent})


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        meeting_request = get_meeting_request(viewer=request.user, pk=pk)
    except MeetingRequest.DoesNotExist as error:
        raise Http404 from error
    event = meeting_request.event
    picks_slot = event.scheduling_mode == Event.SchedulingMode.PARTICIPANTS
    can_answer = meeting_request.is_pending and can_act_for(request.user, meeting_request.recipient)
    slots = (
        list_free_slots(
            event=event, registrations=[meeting_request.sender, meeting_request.recipient]
        )
        if picks_slot and can_answer
        else []
    )
    form = AcceptForm(request.POST or None, slots=slots)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "accept" and form.is_valid():
                accept_meeting_request(
                    actor=request.user, request=meeting_request, slot=form.cleaned_data["slot"]
                )
                messages.success(request, _("Meeting request accepted."))
            elif action == "decline":
                decline_meeting_request(actor=request.user, request=meeting_request)
                messages.success(request, _("Meeting request declined."))
            elif action == "withdraw":
                withdraw_meeting_request(actor=request.user, request=meeting_request)
                messages.success(request, _("Meeting request withdrawn."))
            elif action == "pick":
                meeting = get_object_or_404(Meeting, request=meeting_request)
                picked = AcceptForm(
                    request.POST,
                    slots=list_free_slots(
                        event=event,
                        registrations=[meeting_request.sender, meeting_request.recipient],
                    ),
                )
                if picked.is_valid() and picked.cleaned_data["slot"]:
                    pick_meeting_slot(
                        actor=request.user, meeting=meeting, slot=picked.cleaned_data["slot"]
                    )
                    messages.success(request, _("The meeting is on your agenda."))
                else:
                    messages.error(request, _("Choose a free slot for the meeting."))
        except DomainError as error:
            messages.error(request, error.text)
        return redirect(meeting_request)
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
        pick_form = AcceptForm(
            slots=list_free_slots(
                event=event, registrations=[meeting_request.sender, meeting_request.recipient]
            )
        )
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
            "meeting": meeting
            if meeting and (meeting.is_published or is_organiser(request.user, event))
            else None,
            "pick_form": pick_form,
        },
    )


# --- The schedule -------------------------------------------------------------------------------


@login_required
def schedule(request: HttpRequest, pk: int) -> HttpResponse:
    event = _organised(request, pk)
    view = request.GET.get("view", "slot")
    if view not in {"slot", "table", "participant"}:
        view = "slot"
    by_slot = schedule_by_slot(event=event)
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
        context["by_participant"] = schedule_by_participant(event=event)
    return render(request, "events/schedule.html", context)


@login_required
@require_POST
def schedule_run(request: HttpRequest, pk: int) -> HttpResponse:
    event = _organised(request, pk)
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
def schedule_progress(request: HttpRequest, pk: int) -> HttpResponse:
    event = _organised(request, pk)
    run = get_latest_schedule_run(event=event)
    response = render(request, "events/_progress.html", {"event": event, "run": run})
    if run is not None and run.is_finished and request.GET.get("running"):
        response["HX-Refresh"] = "true"  # the results changed: reload the whole page once
    return response


@login_required
@require_POST
def schedule_publish(request: HttpRequest, pk: int) -> HttpResponse:
    event = _organised(request, pk)
    count = publish_schedule(actor=request.user, event=event)
    messages.success(request, _("Meetings published: %(count)s.") % {"count": count})
    return redirect("events:schedule", pk=event.pk)


@login_required
def table_plan(request: HttpRequest, pk: int) -> HttpResponse:
    event = _organised(request, pk)
    names = {p.number: p.name for p in event.meeting_points.all()}
    return render(
        request,
        "events/table_plan.html",
        {"event": event, "by_slot": schedule_by_slot(event=event), "names": names},
    )


# --- Meetings ----------------------------------------------------------------------------------


def _video_opens_at(meeting: Meeting) -> datetime.datetime | None:
    if not meeting.is_scheduled:
        return None
    return meeting.slot.starts_at - datetime.timedelta(minutes=settings.KARVAN_VIDEO_OPENS_MINUTES)


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    event = meeting.event
    organiser = is_organiser(request.user, event)
    mine = [a for a in meeting.attendance.all() if can_act_for(request.user, a.registration)]
    opens_at = _video_opens_at(meeting)
    video = (
        event.is_online
        and can_join_video(request.user, meeting)
        and opens_at is not None
        and timezone.now() < meeting.slot.ends_at
    )
    video_open = video and bool(settings.KARVAN_JITSI_URL) and timezone.now() >= opens_at
    started = meeting.is_scheduled and meeting.slot.starts_at <= timezone.now()
    names = {p.number: p.name for p in event.meeting_points.all()}
    return render(
        request,
        "events/meeting_detail.html",
        {
            "meeting": meeting,
            "event": event,
            "is_organiser": organiser,
            "mine": mine,
            "shows_video": video,
            "video_open": video_open,
            "opens_at": opens_at,
            "video_configured": bool(settings.KARVAN_JITSI_URL),
            "video_url": f"{settings.KARVAN_JITSI_URL}/karvan-{meeting.room_name}"
            if video_open
            else "",
            "feedback_form": FeedbackForm() if started and mine else None,
            "move_form": MoveForm(slots=list_slots(event=event)) if organiser else None,
            "priority_form": PriorityForm(initial={"priority": meeting.priority})
            if organiser
            else None,
            "addable": list_participants(event=event).exclude(
                pk__in=[a.registration_id for a in meeting.attendance.all()]
            )
            if organiser
            else [],
            "table_name": names.get(meeting.table or 0, ""),
            "started": started,
            "reason": UNPLACED_REASONS.get(meeting.unplaced_reason, ""),
        },
    )


@login_required
@require_POST
def meeting_move(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
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
def meeting_priority(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    if not is_organiser(request.user, meeting.event):
        raise Http404
    form = PriorityForm(request.POST)
    if form.is_valid():
        set_meeting_priority(
            actor=request.user, meeting=meeting, priority=form.cleaned_data["priority"]
        )
        messages.success(request, _("The priority is saved; it counts at the next scheduler run."))
    else:
        messages.error(request, _("Choose one of the priorities."))
    return redirect(meeting)


@login_required
@require_POST
def meeting_add_participant(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    if not is_organiser(request.user, meeting.event):
        raise Http404
    registration = get_object_or_404(
        list_participants(event=meeting.event), pk=_posted_pk(request, "registration")
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
def meeting_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    form = FeedbackForm(request.POST)
    participant = get_object_or_404(
        MeetingParticipant, meeting=meeting, pk=_posted_pk(request, "participant")
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
def meeting_no_show(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    participant = get_object_or_404(
        MeetingParticipant, meeting=meeting, pk=_posted_pk(request, "participant")
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
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
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


# --- Agendas -----------------------------------------------------------------------------------


@login_required
def agenda(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _registration(request, pk)
    if not can_view_registration(request.user, registration):
        raise Http404
    meetings = list_agenda(registration=registration)
    rows = []
    names = {p.number: p.name for p in registration.event.meeting_points.all()}
    for meeting in meetings:
        others = [
            a.registration for a in meeting.attendance.all() if a.registration_id != registration.pk
        ]
        rows.append((meeting, others, names.get(meeting.table or 0, "")))
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


# --- On the day --------------------------------------------------------------------------------


@login_required
def check_in_page(request: HttpRequest, pk: int) -> HttpResponse:
    event = _organised(request, pk)
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
        },
    )
