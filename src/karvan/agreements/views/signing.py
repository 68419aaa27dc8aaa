"""Sending the text out for signature, asking for a one-time code, and signing (one view each)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from karvan.accounts.http import AuthenticatedHttpRequest
from karvan.agreements.forms import SignForm
from karvan.agreements.selectors import (
    current_version,
    is_held_for_compliance,
    signatory_of,
    signing_document_sha256,
    signing_locked_until,
    signing_parties,
)
from karvan.agreements.services.signing import (
    request_signing_code,
    send_for_signing,
    sign_agreement,
)
from karvan.agreements.views._common import add_form_error, visible_agreement
from karvan.core.errors import ComplianceCheckError, DomainError
from karvan.core.net import request_origin


@login_required
@require_POST
def send(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    agreement = visible_agreement(request, code)
    try:
        send_for_signing(actor=request.user, agreement=agreement)
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("The text is locked and the signatories are asked to sign."))
    return redirect(agreement)


@login_required
@require_POST
def request_code(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """E-mail the signatory a one-time code to sign with."""
    agreement = visible_agreement(request, code)
    if signatory_of(viewer=request.user, agreement=agreement) is None:
        raise Http404
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


@login_required
def sign(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """The text to sign and the signing form; a POST signs with the e-mailed code."""
    agreement = visible_agreement(request, code)
    signatory = signatory_of(viewer=request.user, agreement=agreement)
    if signatory is None:
        raise Http404
    version = current_version(agreement)
    document_sha256 = signing_document_sha256(agreement)
    form = SignForm(initial={"document_sha256": document_sha256})
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
                add_form_error(form, error)
            else:
                messages.success(request, _("You have signed. Thank you."))
                if agreement.ceremony_starts_at or agreement.ceremony_room_url:
                    return redirect("agreements:ceremony", code=agreement.code)
                return redirect(agreement)
    form.mark_first_error()
    return render(
        request,
        "agreements/sign.html",
        {
            "agreement": agreement,
            "screening_blocked": is_held_for_compliance(agreement) and ComplianceCheckError().text,
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
