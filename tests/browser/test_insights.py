"""The center's dashboard in the browser: a staff member downloads a chart as XLSX; pages in the
four interface languages are saved as screenshots for review."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from karvan.directory.models import Membership, Organisation
from karvan.insights.services import import_comtrade_file, save_published_figure
from karvan.parks.services import save_park_profile, save_unit
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, valid_uscc

ARTIFACTS = Path(__file__).parent / "artifacts"
SAMPLE = Path(__file__).parents[2] / "src/karvan/insights/data/comtrade_sample.csv"
LANGUAGES = {
    "en": ("en-GB", "ltr"),
    "fa": ("fa-IR", "rtl"),
    "zh-hans": ("zh-CN", "ltr"),
    "ar": ("ar-AE", "rtl"),
}
# The page's own content (the shared navigation bar is the base layout's business).
WIDER_THAN_WINDOW = (
    "() => { const m = document.querySelector('main'); return m.scrollWidth > m.clientWidth + 1; }"
)


def _activity() -> None:
    OrganisationFactory(country="IR")
    OrganisationFactory(country="IR", kind=Organisation.Kind.UNIVERSITY)
    OrganisationFactory(country="CN", registry_id=valid_uscc(5))


def test_staff_downloads_a_charts_xlsx(page, live_server, log_in):
    _activity()
    staff = UserFactory(is_staff=True)
    log_in(page, staff.email)
    page.goto(f"{live_server.url}/insights/")
    chart = page.locator("#chart-organisations-by-country")
    expect(chart.locator("svg")).to_be_visible()
    with page.expect_download() as download_info:
        chart.get_by_role("link", name="XLSX").click()
    download = download_info.value
    assert download.suggested_filename == "karvan-organisations-by-country.xlsx"
    sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    rows = {row[0]: row[1] for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert rows == {"Iran": 2, "China": 1}


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_dashboard_parks_and_statistics_in_four_languages(new_page, live_server, log_in, language):
    locale, direction = LANGUAGES[language]
    _activity()
    staff = UserFactory(is_staff=True, language=language)
    admin = MembershipFactory(
        organisation=OrganisationFactory(
            kind=Organisation.Kind.INDUSTRIAL_PARK,
            name={
                "fa": "منطقه آزاد چابهار",
                "en": "Chabahar Free Zone",
                "zh-hans": "恰巴哈尔自由区",
            },
            original_language="fa",
            province={"fa": "سیستان و بلوچستان", "en": "Sistan and Baluchestan"},
            description={"fa": "تنها بندر اقیانوسی ایران.", "en": "Iran's only ocean port."},
        ),
        role=Membership.Role.OWNER,
    )
    park = save_park_profile(
        actor=admin.user,
        organisation=admin.organisation,
        data={
            "latitude": 25.29,
            "longitude": 60.64,
            "total_land_ha": 14000,
            "available_land_ha": 2600,
            "utilities": ["power", "water", "fibre"],
            "logistics": [{"kind": "port", "name": "Shahid Beheshti port", "distance_km": 5}],
            "incentives": {"fa": "۲۰ سال معافیت مالیاتی", "en": "20-year tax holiday"},
            "is_free_zone": True,
        },
    )
    save_unit(
        actor=admin.user,
        park=park,
        data={"kind": "factory", "reference": "CH-F2", "area_m2": Decimal(3000),
              "rent_per_m2_month": Decimal("1.2"), "currency": "USD"},
    )  # fmt: skip
    save_published_figure(
        actor=staff,
        data={
            "key": "parks",
            "value": 900,
            "is_published": True,
            "label": {"en": "Industrial parks in Iran", "fa": "شهرک‌های صنعتی ایران",
                      "zh-hans": "伊朗工业园区", "ar": "المدن الصناعية في إيران"},
            "unit": {"en": "parks", "fa": "شهرک", "zh-hans": "个", "ar": "مدينة"},
        },
    )  # fmt: skip
    import_comtrade_file(path=SAMPLE)

    page = new_page(locale=locale)
    log_in(page, staff.email)
    ARTIFACTS.mkdir(exist_ok=True)
    for name, path in (
        ("dashboard", "/insights/"),
        ("parks", "/parks/"),
        ("park", park.get_absolute_url()),
        ("statistics", "/statistics/"),
        ("trade", "/statistics/trade/"),
    ):
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("html")).to_have_attribute("dir", direction)
        page.screenshot(path=str(ARTIFACTS / f"{language}_insights_{name}.png"), full_page=True)
        assert not page.evaluate(WIDER_THAN_WINDOW), f"{path} is wider than the window"
    page.goto(f"{live_server.url}/parks/")
    expect(page.locator("#park-map svg circle")).to_have_count(1)
