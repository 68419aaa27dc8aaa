"""A delegation's page and its actions (invite, withdraw, remove, register, import), and the
invitations an organisation answers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from karvan.accounts.http import AuthenticatedHttpRequest
from karvan.accounts.models import User
from karvan.core.errors import DomainError
from karvan.directory.models import Organisation
from karvan.events.forms import (
    DelegationForm,
    DelegationMemberForm,
    ImportForm,
    RegistrationForm,
)
from karvan.events.imports import read_people
from karvan.events.models import (
    Delegation,
    DelegationInvitation,
)
from karvan.events.permissions import (
    can_answer_delegation_invitation,
    can_manage_delegation,
)
from karvan.events.selectors import (
    get_delegation_invitation,
    get_organisation_by_registry_id,
    list_delegation_invitations,
)
from karvan.events.services.delegations import (
    ImportRow,
    accept_delegation_invitation,
    create_delegation,
    decline_delegation_invitation,
    import_delegation,
    invite_to_delegation,
    remove_delegation_member,
    withdraw_delegation_invitation,
)
from karvan.events.services.registrations import (
    register_person,
)
from karvan.events.views.common import (
    my_organisations,
    organisation_name,
    people_choices,
    posted_pk,
    visible_event,
)


@login_required
def delegation_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    event = visible_event(request, pk)
    form = DelegationForm(request.POST or None, leaders=my_organisations(request.user))
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


def _delegation(request: AuthenticatedHttpRequest, pk: int) -> Delegation:
    delegation = get_object_or_404(Delegation.objects.select_related("event", "leader"), pk=pk)
    if not can_manage_delegation(request.user, delegation):
        raise Http404
    return delegation


def _members(delegation: Delegation) -> list[Organisation]:
    return [delegation.leader, *delegation.members.all()]


def _render_delegation(
    request: AuthenticatedHttpRequest,
    delegation: Delegation,
    *,
    member_form: DelegationMemberForm | None = None,
    register_form: RegistrationForm | None = None,
    import_form: ImportForm | None = None,
    report: list[ImportRow] | None = None,
) -> HttpResponse:
    """The leader's page, with the form just posted (and its errors) where there is one."""
    members = _members(delegation)
    return render(
        request,
        "events/delegation_detail.html",
        {
            "delegation": delegation,
            "event": delegation.event,
            "members": members,
            "invitations": delegation.invitations.filter(
                status=DelegationInvitation.Status.PENDING
            ).select_related("organisation"),
            "registrations": delegation.registrations.select_related("person", "organisation"),
            "member_form": member_form or DelegationMemberForm(prefix="member"),
            "register_form": register_form or _register_form(None, delegation, members),
            "import_form": import_form or ImportForm(),
            "report": report,
            "imported": sum(1 for row in report or [] if not row.errors),
        },
    )


def _register_form(
    data: QueryDict | None, delegation: Delegation, members: list[Organisation]
) -> RegistrationForm:
    return RegistrationForm(
        data,
        prefix="person",
        organisations=[(o.pk, organisation_name(o)) for o in members],
        people=people_choices([o.pk for o in members]),
        sessions=delegation.event.sessions.all(),
    )


@login_required
@require_GET
def delegation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The leader's page: invite organisations (their managers accept), register the people of
    the organisations that joined, one by one or from a file."""
    return _render_delegation(request, _delegation(request, pk))


@login_required
@require_POST
def delegation_invite(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Invite an organisation, found by its registry identifier, to join the delegation."""
    delegation = _delegation(request, pk)
    form = DelegationMemberForm(request.POST, prefix="member")
    if form.is_valid():
        try:
            organisation = get_organisation_by_registry_id(
                registry_id=form.cleaned_data["registry_id"]
            )
        except Organisation.DoesNotExist:
            form.add_error("registry_id", _("No organisation with this identifier on Karvan."))
        else:
            try:
                invite_to_delegation(
                    actor=request.user, delegation=delegation, organisation=organisation
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.text)
            else:
                messages.success(
                    request,
                    _("Invitation sent. The organisation joins once one of its managers accepts."),
                )
                return redirect(delegation)
    return _render_delegation(request, delegation, member_form=form)


