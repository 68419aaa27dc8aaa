"""The compliance officer's pages: the review queue, a case with its evidence and audit trail."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from karvan.accounts.http import AuthenticatedHttpRequest
from karvan.compliance.exports import decision_header, decision_rows, to_csv, to_xlsx
from karvan.compliance.forms import CaseFilterForm, DecisionForm
from karvan.compliance.permissions import can_review_cases
from karvan.compliance.reasons import explain
from karvan.compliance.selectors import (
    count_cases,
    list_case_events,
    list_cases,
    list_decisions,
    list_versions,
)
from karvan.compliance.services import decide_case, start_review
from karvan.core.errors import DomainError


def _officer(request: HttpRequest) -> None:
    # Other people learn nothing, not even that the pages exist.
    if not can_review_cases(request.user):
        raise Http404


@login_required
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    _officer(request)
    form = CaseFilterForm(request.GET or None)
    status = kind = None
    if form.is_valid():
        status = form.cleaned_data["status"] or None
        kind = form.cleaned_data["kind"] or None
    cases = list_cases(viewer=request.user, status=status, kind=kind)[:200]
    return render(
        request,
        "compliance/case_list.html",
        {
            "form": form,
            "cases": cases,
            "counts": count_cases(viewer=request.user),
            "versions": list_versions()[:10],
        },
    )


@login_required
def case_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _officer(request)
    case = get_object_or_404(list_cases(viewer=request.user), pk=pk)
    form = DecisionForm()
    if request.method == "POST":
        form = DecisionForm(request.POST)
        if form.is_valid():
            try:
                decide_case(
                    actor=request.user,
                    case=case,
                    decision=form.cleaned_data["decision"],
                    comment=form.cleaned_data["comment"],
                )
            except DomainError as error:
                form.add_error(error.field, error.text)
            else:
                messages.success(request, _("The decision is recorded."))
                return redirect("compliance:case", pk=case.pk)
    return render(
        request,
        "compliance/case_detail.html",
        {
            "case": case,
            "explanation": [explain(reason) for reason in case.reasons],
            "events": list_case_events(case=case),
            "form": form,
        },
    )


@login_required
@require_POST
def review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _officer(request)
    case = get_object_or_404(list_cases(viewer=request.user), pk=pk)
    try:
        start_review(actor=request.user, case=case)
    except DomainError as error:
        messages.error(request, error.text)
    return redirect("compliance:case", pk=case.pk)


@login_required
def export_decisions(request: AuthenticatedHttpRequest, fmt: str) -> HttpResponse:
    """Every decision on the cases, as CSV or XLSX, for the compliance file."""
    _officer(request)
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    header, rows = decision_header(), decision_rows(list_decisions(viewer=request.user))
    if fmt == "csv":
        response = HttpResponse(to_csv(header, rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            to_xlsx(header, rows, rtl=get_language_bidi()),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="screening-decisions.{fmt}"'
    return response
