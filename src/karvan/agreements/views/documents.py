"""The agreement as a PDF (the preview and the sealed one) and the public verification pages."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from karvan.accounts.http import AuthenticatedHttpRequest
from karvan.agreements.documents.pdf import render_pdf
from karvan.agreements.documents.platform import root_certificate_pem
from karvan.agreements.documents.rendering import build_document, preview_mark
from karvan.agreements.documents.verification import count_verification, verify_code, verify_pdf
from karvan.agreements.errors import VerificationRateLimitedError
from karvan.agreements.forms import VerifyForm
from karvan.agreements.selectors import (
    is_audit_trail_intact,
    list_valid_signatures,
    party_of,
    signing_document_sha256,
    signing_parties,
)
from karvan.agreements.views._common import visible_agreement
from karvan.core.files import serve_private_file
from karvan.core.net import client_address


@login_required
def preview_pdf(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """The current text as a PDF for review or printing, marked as not signed on every page."""
    agreement = visible_agreement(request, code)
    document = build_document(agreement, watermark=preview_mark(agreement))
    response = HttpResponse(render_pdf(document), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{agreement.code}-preview.pdf"'
    return response


@login_required
def download_pdf(request: AuthenticatedHttpRequest, code: str) -> HttpResponseBase:
    agreement = visible_agreement(request, code)
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
