"""Comments on an agreement, and accepting or declining a proposed change (one view each)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from karvan.accounts.http import AuthenticatedHttpRequest
from karvan.agreements.forms import CommentForm
from karvan.agreements.models import Agreement, Comment
from karvan.agreements.services.drafting import add_comment, decide_proposal
from karvan.agreements.views._common import visible_agreement
from karvan.core.errors import DomainError


@login_required
@require_POST
def comment(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    agreement = visible_agreement(request, code)
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


def _open_proposal(agreement: Agreement, pk: int) -> Comment:
    proposal = agreement.comments.filter(pk=pk).first()
    if proposal is None:
        raise Http404
    return proposal


@login_required
@require_POST
def accept_proposal(request: AuthenticatedHttpRequest, code: str, pk: int) -> HttpResponse:
    """Another party's member accepts a proposed change: it becomes a new version."""
    agreement = visible_agreement(request, code)
    proposal = _open_proposal(agreement, pk)
    try:
        decide_proposal(actor=request.user, comment=proposal, accept=True)
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("The change is accepted: a new version is saved."))
    return redirect(agreement)


@login_required
@require_POST
def decline_proposal(request: AuthenticatedHttpRequest, code: str, pk: int) -> HttpResponse:
    """Another party's member declines a proposed change; the text stays as it is."""
    agreement = visible_agreement(request, code)
    proposal = _open_proposal(agreement, pk)
    try:
        decide_proposal(actor=request.user, comment=proposal, accept=False)
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("The proposal is declined."))
    return redirect(agreement)
