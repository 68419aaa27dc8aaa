"""The center's dashboard charts of compliance screening (counts only, never names), registered
from `ComplianceConfig.ready()`."""

from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

from karvan.compliance.models import Case, CaseEvent
from karvan.insights.metrics import ChartSpec, Filters, Rows, per_month, register_chart


def _cases(filters: Filters) -> QuerySet[Case]:
    rows = Case.objects.all()
    if filters.country:
        rows = rows.filter(organisation__country=filters.country)
    return rows


def cases_by_status(filters: Filters) -> Rows:
    """Every case opened in the span, by where it stands now."""
    rows = _cases(filters).filter(opened_at__gte=filters.since)
    counts = {row["status"]: row["n"] for row in rows.values("status").annotate(n=Count("pk"))}
    return [(str(label), float(counts.get(value, 0))) for value, label in Case.Status.choices]


def decisions_by_month(filters: Filters) -> Rows:
    decisions = CaseEvent.objects.filter(
        action__in=[CaseEvent.Action.CONFIRMED, CaseEvent.Action.CLEARED]
    )
    if filters.country:
        decisions = decisions.filter(case__organisation__country=filters.country)
    return per_month(decisions, "created_at", filters)


def register_charts() -> None:
    section = _("Compliance screening")
    count = _("Count")
    register_chart(
        ChartSpec(
            "screening-cases-by-status",
            section,
            _("Screening cases by status"),
            "bar",
            _("Status"),
            count,
            cases_by_status,
        )
    )
    register_chart(
        ChartSpec(
            "screening-decisions-by-month",
            section,
            _("Screening decisions by month"),
            "column",
            _("Month"),
            count,
            decisions_by_month,
        )
    )
