from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema

from karvan.api.main import anyone
from karvan.insights.models import PublishedFigure
from karvan.insights.selectors import corridor_pair, list_published_figures, summarise_direction

router: Router = Router(tags=["statistics"])


class FigureOut(Schema):
    key: str
    label: dict[str, str]
    value: Decimal
    unit: dict[str, str]
    period: str
    source: str


class ChapterOut(Schema):
    chapter: str
    name: str
    values: list[Decimal]


class ProductOut(Schema):
    code: str
    name: str
    value: Decimal


class DirectionOut(Schema):
    exporter: str
    importer: str
    years: list[int]
    totals: list[Decimal]
    growth_percent: list[float | None]
    chapters: list[ChapterOut]
    top_products: list[ProductOut]


@router.get("/figures", response=list[FigureOut], auth=anyone, summary="Published figures")
def figures(request: HttpRequest) -> list[PublishedFigure]:
    return list(list_published_figures())


@router.get("/trade", response=list[DirectionOut], auth=anyone, summary="Bilateral trade")
def trade(request: HttpRequest) -> list[dict[str, object]]:
    """Both directions of the corridor's trade, by HS chapter and year, in USD."""
    first, second = corridor_pair()
    result: list[dict[str, object]] = []
    for exporter, importer in ((first, second), (second, first)):
        summary = summarise_direction(exporter, importer)
        result.append(
            {
                "exporter": exporter,
                "importer": importer,
                "years": summary.years,
                "totals": summary.totals,
                "growth_percent": summary.growth,
                "chapters": [
                    {"chapter": code, "name": name, "values": values}
                    for code, name, values in summary.chapters
                ],
                "top_products": [
                    {"code": code, "name": name, "value": value}
                    for code, name, value in summary.top_products
                ],
            }
        )
    return result
