"""Pages of the agreements app: drafting, reviewing and signing, the ceremony, verification."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from karvan.accounts.models import User
from karvan.agreements.documents.pdf import render_pdf
from karvan.agreements.documents.platform import root_certificate_pem
from karvan.agreements.documents.rendering import build_document, preview_mark
from karvan.agreements.documents.verification import count_verification, verify_code, verify_pdf
from karvan.agreements.errors import VerificationRateLimitedError
from karvan.agreements.forms import (
    AgreementForm,
    CeremonyForm,
    CommentForm,
    ReviseForm,
    SignatoryForm,
    SignForm,
    VerifyForm,
)
from karvan.agreements.models import Agreement, AgreementParty
from karvan.agreements.permissions import (
    can_edit_agreement,
    can_manage_party,
    can_revise_agreement,
    can_send_agreement,
)
from karvan.agreements.selectors import (
    current_version,
    diff_versions,
    get_agreement,
    is_audit_trail_intact,
    list_agreements,
    list_comments,
    list_events,
    list_valid_signatures,
    list_versions,
    party_of,
    signatory_of,
    signing_document_sha256,
    signing_locked_until,
    signing_parties,
    signing_progress,
)
from karvan.agreements.services.ceremony import hold_at_event_session, set_ceremony
from karvan.agreements.services.drafting import (
    add_comment,
    cancel_agreement,
    create_agreement,
    decide_proposal,
    revise_agreement,
)
from karvan.agreements.services.signatories import name_signatory, remove_signatory
from karvan.agreements.services.signing import (
    request_signing_code,
    send_for_signing,
    sign_agreement,
    unlock_signing,
)
from karvan.compliance.selectors import signing_blocked_reason
from karvan.core.calendars import format_datetime
from karvan.core.errors import DomainError
from karvan.core.files import serve_private_file
from karvan.core.net import client_address, request_origin
from karvan.core.text import localize
from karvan.directory.models import Membership, Organisation
from karvan.events.models import Session
from karvan.events.selectors import list_ceremony_sessions

PERSON_CHOICE = re.compile(r"(?P<party>[0-9]{1,18}):(?P<user>[0-9]{1,18})", re.ASCII)


def _visible(request: HttpRequest, code: str) -> Agreement:
    try:
        return get_agreement(viewer=request.user, code=code)
    except Agreement.DoesNotExist as error:
        raise Http404 from error


def _name(organisation: Organisation) -> str:
    language = translation.get_language() or "en"
    return localize(organisation.name, language, original=organisation.original_language)[0]


def _form_error(form: object, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.text)  # type: ignore[attr-defined]


@login_required
def agreement_list(request: HttpRequest) -> HttpResponse:
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
def create(request: HttpRequest) -> HttpResponse:
    memberships = Membership.objects.filter(user=request.user).select_related("organisation")
    organisations = [(m.organisation_id, _name(m.organisation)) for m in memberships]
    if not organisations:
        messages.info(request, _("Register your organisation, or join one, to draft agreements."))
        return redirect("directory:create")
    partners = [
        (org.pk, f"{_name(org)} ({org.country})")
        for org in Organisation.objects.exclude(
            verification=Organisation.Verification.REJECTED
        ).order_by("country", "pk")[:2000]
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
        others = list(Organisation.objects.filter(pk__in=[int(pk) for pk in data["partners"]]))
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
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The draft is saved. The other parties can now see it."))
            return redirect(agreement)
    return render(request, "agreements/agreement_form.html", {"form": form})


def _detail_context(request: HttpRequest, agreement: Agreement) -> dict[str, object]:
    version = current_version(agreement)
    parties = list(agreement.parties.select_related("organisation"))
    managed = [party for party in parties if can_manage_party(request.user, party)]
    signatory_choices = [
        (f"{party.pk}:{m.user_id}", f"{m.user.display_name} · {_name(party.organisation)}")
        for party in managed
        for m in party.organisation.memberships.select_related("user").filter(
            role__in=[Membership.Role.OWNER, Membership.Role.SIGNATORY]
        )
    ]
    versions = list(list_versions(agreement))
    progress = signing_progress(agreement)
    return {
        "agreement": agreement,
        "version": version,
        "columns": [
            (lang, version.title.get(lang, ""), version.texts.get(lang, ""))
            for lang in agreement.languages
        ],
        "parties": parties,
        "versions": versions,
        "comments": list_comments(agreement),
        "events": list_events(agreement),
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
        "signatory_form": SignatoryForm(choices=signatory_choices) if signatory_choices else None,
        "comment_form": CommentForm(agreement=agreement),
        "ceremony_form": CeremonyForm(
            initial={
                "starts_at": agreement.ceremony_starts_at,
                "room_url": agreement.ceremony_room_url,
            }
        ),
    }


@login_required
def detail(request: HttpRequest, code: str) -> HttpResponse:
    agreement = _visible(request, code)
    return render(request, "agreements/agreement_detail.html", _detail_context(request, agreement))


@login_required
def progress(request: HttpRequest, code: str) -> HttpResponse:
    """The signing progress, polled by htmx on the agreement and ceremony pages."""
    agreement = _visible(request, code)
    return render(
        request,
        "agreements/_progress.html",
        {"agreement": agreement, "progress": signing_progress(agreement)},
    )


@login_required
def edit(request: HttpRequest, code: str) -> HttpResponse:
    agreement = _visible(request, code)
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
            _form_error(form, error)
        else:
            messages.success(request, _("The text is saved as a new version."))
            return redirect(agreement)
    return render(
        request,
        "agreements/agreement_edit.html",
        {"agreement": agreement, "form": form, "version": version},
    )


@login_required
def diff(request: HttpRequest, code: str) -> HttpResponse:
    agreement = _visible(request, code)
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
def comment(request: HttpRequest, code: str) -> HttpResponse:
    agreement = _visible(request, code)
    form = CommentForm(request.POST, agreement=agreement)
    if form.is_valid():
        try:
            add_comment(
                actor=request.user,
                agreement=agreement,
                body=form.cleaned_data["body"],
                language=translation.get_language() or "en",
                proposed_texts=form.proposal(),
            )
        except DomainError as error:
            messages.error(request, error.text)
        else:
            messages.success(request, _("Your comment is posted."))
    else:
        messages.error(request, _("Write a comment."))
    return redirect(agreement)


@login_required
@require_POST
def decide(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    agreement = _visible(request, code)
    proposal = agreement.comments.filter(pk=pk).first()
    if proposal is None:
        raise Http404
    accept = request.POST.get("decision") == "accept"
    try:
        decide_proposal(actor=request.user, comment=proposal, accept=accept)
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(
            request,
            _("The change is accepted: a new version is saved.")
            if accept
            else _("The proposal is declined."),
        )
    return redirect(agreement)


@login_required
@require_POST
def add_signatory(request: HttpRequest, code: str) -> HttpResponse:
    agreement = _visible(request, code)
    # "party:person", ASCII digits only: str.isdigit() also takes "²", which int() refuses.
    chosen = PERSON_CHOICE.fullmatch(request.POST.get("person", ""))
    party = user = None
    if chosen:
        party = AgreementParty.objects.filter(agreement=agreement, pk=chosen["party"]).first()
        user = User.objects.filter(pk=chosen["user"]).first()
    if party is None or user is None:
        messages.error(request, _("Choose a signatory from the list."))
        return redirect(agreement)
    try:
        name_signatory(actor=request.user, agreement=agreement, party=party, user=user)
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("%(person)s will sign.") % {"person": user.display_name})
    return redirect(agreement)


@login_required
@require_POST
def withdraw_signatory(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    agreement = _visible(request, code)
    signatory = agreement.signatories.select_related("party", "user").filter(pk=pk).first()
    if signatory is None:
        raise Http404
    try:
        remove_signatory(actor=request.user, signatory=signatory)
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(
            request, _("%(person)s no longer signs.") % {"person": signatory.user.display_name}
        )
    return redirect(agreement)


@login_required
@require_POST
def unlock_signatory(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """A party's manager lifts the lock that wrong signing codes put on its signatory."""
    agreement = _visible(request, code)
    signatory = agreement.signatories.select_related("party", "user").filter(pk=pk).first()
    if signatory is None:
        raise Http404
    try:
        unlock_signing(actor=request.user, signatory=signatory)
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(
            request,
            _("%(person)s can sign again.") % {"person": signatory.user.display_name},
        )
    return redirect(agreement)


