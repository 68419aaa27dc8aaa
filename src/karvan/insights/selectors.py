"""Reading published figures and bilateral trade for the statistics pages and the API."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

from django.conf import settings
from django.db.models import Count, QuerySet, Sum

from karvan.core.models import HsCode
from karvan.directory.models import Organisation
from karvan.insights.models import PublishedFigure, TradeFlow
from karvan.opportunities.models import Opportunity


def list_published_figures() -> QuerySet[PublishedFigure]:
    return PublishedFigure.objects.filter(is_published=True)


def list_all_figures() -> QuerySet[PublishedFigure]:
    return PublishedFigure.objects.all()


def corridor_pair() -> tuple[str, str]:
    corridor = list(settings.KARVAN_CORRIDOR)
    return (corridor[0], corridor[1]) if len(corridor) >= 2 else ("", "")


def _direction(exporter: str, importer: str) -> dict[tuple[int, str], Decimal]:
    """Annual values by (year, code) of goods going from `exporter` to `importer`: what the
    exporter declared, or, where it declared nothing for that year, the importer's mirror."""
    declared: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    mirror: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    rows = TradeFlow.objects.filter(
        reporter__in=[exporter, importer], partner__in=[exporter, importer]
    ).values_list("reporter", "partner", "year", "flow", "commodity_code", "trade_value_usd")
    for reporter, partner, year, flow, code, value in rows:
        if reporter == exporter and partner == importer and flow == TradeFlow.Flow.EXPORT:
            declared[(year, code)] += value
        elif reporter == importer and partner == exporter and flow == TradeFlow.Flow.IMPORT:
            mirror[(year, code)] += value
    years_declared = {year for year, _code in declared}
    result = dict(declared)
    for (year, code), value in mirror.items():
        if year not in years_declared:
            result[(year, code)] = value
    return result


def _chapters(values: dict[tuple[int, str], Decimal]) -> dict[str, dict[int, Decimal]]:
    """By chapter and year; 2-digit rows where a year has them, finer codes summed otherwise."""
    by_year_level: dict[int, dict[int, dict[str, Decimal]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(Decimal))
    )
    for (year, code), value in values.items():
        if code == "TOTAL":
            continue
        by_year_level[year][len(code)][code[:2]] += value
    chapters: dict[str, dict[int, Decimal]] = defaultdict(dict)
    for year, levels in by_year_level.items():
        level = min(levels)
        for chapter, value in levels[level].items():
            chapters[chapter][year] = value
    return chapters


@dataclass(frozen=True)
class DirectionSummary:
    exporter: str
    importer: str
    years: list[int]
    totals: list[Decimal]
    growth: list[float | None]  # per year, against the year before, in percent
    chapters: list[tuple[str, str, list[Decimal]]]  # code, name, values per year
    top_products: list[tuple[str, str, Decimal]]  # code, name, value in the latest year

    @property
    def rows(self) -> list[tuple[int, Decimal, float | None]]:
        """Year, total and growth, for tables."""
        return list(zip(self.years, self.totals, self.growth, strict=True))


def _names(codes: set[str]) -> dict[str, str]:
    return {code.code: code.name for code in HsCode.objects.filter(code__in=codes)}


def summarise_direction(exporter: str, importer: str, *, top: int = 10) -> DirectionSummary:
    values = _direction(exporter, importer)
    chapters = _chapters(values)
    years = sorted({year for by_year in chapters.values() for year in by_year})
    totals = [
        sum((c.get(year, Decimal(0)) for c in chapters.values()), Decimal(0)) for year in years
    ]
    growth: list[float | None] = [None]
    for before, after in pairwise(totals):
        growth.append(float((after - before) / before * 100) if before else None)
    latest = years[-1] if years else None
    finest = max((len(code) for (_y, code) in values if code != "TOTAL"), default=2)
    products = sorted(
        (
            (code, value)
            for (year, code), value in values.items()
            if year == latest and len(code) == finest
        ),
        key=lambda item: -item[1],
    )[:top]
    names = _names(set(chapters) | {code for code, _value in products})
    chapter_rows = sorted(
        (
            (code, names.get(code, ""), [by_year.get(y, Decimal(0)) for y in years])
            for code, by_year in chapters.items()
        ),
        key=lambda row: -row[2][-1] if row[2] else 0,
    )
    return DirectionSummary(
        exporter=exporter,
        importer=importer,
        years=years,
        totals=totals,
        growth=growth[: len(years)],
        chapters=chapter_rows,
        top_products=[(code, names.get(code, ""), value) for code, value in products],
    )


def count_chapter_activity(chapters: list[str]) -> dict[str, tuple[int, int]]:
    """For each HS chapter, how many organisations and open opportunities deal in it."""
    result: dict[str, tuple[int, int]] = {}
    organisations: dict[str, int] = defaultdict(int)
    opportunities: dict[str, int] = defaultdict(int)
    for code, n in (
        Organisation.objects.exclude(verification=Organisation.Verification.REJECTED)
        .values_list("products__code")
        .annotate(n=Count("pk", distinct=True))
    ):
        if code:
            organisations[code[:2]] += n
    for code, n in (
        Opportunity.objects.filter(status=Opportunity.Status.PUBLISHED)
        .values_list("hs_codes__code")
        .annotate(n=Count("pk", distinct=True))
    ):
        if code:
            opportunities[code[:2]] += n
    for chapter in chapters:
        result[chapter] = (organisations.get(chapter, 0), opportunities.get(chapter, 0))
    return result


def count_trade_figures() -> int:
    return TradeFlow.objects.count()


def total_trade_by_year(exporter: str, importer: str) -> dict[int, Decimal]:
    summary = summarise_direction(exporter, importer)
    return dict(zip(summary.years, summary.totals, strict=True))


def sum_trade_value() -> Decimal:
    return TradeFlow.objects.aggregate(total=Sum("trade_value_usd"))["total"] or Decimal(0)