@login_required
@require_POST
def delegation_invitation_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    delegation = _delegation(request, pk)
    invitation = get_object_or_404(delegation.invitations, pk=posted_pk(request, "invitation"))
    try:
        withdraw_delegation_invitation(actor=request.user, invitation=invitation)
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("Invitation withdrawn."))
    return redirect(delegation)


@login_required
@require_POST
def delegation_member_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    delegation = _delegation(request, pk)
    organisation = get_object_or_404(delegation.members, pk=posted_pk(request, "organisation"))
    try:
        remove_delegation_member(
            actor=request.user, delegation=delegation, organisation=organisation
        )
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("The organisation has left the delegation."))
    return redirect(delegation)


@login_required
@require_POST
def delegation_register(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Register one person of an organisation that joined the delegation."""
    delegation = _delegation(request, pk)
    form = _register_form(request.POST, delegation, _members(delegation))
    if form.is_valid():
        try:
            register_person(
                actor=request.user,
                event=delegation.event,
                organisation=get_object_or_404(Organisation, pk=form.cleaned_data["organisation"]),
                person=get_object_or_404(User, pk=form.cleaned_data["person"]),
                sessions=form.cleaned_data["sessions"],
                delegation=delegation,
            )
        except DomainError as error:
            messages.error(request, error.text)
        else:
            messages.success(request, _("Registered."))
            return redirect(delegation)
    return _render_delegation(request, delegation, register_form=form)


@login_required
@require_POST
def delegation_import(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Register people from a CSV or XLSX file; the page shows each row's outcome."""
    delegation = _delegation(request, pk)
    form = ImportForm(request.POST, request.FILES)
    report = None
    if form.is_valid():
        try:
            records = read_people(form.cleaned_data["file"])
            report = import_delegation(actor=request.user, delegation=delegation, records=records)
        except DomainError as error:
            messages.error(request, error.text)
    return _render_delegation(request, delegation, import_form=form, report=report)


@login_required
def invitation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The delegation invitations the viewer's organisations received, to answer as a manager."""
    return render(
        request,
        "events/invitation_list.html",
        {"invitations": list_delegation_invitations(viewer=request.user)},
    )


def _invitation(request: AuthenticatedHttpRequest, pk: int) -> DelegationInvitation:
    try:
        return get_delegation_invitation(viewer=request.user, pk=pk)
    except DelegationInvitation.DoesNotExist as error:
        raise Http404 from error


@login_required
@require_GET
def invitation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One invitation: its organisation's managers accept or decline; the leader reads it."""
    invitation = _invitation(request, pk)
    can_answer = can_answer_delegation_invitation(request.user, invitation)
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


@login_required
@require_POST
def invitation_accept(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    invitation = _invitation(request, pk)
    try:
        accept_delegation_invitation(actor=request.user, invitation=invitation)
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(
            request,
            _(
                "Your organisation joined the delegation: its leader may now register "
                "your people for the event."
            ),
        )
    return redirect(invitation)


@login_required
@require_POST
def invitation_decline(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    invitation = _invitation(request, pk)
    try:
        decline_delegation_invitation(actor=request.user, invitation=invitation)
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("Invitation declined."))
    return redirect(invitation)


@login_required
@require_POST
def invitation_leave(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A manager of the invited organisation takes it out of the delegation it joined."""
    invitation = _invitation(request, pk)
    if not can_answer_delegation_invitation(request.user, invitation):
        raise Http404
    try:
        remove_delegation_member(
            actor=request.user,
            delegation=invitation.delegation,
            organisation=invitation.organisation,
        )
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("The organisation has left the delegation."))
    return redirect(invitation)
