"""The center's own dashboard charts (organisations, opportunities, matches), registered in
`core.charts` from `InsightsConfig.ready()` ahead of the charts other apps add there.
"""

import datetime
import statistics
from collections import Counter, defaultdict
from dataclasses import replace

from django.db.models import Count, Min, QuerySet
from django.utils.translation import gettext_lazy as _

from karvan.core.charts import ChartSpec, Filters, Rows, per_month, register_chart
from karvan.core.countries import country_name
from karvan.directory import memberships
from karvan.directory.models import Organisation
from karvan.notifications.models import Notification
from karvan.opportunities.models import Interest, Opportunity


def _organisations(filters: Filters) -> QuerySet[Organisation]:
    rows = Organisation.objects.all()
    return rows.filter(country=filters.country) if filters.country else rows


def _opportunities(filters: Filters) -> QuerySet[Opportunity]:
    rows = Opportunity.objects.exclude(status=Opportunity.Status.DRAFT)
    return rows.filter(organisation__country=filters.country) if filters.country else rows


def _interests(filters: Filters) -> QuerySet[Interest]:
    rows = Interest.objects.all()
    return rows.filter(organisation__country=filters.country) if filters.country else rows


def _sorted(counter: Counter[str] | dict[str, float]) -> Rows:
    return sorted(((k, float(v)) for k, v in counter.items()), key=lambda r: (-r[1], r[0]))


def organisations_by_month(filters: Filters) -> Rows:
    return per_month(_organisations(filters), "created_at", filters)


def organisations_by_country(filters: Filters) -> Rows:
    counts = _organisations(filters).values("country").annotate(n=Count("pk"))
    return _sorted({country_name(row["country"]): row["n"] for row in counts})


def organisations_by_kind(filters: Filters) -> Rows:
    labels = dict(Organisation.Kind.choices)
    counts = _organisations(filters).values("kind").annotate(n=Count("pk"))
    return _sorted({str(labels.get(row["kind"], row["kind"])): row["n"] for row in counts})


def opportunities_by_month(filters: Filters) -> Rows:
    return per_month(_opportunities(filters), "published_at", filters)


def opportunities_by_kind(filters: Filters) -> Rows:
    labels = dict(Opportunity.Kind.choices)
    counts = _opportunities(filters).values("kind").annotate(n=Count("pk"))
    return _sorted({str(labels.get(row["kind"], row["kind"])): row["n"] for row in counts})


def opportunities_by_sector(filters: Filters) -> Rows:
    """Published opportunities by ISIC section of their sectors (top ten)."""
    counter: Counter[str] = Counter()
    rows = _opportunities(filters).prefetch_related("sectors__parent")
    for opportunity in rows:
        sections = set()
        for code in opportunity.sectors.all():
            top = code
            while top.parent is not None:  # no query when parent_id is None
                top = top.parent
            sections.add(f"{top.code} · {top.name}")
        counter.update(sections)
    return _sorted(counter)[:10]


def interests_by_month(filters: Filters) -> Rows:
    return per_month(_interests(filters), "created_at", filters)


def interests_by_status(filters: Filters) -> Rows:
    labels = dict(Interest.Status.choices)
    counts = _interests(filters).values("status").annotate(n=Count("pk"))
    return _sorted({str(labels.get(row["status"], row["status"])): row["n"] for row in counts})


def matches_shown_and_acted_on(filters: Filters) -> Rows:
    """Match alerts sent (the matches shown), and those after which the recipient's
    organisation expressed interest in the suggested opportunity (acted on)."""
    alerts = Notification.objects.filter(kind="matching.new_match", created_at__gte=filters.since)
    if filters.country:
        alerts = alerts.filter(recipient__memberships__organisation__country=filters.country)
    rows = list(alerts.values("recipient_id", "url", "created_at").distinct())
    member_of = memberships.organisation_ids_by_person({alert["recipient_id"] for alert in rows})
    interests: dict[str, list[tuple[int, datetime.datetime]]] = defaultdict(list)
    for interest in Interest.objects.filter(created_at__gte=filters.since).select_related(
        "opportunity"
    ):
        interests[interest.opportunity.get_absolute_url()].append(
            (interest.organisation_id, interest.created_at)
        )
    acted = sum(
        1
        for alert in rows
        if any(
            organisation in member_of[alert["recipient_id"]] and at >= alert["created_at"]
            for organisation, at in interests.get(alert["url"], [])
        )
    )
    return [(str(_("Matches shown")), float(len(rows))), (str(_("Acted on")), float(acted))]


