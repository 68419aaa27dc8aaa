from collections.abc import Callable

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from karvan.accounts.http import AuthenticatedHttpRequest
from karvan.core.errors import DomainError
from karvan.core.files import serve_private_file
from karvan.core.panels import render_panels
from karvan.directory.forms import (
    DirectoryFilterForm,
    InvitationForm,
    LogoForm,
    OrganisationForm,
    RejectionForm,
    RoleForm,
    VerificationDocumentForm,
)
from karvan.directory.models import (
    IdentityRevision,
    Invitation,
    Membership,
    Organisation,
    VerificationDocument,
)
from karvan.directory.permissions import (
    can_edit_organisation,
    can_manage_members,
    can_verify_organisation,
    can_view_verification_documents,
)
from karvan.directory.selectors import (
    get_organisation,
    get_pending_identity_revision,
    list_identity_differences,
    list_identity_revisions,
    list_memberships,
    list_open_invitations,
    list_organisations,
    list_pending_identity_revisions,
    list_undoable_verifications,
    list_verification_evidence,
)
from karvan.directory.services.members import (
    accept_invitation,
    change_member_role,
    invite_member,
    remove_member,
)
from karvan.directory.services.profiles import (
    create_organisation,
    set_organisation_logo,
    update_organisation,
)
from karvan.directory.services.verification import (
    VERIFICATION_UNDO_MINUTES,
    add_verification_document,
    approve_identity_change,
    approve_organisation,
    refuse_identity_change,
    reject_organisation,
    undo_verification,
)

PAGE_SIZE = 20


def _visible_organisation(request: HttpRequest, pk: int) -> Organisation:
    try:
        return get_organisation(viewer=request.user, pk=pk)
    except Organisation.DoesNotExist as error:
        raise Http404 from error