@login_required
@require_POST
def send(request: HttpRequest, code: str) -> HttpResponse:
    agreement = _visible(request, code)
    try:
        send_for_signing(actor=request.user, agreement=agreement)
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("The text is locked and the signatories are asked to sign."))
    return redirect(agreement)


@login_required
@require_POST
def cancel(request: HttpRequest, code: str) -> HttpResponse:
    agreement = _visible(request, code)
    try:
        cancel_agreement(actor=request.user, agreement=agreement)
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("The agreement is cancelled."))
    return redirect(agreement)


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
def ceremony(request: HttpRequest, code: str) -> HttpResponse:
    """The signing ceremony: at an event's session or planned by the parties, its video room and
    the live signing progress."""
    agreement = _visible(request, code)
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
            "progress": signing_progress(agreement),
            "form": form,
            "can_plan": can_plan,
            "session": session,
            "my_signatory": signatory_of(viewer=request.user, agreement=agreement),
        },
    )


@login_required
def sign(request: HttpRequest, code: str) -> HttpResponse:
    agreement = _visible(request, code)
    signatory = signatory_of(viewer=request.user, agreement=agreement)
    if signatory is None:
        raise Http404
    version = current_version(agreement)
    document_sha256 = signing_document_sha256(agreement)
    form = SignForm(initial={"document_sha256": document_sha256})
    if request.method == "POST" and request.POST.get("action") == "code":
        try:
            request_signing_code(actor=request.user, agreement=agreement, **request_origin(request))
        except DomainError as error:
            messages.error(request, error.text)
        else:
            messages.success(
                request,
                _("A one-time code is on its way to %(email)s.") % {"email": request.user.email},
            )
        return redirect("agreements:sign", code=agreement.code)
    if request.method == "POST":
        form = SignForm(request.POST)
        if form.is_valid():
            try:
                sign_agreement(
                    actor=request.user,
                    agreement=agreement,
                    code=form.cleaned_data["code"],
                    typed_name=form.cleaned_data["typed_name"],
                    document_sha256=form.cleaned_data["document_sha256"],
                    drawing_png=form.cleaned_data["drawing"],
                    **request_origin(request),
                )
            except DomainError as error:
                _form_error(form, error)
            else:
                messages.success(request, _("You have signed. Thank you."))
                if agreement.ceremony_starts_at or agreement.ceremony_room_url:
                    return redirect("agreements:ceremony", code=agreement.code)
                return redirect(agreement)
    return render(
        request,
        "agreements/sign.html",
        {
            "agreement": agreement,
            "screening_blocked": signing_blocked_reason(agreement),
            "version": version,
            "columns": [
                (lang, version.title.get(lang, ""), version.texts.get(lang, ""))
                for lang in agreement.languages
            ],
            "signatory": signatory,
            "has_signed": signatory.signatures.filter(voided_at__isnull=True).exists(),
            "has_code": signatory.codes.filter(used_at__isnull=True).exists(),
            "locked_until": signing_locked_until(signatory),
            "document_sha256": document_sha256,
            "signing_parties": signing_parties(agreement),
            "form": form,
        },
    )


