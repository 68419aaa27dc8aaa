"""Drafting pages: the list, a new agreement, its page and signing progress, revising, diffs,
cancelling."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from karvan.accounts.http import AuthenticatedHttpRequest
from karvan.agreements.errors import PlaceholderValueMissingError
from karvan.agreements.forms import (
    AgreementForm,
    CeremonyForm,
    CommentForm,
    ReviseForm,
    SignatoryForm,
)
from karvan.agreements.models import Agreement
from karvan.agreements.permissions import (
    can_edit_agreement,
    can_manage_party,
    can_revise_agreement,
    can_send_agreement,
)
from karvan.agreements.selectors import (
    current_version,
    diff_versions,
    list_agreements,
    list_audit_entries,
    list_comments,
    list_possible_partners,
    list_send_blockers,
    list_signing_progress,
    list_versions,
    proposal_diffs,
    signatory_of,
    signing_locked_until,
)
from karvan.agreements.services.drafting import cancel_agreement, create_agreement, revise_agreement
from karvan.agreements.views._common import add_form_error, organisation_name, visible_agreement
from karvan.core.errors import DomainError
from karvan.directory import memberships
from karvan.directory.models import Organisation


@login_required
def agreement_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in Agreement.Status.values:
        status = ""
    rows = list_agreements(viewer=request.user, status=status).order_by("-updated_at")
    return render(
        request,
        "agreements/agreement_list.html",
        {"agreements": rows[:200], "status": status, "statuses": Agreement.Status.choices},
    )


@login_required
def create(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisations = [
        (m.organisation_id, organisation_name(m.organisation))
        for m in memberships.memberships_of(request.user)
    ]
    if not organisations:
        messages.info(request, _("Register your organisation, or join one, to draft agreements."))
        return redirect("directory:create")
    partners = [
        (org.pk, f"{organisation_name(org)} ({org.country})")
        for org in list_possible_partners().order_by("country", "pk")[:2000]
    ]
    language = translation.get_language() or "en"
    form = AgreementForm(
        request.POST or None,
        organisations=organisations,
        partners=partners,
        initial={"languages": [language], "prevailing_language": language},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        initiator = Organisation.objects.get(pk=int(data["initiator"]))
        others = list(list_possible_partners().filter(pk__in=[int(pk) for pk in data["partners"]]))
        try:
            agreement = create_agreement(
                actor=request.user,
                initiator=initiator,
                partners=others,
                languages=data["languages"],
                prevailing_language=data["prevailing_language"],
                template=data["template"],
                values=form.values(),
                title=form.versions("title"),
                texts=form.versions("text"),
                is_ordered=data["is_ordered"],
            )
        except PlaceholderValueMissingError as error:
            # At the empty field of that language, where the person fills it in.
            code, name = error.params["language_code"], error.params["placeholder"]
            field = f"value_{name}_{code}"
            form.add_error(field if field in form.fields else None, error.text)
        except DomainError as error:
            add_form_error(form, error)
        else:
            messages.success(request, _("The draft is saved. The other parties can now see it."))
            return redirect(agreement)
    return render(request, "agreements/agreement_form.html", {"form": form})


def _detail_context(request: AuthenticatedHttpRequest, agreement: Agreement) -> dict[str, object]:
    version = current_version(agreement)
    parties = list(agreement.parties.select_related("organisation"))
    managed = [party for party in parties if can_manage_party(request.user, party)]
    signatory_choices = [
        (
            f"{party.pk}:{m.user_id}",
            f"{m.user.display_name} · {organisation_name(party.organisation)}",
        )
        for party in managed
        for m in memberships.members_of(party.organisation_id, roles=memberships.SIGNING_ROLES)
    ]
    versions = list(list_versions(agreement))
    progress = list_signing_progress(agreement)
    comments = list(list_comments(agreement))
    return {
        "agreement": agreement,
        "version": version,
        "columns": [
            (lang, version.title.get(lang, ""), version.texts.get(lang, ""))
            for lang in agreement.languages
        ],
        "parties": parties,
        "versions": versions,
        "comments": comments,
        "proposal_diffs": proposal_diffs(comments),
        "audit_entries": list_audit_entries(agreement),
        "progress": progress,
        "removable": [
            row.signatory
            for row in progress
            if row.signature is None and row.signatory.party in managed
        ],
        "locked": [
            row.signatory
            for row in progress
            if row.signatory.party in managed and signing_locked_until(row.signatory)
        ],
        "my_signatory": signatory_of(viewer=request.user, agreement=agreement),
        "can_edit": can_edit_agreement(request.user, agreement),
        "can_send": can_send_agreement(request.user, agreement),
        "send_blockers": [
            blocker.text
            for blocker in (
                list_send_blockers(agreement) if agreement.status == Agreement.Status.DRAFT else []
            )
        ],
        "signatory_form": SignatoryForm(choices=signatory_choices) if signatory_choices else None,
        "comment_form": CommentForm(agreement=agreement, current_texts=version.texts),
        "ceremony_form": CeremonyForm(
            initial={
                "starts_at": agreement.ceremony_starts_at,
                "room_url": agreement.ceremony_room_url,
            }
        ),
    }


@login_required
def detail(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    agreement = visible_agreement(request, code)
    return render(request, "agreements/agreement_detail.html", _detail_context(request, agreement))


@login_required
def progress(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """The signing progress, polled by htmx on the agreement and ceremony pages."""
    agreement = visible_agreement(request, code)
    return render(
        request,
        "agreements/_progress.html",
        {"agreement": agreement, "progress": list_signing_progress(agreement)},
    )


@login_required
def edit(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    agreement = visible_agreement(request, code)
    if not can_revise_agreement(request.user, agreement):
        raise PermissionDenied
    version = current_version(agreement)
    initial = {f"title_{lang}": version.title.get(lang, "") for lang in agreement.languages}
    initial.update({f"text_{lang}": version.texts.get(lang, "") for lang in agreement.languages})
    form = ReviseForm(request.POST or None, agreement=agreement, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            revise_agreement(
                actor=request.user,
                agreement=agreement,
                title=form.versions("title"),
                texts=form.versions("text"),
                note=form.cleaned_data["note"],
                void_signatures=form.cleaned_data["void_signatures"],
            )
        except DomainError as error:
            add_form_error(form, error)
        else:
            messages.success(request, _("The text is saved as a new version."))
            return redirect(agreement)
    return render(
        request,
        "agreements/agreement_edit.html",
        {"agreement": agreement, "form": form, "version": version},
    )


@login_required
def diff(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    agreement = visible_agreement(request, code)
    latest = current_version(agreement).number
    try:
        old = int(request.GET.get("old", max(latest - 1, 1)))
        new = int(request.GET.get("new", latest))
        changes = diff_versions(agreement, old, new)
    except (ValueError, agreement.versions.model.DoesNotExist):
        messages.error(request, _("Choose two versions that exist."))
        return redirect(agreement)
    return render(
        request,
        "agreements/agreement_diff.html",
        {
            "agreement": agreement,
            "old": old,
            "new": new,
            "changes": changes,
            "numbers": list(range(1, latest + 1)),
        },
    )


@login_required
@require_POST
def cancel(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    agreement = visible_agreement(request, code)
    try:
        cancel_agreement(actor=request.user, agreement=agreement)
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("The agreement is cancelled."))
    return redirect(agreement)