def organisation_list(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    organisations = Organisation.objects.none()
    if not request.GET or form.is_valid():
        filters = form.cleaned_data if request.GET else {}
        organisations = list_organisations(
            viewer=request.user,
            query=filters.get("q", ""),
            country=filters.get("country", ""),
            kind=filters.get("kind", ""),
            sector=filters.get("sector", ""),
            hs_chapter=filters.get("hs_chapter", ""),
            verified_only=filters.get("verified", False),
        ).order_by("-verification", "-updated_at")
    paginator = Paginator(organisations, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "total": paginator.count,
        "querystring": query_without_page.urlencode(),
    }
    template = (
        "directory/_results.html"
        if request.headers.get("HX-Request")
        else "directory/organisation_list.html"
    )
    return render(request, template, context)


def _identity_context(request: HttpRequest, organisation: Organisation) -> dict[str, object]:
    """The pending change of identity and the versions so far, for managers and staff only."""
    if not (can_edit_organisation(request.user, organisation) or request.user.is_staff):
        return {}
    pending = get_pending_identity_revision(organisation=organisation)
    return {
        "pending_identity": pending,
        "identity_differences": list_identity_differences(revision=pending) if pending else [],
        "identity_history": list_identity_revisions(organisation=organisation)[:20],
    }


def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _visible_organisation(request, pk)
    return render(
        request,
        "directory/organisation_detail.html",
        {
            **_identity_context(request, organisation),
            "organisation": organisation,
            "members": list_memberships(organisation=organisation),
            "can_edit": can_edit_organisation(request.user, organisation),
            "can_verify": can_verify_organisation(request.user, organisation),
            "can_view_documents": can_view_verification_documents(request.user, organisation),
            "rejection_form": RejectionForm(),
            "events": organisation.verification_events.select_related("actor")[:10],
            "panels": render_panels(
                "directory.organisation", request=request, subject=organisation
            ),
        },
    )


@login_required
def organisation_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = OrganisationForm(
        request.POST or None, initial={"original_language": translation.get_language()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            organisation = create_organisation(actor=request.user, data=form.to_changes())
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.text)
        else:
            messages.success(
                request, _("The organisation is registered. The center's staff will verify it.")
            )
            return redirect(organisation)
    return render(request, "directory/organisation_form.html", {"form": form, "creating": True})


@login_required
def organisation_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = _visible_organisation(request, pk)
    if not can_edit_organisation(request.user, organisation):
        raise Http404
    if request.method == "POST":
        form = OrganisationForm(request.POST)
        if form.is_valid():
            try:
                update_organisation(
                    organisation=organisation,
                    actor=request.user,
                    changes=form.to_changes(organisation),
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.text)
            else:
                if get_pending_identity_revision(organisation=organisation) is not None:
                    messages.info(
                        request,
                        _(
                            "The profile is saved. The new name, country or registry identifier "
                            "awaits the center's approval: until then others see the verified "
                            "identity."
                        ),
                    )
                else:
                    messages.success(request, _("The profile is saved."))
                return redirect(organisation)
    else:
        form = OrganisationForm(
            initial=OrganisationForm.initial_from(
                organisation, pending=get_pending_identity_revision(organisation=organisation)
            )
        )
    return render(
        request,
        "directory/organisation_form.html",
        {
            **_identity_context(request, organisation),
            "form": form,
            "organisation": organisation,
            "logo_form": LogoForm(),
        },
    )


@login_required
@require_POST
def organisation_logo(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = _visible_organisation(request, pk)
    if not can_edit_organisation(request.user, organisation):
        raise Http404
    remove = request.POST.get("remove") == "1"
    form = LogoForm(request.POST, request.FILES)
    if not remove and not form.is_valid():
        messages.error(request, _("Choose an image file for the logo."))
        return redirect("directory:edit", pk=pk)
    try:
        set_organisation_logo(
            organisation=organisation,
            actor=request.user,
            upload=None if remove else form.cleaned_data["logo"],
        )
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("The logo is updated."))
    return redirect("directory:edit", pk=pk)


@login_required
def members(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = _visible_organisation(request, pk)
    if not can_manage_members(request.user, organisation):
        raise Http404
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invite_member(
                organisation=organisation,
                actor=request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                language=translation.get_language() or "en",
            )
        except DomainError as error:
            form.add_error("email", error.text)
        else:
            messages.success(request, _("The invitation is sent."))
            return redirect("directory:members", pk=pk)
    return render(
        request,
        "directory/members.html",
        {
            "organisation": organisation,
            "memberships": list_memberships(organisation=organisation),
            "invitations": list_open_invitations(organisation=organisation),
            "form": form,
            "roles": Membership.Role.choices,
        },
    )


def _membership(request: HttpRequest, pk: int, membership_pk: int) -> Membership:
    organisation = _visible_organisation(request, pk)
    return get_object_or_404(Membership, pk=membership_pk, organisation=organisation)


@login_required
@require_POST
def member_role(request: AuthenticatedHttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    membership = _membership(request, pk, membership_pk)
    if not can_manage_members(request.user, membership.organisation):
        raise Http404
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            change_member_role(
                membership=membership, actor=request.user, role=form.cleaned_data["role"]
            )
        except DomainError as error:
            messages.error(request, error.text)
        else:
            messages.success(request, _("The role is changed."))
    else:
        messages.error(request, _("Choose a role."))
    return redirect("directory:members", pk=pk)


@login_required
@require_POST
def member_remove(request: AuthenticatedHttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    membership = _membership(request, pk, membership_pk)
    leaving = membership.user_id == request.user.pk
    if not leaving and not can_manage_members(request.user, membership.organisation):
        raise Http404
    try:
        remove_member(membership=membership, actor=request.user)
    except DomainError as error:
        messages.error(request, error.text)
        return redirect("directory:detail", pk=pk)
    messages.success(
        request, _("You left the organisation.") if leaving else _("The member is removed.")
    )
    if leaving:
        return redirect("home")
    return redirect("directory:members", pk=pk)


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = get_object_or_404(Invitation.objects.select_related("organisation"), token=token)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            accept_invitation(invitation=invitation, actor=request.user)
        except DomainError as error:
            messages.error(request, error.text)
        else:
            messages.success(request, _("You are now a member of this organisation."))
            return redirect(invitation.organisation)
    return render(request, "directory/invitation.html", {"invitation": invitation})


@staff_member_required
def verification_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    identity_changes = [
        {
            "revision": revision,
            "differences": list_identity_differences(revision=revision),
            "can_decide": can_verify_organisation(request.user, revision.organisation),
        }
        for revision in list_pending_identity_revisions()
    ]
    evidence = list_verification_evidence()
    return render(
        request,
        "directory/verification_queue.html",
        {
            "evidence": evidence,
            "organisations": [item.organisation for item in evidence],
            "undoable": list_undoable_verifications(
                actor=request.user, minutes=VERIFICATION_UNDO_MINUTES
            ),
            "undo_minutes": VERIFICATION_UNDO_MINUTES,
            "identity_changes": identity_changes,
            "rejection_form": RejectionForm(),
        },
    )


def _staff_decision(
    request: HttpRequest,
    organisation: Organisation,
    *,
    approve: Callable[[], object],
    refuse: Callable[[str], object],
    approved: str,
    refused: str,
) -> HttpResponse:
    """A staff member's approve-or-refuse on an organisation: a refusal needs the reason the
    organisation will read; back to the queue when the decision was taken there."""
    try:
        if request.POST.get("decision") == "approve":
            approve()
            messages.success(request, approved)
        else:
            form = RejectionForm(request.POST)
            if not form.is_valid():
                messages.error(
                    request, _("Give the reason for the refusal: the organisation will read it.")
                )
                return redirect(organisation)
            refuse(form.cleaned_data["reason"])
            messages.success(request, refused)
    except DomainError as error:
        messages.error(request, error.text)
    if request.POST.get("next") == "queue":
        return redirect("directory:verification_queue")
    return redirect(organisation)


@staff_member_required
@require_POST
def identity_decide(request: AuthenticatedHttpRequest, pk: int, revision_pk: int) -> HttpResponse:
    """Staff approve or refuse a verified organisation's change of name, country or identifier."""
    organisation = _visible_organisation(request, pk)
    revision = get_object_or_404(IdentityRevision, pk=revision_pk, organisation=organisation)
    return _staff_decision(
        request,
        organisation,
        approve=lambda: approve_identity_change(revision=revision, actor=request.user),
        refuse=lambda reason: refuse_identity_change(
            revision=revision, actor=request.user, reason=reason
        ),
        approved=_("The new identity is approved; everyone now sees it."),
        refused=_("The change is refused; the organisation keeps its verified identity."),
    )


@staff_member_required
@require_POST
def verify(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = _visible_organisation(request, pk)
    return _staff_decision(
        request,
        organisation,
        approve=lambda: approve_organisation(organisation=organisation, actor=request.user),
        refuse=lambda reason: reject_organisation(
            organisation=organisation, actor=request.user, reason=reason
        ),
        approved=_("The organisation is verified."),
        refused=_("The verification is refused; the organisation is told why."),
    )


@staff_member_required
@require_POST
def verify_undo(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Take back one's own verification, minutes after a click on the wrong row."""
    organisation = _visible_organisation(request, pk)
    try:
        undo_verification(organisation=organisation, actor=request.user)
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("The verification is undone; the organisation waits again."))
    return redirect("directory:verification_queue")


@login_required
def verification_documents(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The evidence an organisation gives for its verification: its managers add, staff read."""
    organisation = _visible_organisation(request, pk)
    if not can_view_verification_documents(request.user, organisation):
        raise Http404
    can_add = can_edit_organisation(request.user, organisation)
    form = VerificationDocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not can_add:
            raise Http404
        if form.is_valid():
            try:
                add_verification_document(
                    organisation=organisation,
                    actor=request.user,
                    title=form.cleaned_data["title"],
                    upload=form.cleaned_data["file"],
                )
            except DomainError as error:
                form.add_error(error.field or None, error.text)
            else:
                messages.success(request, _("The document is added to your verification."))
                return redirect("directory:documents", pk=organisation.pk)
    return render(
        request,
        "directory/verification_documents.html",
        {
            "organisation": organisation,
            "documents": organisation.verification_documents.select_related("uploaded_by"),
            "form": form if can_add else None,
        },
    )


@login_required
def verification_document_file(
    request: AuthenticatedHttpRequest, pk: int, document_pk: int
) -> HttpResponseBase:
    organisation = _visible_organisation(request, pk)
    if not can_view_verification_documents(request.user, organisation):
        raise Http404
    document = get_object_or_404(VerificationDocument, pk=document_pk, organisation=organisation)
    return serve_private_file(
        document.file, filename=f"verification-{document.pk}.{document.extension}"
    )
