"""The registry of the center's dashboard charts, below every app that adds one.

An app describes a chart as a `ChartSpec` whose `compute` returns rows and registers it from its
`AppConfig.ready()`: insights its own (organisations, opportunities, matches), events its
meetings (`events/metrics.py`), agreements the signed ones (`agreements/metrics.py`). Insights
reads the registry to draw the dashboard, the tables and the CSV and XLSX exports, so no app that
adds a chart imports insights, and the order of `INSTALLED_APPS` does not decide the page's order:
`order` does (insights' own charts first, then the others in the order they registered).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.functional import Promise


@dataclass(frozen=True)
class Filters:
    """What the staff narrowed the dashboard to: a country of the organisations, a span."""

    country: str = ""
    months: int = 12

    @property
    def since(self) -> datetime.datetime:
        today = timezone.now().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        year, month = today.year, today.month - (self.months - 1)
        while month <= 0:
            year, month = year - 1, month + 12
        return today.replace(year=year, month=month)


Rows = list[tuple[str, float]]

# Where a chart goes when it names no place: after the center's own charts.
DEFAULT_ORDER = 100


@dataclass(frozen=True)
class ChartSpec:
    key: str
    section: str | Promise
    title: str | Promise
    kind: str  # "column" (over time) or "bar" (over categories)
    category_label: str | Promise
    value_label: str | Promise
    compute: Callable[[Filters], Rows]
    order: int = DEFAULT_ORDER


_CHARTS: dict[str, ChartSpec] = {}


def register_chart(spec: ChartSpec) -> None:
    """Add a chart to the dashboard (registering the same key again replaces it)."""
    _CHARTS[spec.key] = spec


def list_chart_specs() -> list[ChartSpec]:
    """Every registered chart, by `order`, then in the order they were registered."""
    return sorted(_CHARTS.values(), key=lambda spec: spec.order)


def get_chart_spec(key: str) -> ChartSpec:
    """Raises KeyError for an unknown chart."""
    return _CHARTS[key]


def month_labels(filters: Filters) -> list[str]:
    start = filters.since
    labels = []
    year, month = start.year, start.month
    for _index in range(filters.months):
        labels.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return labels


def per_month(queryset: object, field: str, filters: Filters) -> Rows:
    """Counts of the rows by the month of a date field, every month of the span present."""
    counts = {
        row["month"].strftime("%Y-%m"): row["n"]
        # Ignored for mypy: callers pass a QuerySet; `object` keeps core free of app models.
        for row in queryset.filter(**{f"{field}__gte": filters.since})  # type: ignore[attr-defined]
        .annotate(month=TruncMonth(field))
        .values("month")
        .annotate(n=Count("pk"))
        if row["month"] is not None
    }
    return [(label, float(counts.get(label, 0))) for label in month_labels(filters)]