@login_required
def preview_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """The current text as a PDF for review or printing, marked as not signed on every page."""
    agreement = _visible(request, code)
    document = build_document(agreement, watermark=preview_mark(agreement))
    response = HttpResponse(render_pdf(document), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{agreement.code}-preview.pdf"'
    return response


@login_required
def download_pdf(request: HttpRequest, code: str) -> HttpResponse:
    agreement = _visible(request, code)
    if not agreement.is_sealed:
        raise Http404
    return serve_private_file(
        agreement.sealed_pdf, filename=f"{agreement.code}.pdf", content_type="application/pdf"
    )


def _too_many_checks(request: HttpRequest, form: VerifyForm) -> HttpResponse | None:
    """The verification page with a 429 once this client address has checked too often."""
    try:
        count_verification(client_address=client_address(request))
    except VerificationRateLimitedError as error:
        return render(
            request, "agreements/verify.html", {"form": form, "limited": error.text}, status=429
        )
    return None


def verify(request: HttpRequest) -> HttpResponse:
    """Public: anyone uploads a PDF or enters a code and sees whether it is authentic."""
    form = VerifyForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and (limited := _too_many_checks(request, VerifyForm())):
        return limited
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data.get("pdf"):
            result = verify_pdf(form.cleaned_data["pdf"])
        else:
            result = verify_code(form.normalised_code())
    return render(
        request,
        "agreements/verify.html",
        {"form": form, "result": result, **_signers(result)},
        status=200,
    )


def verify_code_page(request: HttpRequest, code: str) -> HttpResponse:
    """Public: where the QR code of a sealed PDF leads."""
    if limited := _too_many_checks(request, VerifyForm(initial={"code": code})):
        return limited
    result = verify_code(code)
    return render(
        request,
        "agreements/verify.html",
        {"form": VerifyForm(initial={"code": code}), "result": result, **_signers(result)},
    )


def _signers(result: object) -> dict[str, object]:
    agreement = getattr(result, "agreement", None)
    if agreement is None:
        return {}
    # The parties as the signatures cover them, not as the organisations read today.
    parties = signing_parties(agreement)
    return {
        "signatures": [
            (signature, party_of(signature.parties or parties, signature.organisation_id))
            for signature in list_valid_signatures(agreement)
        ],
        "parties": parties,
        "document_sha256": signing_document_sha256(agreement),
        "audit_intact": is_audit_trail_intact(agreement),
    }


def root_certificate(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(root_certificate_pem(), content_type="application/x-pem-file")
    response["Content-Disposition"] = 'attachment; filename="karvan-root.pem"'
    return response
