from django.db.models import Count, QuerySet

from karvan.accounts.models import User
from karvan.compliance.models import Case, CaseEvent, ListVersion
from karvan.compliance.permissions import can_review_cases


def list_cases(
    *, viewer: User, status: str | None = None, kind: str | None = None
) -> QuerySet[Case]:
    """The review queue; empty for anyone but compliance officers."""
    if not can_review_cases(viewer):
        return Case.objects.none()
    cases = Case.objects.select_related("organisation", "person", "entry", "list_version")
    if status:
        cases = cases.filter(status=status)
    if kind == "organisation":
        cases = cases.filter(organisation__isnull=False)
    elif kind == "person":
        cases = cases.filter(person__isnull=False)
    return cases.order_by("-opened_at", "-pk")


def count_cases(*, viewer: User) -> dict[str, int]:
    """Cases by status, for the queue's filters and the dashboard."""
    counts = {status: 0 for status in Case.Status.values}
    if can_review_cases(viewer):
        for row in Case.objects.values("status").annotate(n=Count("pk")):
            counts[row["status"]] = row["n"]
    return counts


def list_case_events(*, case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor", "list_version").order_by("created_at", "pk")


def list_versions() -> QuerySet[ListVersion]:
    return ListVersion.objects.order_by("-loaded_at", "-pk")


DECISIONS = (CaseEvent.Action.PROPOSED, CaseEvent.Action.CONFIRMED, CaseEvent.Action.CLEARED)


def list_decisions(*, viewer: User) -> QuerySet[CaseEvent]:
    """Every decision taken or proposed on a case, oldest first; empty for anyone but officers."""
    if not can_review_cases(viewer):
        return CaseEvent.objects.none()
    return (
        CaseEvent.objects.filter(action__in=DECISIONS)
        .select_related(
            "case__organisation", "case__person", "case__entry", "actor", "list_version"
        )
        .order_by("created_at", "pk")
    )


def get_case(*, viewer: User, pk: int) -> Case:
    """One case of the queue; raise Case.DoesNotExist for anyone but officers."""
    return list_cases(viewer=viewer).get(pk=pk)
