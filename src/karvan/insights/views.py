from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from karvan.accounts.http import AuthenticatedHttpRequest
from karvan.core.charts import Filters, get_chart_spec, list_chart_specs
from karvan.core.countries import country_name
from karvan.core.errors import DomainError
from karvan.core.templatetags.karvan import amount, show_datetime
from karvan.core.text import text_direction
from karvan.insights.charts import bar_chart, column_chart
from karvan.insights.exports import charts_to_xlsx, rows_to_csv, rows_to_xlsx
from karvan.insights.forms import DashboardFilterForm, FigureForm
from karvan.insights.metrics import summarise_dashboard
from karvan.insights.models import PublishedFigure
from karvan.insights.permissions import can_publish_figures, can_view_dashboard
from karvan.insights.selectors import (
    corridor_pair,
    count_chapter_activity,
    list_all_figures,
    list_published_figures,
    summarise_direction,
)
from karvan.insights.services import save_published_figure


def _number(value: float) -> str:
    return amount(int(value) if float(value).is_integer() else round(value, 1))


def _staff_only(request: HttpRequest) -> None:
    if not can_view_dashboard(request.user):
        raise Http404


def _filters(request: HttpRequest) -> tuple[DashboardFilterForm, Filters]:
    form = DashboardFilterForm(request.GET or None)
    if request.GET and form.is_valid():
        return form, Filters(
            country=form.cleaned_data["country"] or "", months=form.cleaned_data["months"] or 12
        )
    return form, Filters()


def _rtl() -> bool:
    return text_direction(translation.get_language() or "en") == "rtl"


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The center's staff dashboard: headline figures and every registered chart."""
    _staff_only(request)
    form, filters = _filters(request)
    sections: dict[str, list[dict[str, object]]] = {}
    for spec in list_chart_specs():
        rows = spec.compute(filters)
        svg = (
            column_chart(rows, title=str(spec.title), fmt=_number)
            if spec.kind == "column"
            else bar_chart(rows, title=str(spec.title), fmt=_number, rtl=_rtl())
        )
        sections.setdefault(str(spec.section), []).append({"spec": spec, "rows": rows, "svg": svg})
    return render(
        request,
        "insights/dashboard.html",
        {
            "form": form,
            "sections": sections,
            "summary": summarise_dashboard(filters),
            "querystring": request.GET.urlencode(),
        },
    )


@login_required
def chart_export(request: AuthenticatedHttpRequest, key: str, fmt: str) -> HttpResponse:
    """One chart's rows as CSV or XLSX, with the dashboard's filters."""
    _staff_only(request)
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    try:
        spec = get_chart_spec(key)
    except KeyError as error:
        raise Http404 from error
    _form, filters = _filters(request)
    rows = spec.compute(filters)
    header = [str(spec.category_label), str(spec.value_label)]
    if fmt == "csv":
        response = HttpResponse(rows_to_csv(header, rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            rows_to_xlsx(str(spec.title), header, rows, rtl=_rtl()),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="karvan-{key}.{fmt}"'
    return response


@login_required
def figures(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    """Staff keep the headline figures and choose which are published."""
    if not can_publish_figures(request.user):
        raise Http404
    figure = get_object_or_404(PublishedFigure, pk=pk) if pk else None
    initial: dict[str, object] = {}
    if figure is not None:
        initial = {
            "key": figure.key,
            "value": figure.value,
            "period": figure.period,
            "source": figure.source,
            "position": figure.position,
            "is_published": figure.is_published,
            **{f"label_{code}": text for code, text in figure.label.items()},
            **{f"unit_{code}": text for code, text in figure.unit.items()},
        }
    form = FigureForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {
            name: form.cleaned_data[name]
            for name in ("key", "value", "period", "source", "position", "is_published")
        }
        data["label"], data["unit"] = form.versions("label"), form.versions("unit")
        try:
            save_published_figure(actor=request.user, data=data, figure=figure)
        except DomainError as error:
            form.add_error(None, error.text)
        else:
            messages.success(request, _("The figure is saved."))
            return redirect("insights:figures")
    return render(
        request,
        "insights/figures.html",
        {"form": form, "figure": figure, "figures": list_all_figures()},
    )


def statistics_page(request: HttpRequest) -> HttpResponse:
    """The public statistics page: the figures staff publish, and the trade between the two."""
    first, second = corridor_pair()
    directions = [summarise_direction(first, second), summarise_direction(second, first)]
    return render(
        request,
        "insights/statistics.html",
        {
            "figures": list_published_figures(),
            "directions": directions,
            "can_edit": can_publish_figures(request.user),
        },
    )


def trade(request: HttpRequest) -> HttpResponse:
    """Bilateral trade by HS chapter and year, top products each way, growth, and links to the
    organisations and opportunities of each chapter."""
    first, second = corridor_pair()
    directions = []
    for exporter, importer in ((first, second), (second, first)):
        summary = summarise_direction(exporter, importer)
        activity = count_chapter_activity([code for code, _name, _values in summary.chapters])
        chart = column_chart(
            [
                (str(year), float(total))
                for year, total in zip(summary.years, summary.totals, strict=True)
            ],
            title=_("Total by year (USD)"),
            fmt=lambda value: _number(value / 1_000_000) + "M",
        )
        directions.append({"summary": summary, "activity": activity, "chart": chart})
    return render(request, "insights/trade.html", {"directions": directions})


@login_required
def dashboard_workbook(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every chart of the dashboard in one workbook, a sheet each, with the filters written in."""
    _staff_only(request)
    _form, filters = _filters(request)
    country = filters.country
    described = [
        (_("Country"), country_name(country) if country else _("All countries")),
        (_("Period"), _("the last %(months)s months") % {"months": filters.months}),
        (_("Exported"), show_datetime(timezone.now())),
    ]
    charts = [
        (
            str(spec.title),
            [str(spec.category_label), str(spec.value_label)],
            spec.compute(filters),
        )
        for spec in list_chart_specs()
    ]
    response = HttpResponse(
        charts_to_xlsx(charts, filters=described, rtl=_rtl()),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="karvan-dashboard.xlsx"'
    return response