def days_to_first_interest(filters: Filters) -> Rows:
    """Median days from an organisation's registration to its first interest, expressed or
    received, by country."""
    firsts = (
        _organisations(filters)
        .annotate(
            shown=Min("interests_shown__created_at"),
            received=Min("opportunities__interests__created_at"),
        )
        .values_list("country", "created_at", "shown", "received")
    )
    days: dict[str, list[float]] = defaultdict(list)
    for country, registered, shown, received in firsts:
        first = min((at for at in (shown, received) if at is not None), default=None)
        if first is not None:
            seconds = max((first - registered).total_seconds(), 0)
            days[country_name(country)].append(seconds / 86400)
    return _sorted(
        {country: round(statistics.median(values), 1) for country, values in days.items()}
    )


def summarise_dashboard(filters: Filters) -> dict[str, float | None]:
    """The headline figures above the charts."""
    organisations = _organisations(filters)
    first_days = [value for _country, value in days_to_first_interest(filters)]
    return {
        "organisations": organisations.count(),
        "verified": organisations.filter(verification=Organisation.Verification.VERIFIED).count(),
        "opportunities": _opportunities(filters).count(),
        "interests": _interests(filters).count(),
        "accepted": _interests(filters).filter(status=Interest.Status.ACCEPTED).count(),
        "median_days_to_first_interest": statistics.median(first_days) if first_days else None,
    }


# The center's own charts open the dashboard, before those of events and agreements.
CENTER_ORDER = 10


def register_core_sections() -> None:
    people = _("Organisations")
    market = _("Opportunities and interest")
    results = _("Matches and results")
    count = _("Count")
    for spec in (
        ChartSpec(
            "organisations-by-month",
            people,
            _("Registrations by month"),
            "column",
            _("Month"),
            count,
            organisations_by_month,
        ),
        ChartSpec(
            "organisations-by-country",
            people,
            _("Organisations by country"),
            "bar",
            _("Country"),
            count,
            organisations_by_country,
        ),
        ChartSpec(
            "organisations-by-kind",
            people,
            _("Organisations by kind"),
            "bar",
            _("Kind"),
            count,
            organisations_by_kind,
        ),
        ChartSpec(
            "opportunities-by-month",
            market,
            _("Opportunities published by month"),
            "column",
            _("Month"),
            count,
            opportunities_by_month,
        ),
        ChartSpec(
            "opportunities-by-kind",
            market,
            _("Opportunities by kind"),
            "bar",
            _("Kind"),
            count,
            opportunities_by_kind,
        ),
        ChartSpec(
            "opportunities-by-sector",
            market,
            _("Opportunities by sector"),
            "bar",
            _("Sector (ISIC)"),
            count,
            opportunities_by_sector,
        ),
        ChartSpec(
            "interests-by-month",
            market,
            _("Expressions of interest by month"),
            "column",
            _("Month"),
            count,
            interests_by_month,
        ),
        ChartSpec(
            "interests-by-status",
            market,
            _("Expressions of interest by outcome"),
            "bar",
            _("Outcome"),
            count,
            interests_by_status,
        ),
        ChartSpec(
            "matches",
            results,
            _("Matches shown and acted on"),
            "bar",
            _("Matches"),
            count,
            matches_shown_and_acted_on,
        ),
        ChartSpec(
            "days-to-first-interest",
            results,
            _("Median days from registration to first interest"),
            "bar",
            _("Country"),
            _("Days"),
            days_to_first_interest,
        ),
    ):
        register_chart(replace(spec, order=CENTER_ORDER))
