"""The center's dashboard charts of agreements, registered from `AgreementsConfig.ready()`."""

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from karvan.agreements.models import Agreement, AgreementParty
from karvan.core.charts import ChartSpec, Filters, Rows, per_month, register_chart


def _agreements(filters: Filters) -> QuerySet[Agreement]:
    rows = Agreement.objects.all()
    if filters.country:
        rows = rows.filter(
            Exists(
                AgreementParty.objects.filter(
                    agreement=OuterRef("pk"), organisation__country=filters.country
                )
            )
        )
    return rows


def agreements_signed_by_month(filters: Filters) -> Rows:
    signed = _agreements(filters).filter(status=Agreement.Status.SIGNED)
    return per_month(signed, "signed_at", filters)


def agreements_by_status(filters: Filters) -> Rows:
    """Every agreement started in the span, by where it stands now."""
    rows = _agreements(filters).filter(created_at__gte=filters.since)
    counts = {row["status"]: row["n"] for row in rows.values("status").annotate(n=Count("pk"))}
    return [(str(label), float(counts.get(value, 0))) for value, label in Agreement.Status.choices]


def register_charts() -> None:
    section = _("Agreements")
    count = _("Count")
    register_chart(
        ChartSpec(
            "agreements-signed-by-month",
            section,
            _("Agreements signed by month"),
            "column",
            _("Month"),
            count,
            agreements_signed_by_month,
        )
    )
    register_chart(
        ChartSpec(
            "agreements-by-status",
            section,
            _("Agreements by stage"),
            "bar",
            _("Stage"),
            count,
            agreements_by_status,
        )
    )
