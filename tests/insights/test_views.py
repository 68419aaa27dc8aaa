import datetime
import io
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from karvan.core.charts import Filters
from karvan.core.errors import NotAllowedError
from karvan.directory.models import Organisation
from karvan.insights.metrics import days_to_first_interest, organisations_by_country
from karvan.insights.models import PublishedFigure
from karvan.insights.selectors import summarise_direction
from karvan.insights.services import import_comtrade_file, save_published_figure
from karvan.opportunities.services import create_opportunity, express_interest, publish_opportunity
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.opportunities.conftest import PISTACHIO_OFFER

SAMPLE = Path(__file__).resolve().parents[2] / "src/karvan/insights/data/comtrade_sample.csv"
pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return UserFactory(is_staff=True)


@pytest.mark.parametrize(
    "url",
    [
        "/insights/",
        "/insights/charts/organisations-by-country.csv",
        "/insights/charts/organisations-by-country.xlsx",
        "/insights/figures/",
    ],
)
def test_only_staff_see_the_dashboard(client, url):
    OrganisationFactory(name={"en": "Secretive Ltd"})
    assert client.get(url).status_code == 302  # to the log-in page
    client.force_login(MembershipFactory().user)
    response = client.get(url)
    assert response.status_code == 404 and b"Secretive" not in response.content


def test_dashboard_shows_charts_with_tables_and_downloads(client, staff):
    OrganisationFactory(country="IR")
    OrganisationFactory(country="CN", registry_id="91440101000000001X")
    client.force_login(staff)
    page = client.get("/insights/", {"country": "IR", "months": "24"}).content.decode()
    assert page.count("<svg") >= 5  # charts without data say so instead
    assert 'href="/insights/charts/organisations-by-country.xlsx?country=IR&amp;months=24"' in page
    assert client.get("/insights/", {"months": "nonsense"}).status_code == 200


def test_chart_downloads_as_csv_and_xlsx(client, staff):
    OrganisationFactory(country="IR")
    client.force_login(staff)
    csv = client.get("/insights/charts/organisations-by-country.csv").content.decode("utf-8-sig")
    assert csv.splitlines() == ["Country,Count", "Iran,1"]
    xlsx = client.get("/insights/charts/organisations-by-country.xlsx")
    assert xlsx["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [cell.value for cell in sheet[3]] == ["Iran", 1]
    assert client.get("/insights/charts/unknown.csv").status_code == 404
    assert client.get("/insights/charts/organisations-by-country.pdf").status_code == 404


def test_country_filter_and_days_to_first_interest(django_capture_on_commit_callbacks):
    """An Iranian seller registered 10 days before a Chinese buyer, registered 4 days before,
    showed interest in its offer: the first interest came 10 and 4 days after registering."""
    seller = MembershipFactory(organisation=OrganisationFactory(country="IR"))
    buyer = MembershipFactory(
        organisation=OrganisationFactory(country="CN", registry_id="91440101000000001X")
    )
    OrganisationFactory(country="IR")  # no interest yet: counted, but has no first interest
    with django_capture_on_commit_callbacks(execute=True):
        offer = create_opportunity(
            actor=seller.user, organisation=seller.organisation, data=PISTACHIO_OFFER
        )
        publish_opportunity(opportunity=offer, actor=seller.user)
        express_interest(
            opportunity=offer,
            actor=buyer.user,
            organisation=buyer.organisation,
            message="我们想买。",
            language="zh-hans",
        )
    now = timezone.now()
    Organisation.objects.filter(pk=seller.organisation_id).update(
        created_at=now - datetime.timedelta(days=10)
    )
    Organisation.objects.filter(pk=buyer.organisation_id).update(
        created_at=now - datetime.timedelta(days=4)
    )
    assert organisations_by_country(Filters()) == [("Iran", 2.0), ("China", 1.0)]
    assert organisations_by_country(Filters(country="CN")) == [("China", 1.0)]
    assert days_to_first_interest(Filters()) == [("Iran", 10.0), ("China", 4.0)]
    assert days_to_first_interest(Filters(country="IR")) == [("Iran", 10.0)]


def test_only_staff_publish_figures_and_the_public_sees_published_ones(client, staff):
    with pytest.raises(NotAllowedError):
        save_published_figure(actor=MembershipFactory().user, data={"key": "parks", "value": 1})
    save_published_figure(
        actor=staff,
        data={
            "key": "iran-parks",
            "label": {"en": "Industrial parks in Iran", "fa": "شهرک‌های صنعتی ایران"},
            "unit": {"en": "parks"},
            "value": 900,
            "is_published": True,
        },
    )
    save_published_figure(
        actor=staff, data={"key": "draft", "label": {"en": "Not yet"}, "value": 1}
    )
    page = client.get(reverse("insights:statistics")).content.decode()
    assert "Industrial parks in Iran" in page and "Not yet" not in page
    api = client.get("/api/statistics/figures").json()
    assert [figure["key"] for figure in api] == ["iran-parks"]
    assert PublishedFigure.objects.count() == 2


def test_trade_pages_show_both_directions_with_mirror_data(client):
    import_comtrade_file(path=SAMPLE)
    iran_to_china = summarise_direction("IR", "CN")
    assert iran_to_china.years == [2022, 2023, 2024]  # 2024 from China's declared imports
    assert iran_to_china.growth[0] is None and iran_to_china.growth[1] is not None
    assert iran_to_china.top_products[0][0] in {"260112", "251511", "080251", "091020"}
    page = client.get(reverse("insights:trade")).content.decode()
    assert "hs_chapter=08" in page and "080251" in page
    trade = client.get("/api/statistics/trade").json()
    assert [(d["exporter"], d["importer"]) for d in trade] == [("IR", "CN"), ("CN", "IR")]


@time_machine.travel(datetime.datetime(2026, 12, 15, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_a_persian_staff_member_reads_the_months_in_the_solar_hijri_calendar(client):
    reader = UserFactory(is_staff=True, language="fa", calendar="jalali", time_zone="Asia/Tehran")
    organisation = OrganisationFactory()
    moment = datetime.datetime(2026, 11, 21, 20, 0, tzinfo=datetime.UTC)  # 22 November in Tehran
    Organisation.objects.filter(pk=organisation.pk).update(created_at=moment)
    client.force_login(reader)
    page = client.get(reverse("insights:dashboard"), {"months": "3"}).content.decode()
    assert "آذر ۱۴۰۵" in page and "آبان ۱۴۰۵" in page and "مهر ۱۴۰۵" in page
    assert "2026-11" not in page
