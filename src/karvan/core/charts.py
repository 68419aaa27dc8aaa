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

import jdatetime
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.functional import Promise

from karvan.core.calendars import JALALI, JALALI_MONTHS, get_active_calendar, localize_digits


@dataclass(frozen=True)
class Filters:
    """What the staff narrowed the dashboard to: a country of the organisations, a span."""

    country: str = ""
    months: int = 12

    @property
    def since(self) -> datetime.datetime:
        """The start of the first month of the span, in the reader's calendar and zone."""
        return month_spans(self)[0][1]


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


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _jalali_label(year: int, month: int) -> str:
    name = str(JALALI_MONTHS[month - 1])
    if (translation.get_language() or "en").split("-")[0] == "zh":
        return localize_digits(f"{year}年{name}")
    return localize_digits(f"{name} {year}")


def month_spans(filters: Filters) -> list[tuple[str, datetime.datetime, datetime.datetime]]:
    """The span's months in the reader's calendar, oldest first: (label, start, end).

    A Persian reader's months are Solar Hijri ones ("آذر ۱۴۰۵", from 22 November to 21 December),
    so a row belongs to the month its reader would name; starts and ends are midnights in the
    reader's zone, labels in the reader's digits.
    """
    today = timezone.localdate()
    months: list[tuple[int, int]] = []
    if get_active_calendar() == JALALI:
        current = jdatetime.date.fromgregorian(date=today)
        year, month = current.year, current.month
    else:
        year, month = today.year, today.month
    for _index in range(max(filters.months, 1)):
        months.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    months.reverse()
    spans = []
    for year, month in months:
        next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
        if get_active_calendar() == JALALI:
            start = jdatetime.date(year, month, 1).togregorian()
            end = jdatetime.date(next_year, next_month, 1).togregorian()
            label = _jalali_label(year, month)
        else:
            start = datetime.date(year, month, 1)
            end = datetime.date(next_year, next_month, 1)
            label = localize_digits(f"{year}-{month:02d}")
        spans.append((label, _midnight(start), _midnight(end)))
    return spans


def month_labels(filters: Filters) -> list[str]:
    """The labels of the span's months, in the reader's calendar, language and digits."""
    return [label for label, _start, _end in month_spans(filters)]


def per_month(queryset: object, field: str, filters: Filters) -> Rows:
    """Counts of the rows by the reader's calendar month of a moment, every month present.

    One query: a filtered count per month, since a Solar Hijri month is no SQL `TruncMonth`.
    """
    spans = month_spans(filters)
    # Ignored for mypy: callers pass a QuerySet; `object` keeps core free of app models.
    counts = queryset.aggregate(  # type: ignore[attr-defined]
        **{
            f"month_{index}": Count("pk", filter=Q(**{f"{field}__gte": start, f"{field}__lt": end}))
            for index, (_label, start, end) in enumerate(spans)
        }
    )
    return [
        (label, float(counts[f"month_{index}"] or 0))
        for index, (label, _start, _end) in enumerate(spans)
    ]
