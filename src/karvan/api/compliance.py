"""Screening cases and decisions in the API, for the center's compliance officers only: anyone
else finds nothing here (404), and an organisation never learns more of its own screening than
the "under review" its refused actions say."""

import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from karvan.api.auth import request_user
from karvan.api.main import BoundedPageNumberPagination
from karvan.compliance.models import Case, CaseEvent
from karvan.compliance.permissions import can_review_cases
from karvan.compliance.reasons import explain
from karvan.compliance.selectors import get_case, list_case_events, list_cases, list_decisions
from karvan.compliance.services import decide_case, start_review
from karvan.core.errors import NotFoundError

router: Router = Router(tags=["compliance"])

# Ignored for mypy: mypy cannot unpack runtime choices into a Literal; pydantic can.
Status = Literal[*Case.Status.values]  # type: ignore[valid-type]
Decision = Literal["confirmed", "cleared"]


class CaseEventOut(Schema):
    case_id: int
    action: str
    actor: str
    comment: str
    score: float | None
    list_version_id: int | None
    matcher_version: str
    created_at: datetime.datetime


class CaseOut(Schema):
    id: int
    status: str
    proposed_decision: str
    subject_kind: Literal["organisation", "person"]
    organisation_id: int | None
    person_id: int | None
    subject_name: str
    list_source: str
    list_entity_id: str
    list_entry: str
    score: float
    explanation: list[str]
    list_version_id: int
    matcher_version: str
    opened_at: datetime.datetime
    decided_at: datetime.datetime | None


class CaseDetailOut(CaseOut):
    events: list[CaseEventOut]


class DecisionIn(Schema):
    decision: Decision
    comment: str = Field(..., min_length=1, max_length=4000)


def _officer(request: HttpRequest) -> None:
    if not can_review_cases(request_user(request)):
        raise NotFoundError()


def _event_out(event: CaseEvent) -> dict[str, object]:
    return {
        "case_id": event.case_id,
        "action": event.action,
        "actor": event.actor.display_name if event.actor else "",
        "comment": event.comment,
        "score": event.score,
        "list_version_id": event.list_version_id,
        "matcher_version": event.matcher_version,
        "created_at": event.created_at,
    }


def _case_out(case: Case) -> dict[str, object]:
    return {
        "id": case.pk,
        "status": case.status,
        "proposed_decision": case.proposed_decision,
        "subject_kind": "organisation" if case.organisation_id else "person",
        "organisation_id": case.organisation_id,
        "person_id": case.person_id,
        "subject_name": case.subject_name,
        "list_source": case.entry.source,
        "list_entity_id": case.entry.entity_id,
        "list_entry": case.entry.caption,
        "score": case.score,
        "explanation": [explain(reason) for reason in case.reasons],
        "list_version_id": case.list_version_id,
        "matcher_version": case.matcher_version,
        "opened_at": case.opened_at,
        "decided_at": case.decided_at,
    }


def _detail(case: Case) -> dict[str, object]:
    return {**_case_out(case), "events": [_event_out(e) for e in list_case_events(case=case)]}


@router.get("/cases", response=list[CaseOut], summary="Screening cases (compliance officers)")
@paginate(BoundedPageNumberPagination, page_size=50)
def cases(
    request: HttpRequest,
    status: Status | None = None,
    kind: Literal["organisation", "person"] | None = None,
) -> list[dict[str, object]]:
    _officer(request)
    rows = list_cases(viewer=request_user(request), status=status, kind=kind)
    return [_case_out(case) for case in rows[:2000]]


@router.get("/cases/{case_id}", response=CaseDetailOut, summary="A case with its audit trail")
def case(request: HttpRequest, case_id: int) -> dict[str, object]:
    _officer(request)
    return _detail(get_case(viewer=request_user(request), pk=case_id))


@router.post("/cases/{case_id}/review", response=CaseDetailOut, summary="Take a case in hand")
def review(request: HttpRequest, case_id: int) -> dict[str, object]:
    _officer(request)
    found = get_case(viewer=request_user(request), pk=case_id)
    return _detail(start_review(actor=request_user(request), case=found))


@router.post(
    "/cases/{case_id}/decision",
    response=CaseDetailOut,
    summary="Confirm a match or clear a false positive, with a comment",
)
def decide(request: HttpRequest, case_id: int, payload: DecisionIn) -> dict[str, object]:
    _officer(request)
    found = get_case(viewer=request_user(request), pk=case_id)
    decided = decide_case(
        actor=request_user(request),
        case=found,
        decision=payload.decision,
        comment=payload.comment,
    )
    return _detail(get_case(viewer=request_user(request), pk=decided.pk))


@router.get("/decisions", response=list[CaseEventOut], summary="Every decision, oldest first")
@paginate(BoundedPageNumberPagination, page_size=100)
def decisions(request: HttpRequest) -> list[dict[str, object]]:
    _officer(request)
    return [_event_out(event) for event in list_decisions(viewer=request_user(request))[:5000]]
