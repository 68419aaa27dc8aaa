"""Naming, withdrawing and unlocking a party's signatories."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from karvan.accounts.http import AuthenticatedHttpRequest
from karvan.accounts.models import User
from karvan.agreements.models import AgreementParty
from karvan.agreements.services.signatories import name_signatory, remove_signatory
from karvan.agreements.services.signing import unlock_signing
from karvan.agreements.views._common import visible_agreement
from karvan.core.errors import DomainError

PERSON_CHOICE = re.compile(r"(?P<party>[0-9]{1,18}):(?P<user>[0-9]{1,18})", re.ASCII)


@login_required
@require_POST
def add_signatory(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    agreement = visible_agreement(request, code)
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
def withdraw_signatory(request: AuthenticatedHttpRequest, code: str, pk: int) -> HttpResponse:
    agreement = visible_agreement(request, code)
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
def unlock_signatory(request: AuthenticatedHttpRequest, code: str, pk: int) -> HttpResponse:
    """A party's manager lifts the lock that wrong signing codes put on its signatory."""
    agreement = visible_agreement(request, code)
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
