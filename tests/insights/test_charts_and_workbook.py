"""The dashboard's drawings and its workbook: whole-number ticks for counts, long labels
shortened with the whole label kept, one sheet per chart with the filters written in."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from karvan.insights.charts import bar_chart, column_chart
from karvan.insights.exports import charts_to_xlsx
from tests.factories import UserFactory

LONG = "Manufacture of machinery for food, beverage and tobacco processing"


def _ticks(svg: str) -> list[str]:
    return re.findall(r'text-anchor="end" fill="#6c757d" direction="ltr">([^<]*)<', svg)


@pytest.mark.parametrize("largest", [3, 7, 18, 45, 130])
def test_counts_get_whole_number_ticks(largest):
    svg = column_chart([("2026-01", 1.0), ("2026-02", float(largest))], title="Counts")
    ticks = _ticks(svg)
    assert len(ticks) == 5
    assert all(float(tick).is_integer() for tick in ticks), ticks
    assert float(ticks[-1]) >= largest


def test_a_long_label_is_shortened_with_an_ellipsis_and_kept_whole_on_hover():
    svg = bar_chart([(LONG, 3.0)], title="Sectors")
    assert "…" in svg
    assert f"<title>{LONG}</title>" in svg  # the whole label on hover
    assert f">{LONG}<" not in svg.replace(f"<title>{LONG}</title>", "")


def test_the_workbook_has_a_sheet_per_chart_with_the_filters():
    workbook = load_workbook(
        io.BytesIO(
            charts_to_xlsx(
                [
                    ("Organisations by month", ["Month", "Organisations"], [("2026-01", 2.0)]),
                    ("Organisations by month", ["Month", "Verified"], [("2026-01", 1.0)]),
                    ("Sectors", ["Sector", "Opportunities"], [(LONG, 3.0)]),
                ],
                filters=[("Country", "Iran"), ("Period", "the last 6 months")],
                rtl=True,
            )
        )
    )
    assert workbook.sheetnames == [
        "Organisations by month",
        "Organisations by month (2)",
        "Sectors",
    ]
    sheet = workbook["Sectors"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Sectors"
    assert ["Country", "Iran"] in values and ["Period", "the last 6 months"] in values
    assert [LONG, 3] in values
    assert sheet.sheet_view.rightToLeft


@pytest.mark.django_db
def test_staff_download_the_whole_dashboard_with_the_filters_they_chose(client):
    client.force_login(UserFactory(is_staff=True))
    response = client.get(
        reverse("insights:dashboard_workbook") + "?country=IR&months=6", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.sheetnames) >= 3
    first = [[cell.value for cell in row] for row in workbook.worksheets[0].iter_rows()]
    assert ["Country", "Iran"] in first
    assert ["Period", "the last 6 months"] in first
