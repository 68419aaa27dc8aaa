"""Karvan's summary of a listing: its key facts in the reader's language and digits, offline."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from karvan.opportunities.key_facts import build_key_facts, build_quotation_key_facts
from karvan.opportunities.models import Opportunity, Quotation
from karvan.opportunities.services import create_opportunity, publish_opportunity
from tests.opportunities.demo_listings import (
    SORTING_LINE_RFQ,
    demo_opportunity,
    demo_quotation_terms,
)

pytestmark = pytest.mark.django_db

# The RFQ expires on a known day (Nowruz 1406), so its date is checked as written in each language.
EXPIRES_ON = datetime.date(2027, 3, 21)


@pytest.fixture(autouse=True)
def _three_weeks_before_the_expiry(time_machine) -> None:
    """Today is 28 February 2027, whatever the real date: the RFQ is still open (and listed)."""
    time_machine.move_to(datetime.datetime(2027, 2, 28, 9, 0, tzinfo=datetime.UTC), tick=True)


@pytest.fixture
def rfq(iranian) -> Opportunity:
    """The demo's Persian RFQ for a pistachio sorting and packaging line."""
    data = {
        **demo_opportunity(SORTING_LINE_RFQ),
        "quantity": "1250.5",
        "price_min": "98000",
        "price_max": "130000",
        "price_unit": "set",
        "is_rfq": True,
        "quotation_deadline": timezone.now() + datetime.timedelta(days=12),
    }
    opportunity = create_opportunity(
        actor=iranian.user, organisation=iranian.organisation, data=data
    )
    publish_opportunity(opportunity=opportunity, actor=iranian.user)
    # A fixed expiry (publishing sets one from today), so dates can be compared as written.
    Opportunity.objects.filter(pk=opportunity.pk).update(expires_on=EXPIRES_ON)
    return Opportunity.objects.get(pk=opportunity.pk)


def _facts(opportunity: Opportunity, language: str) -> dict[str, str]:
    return {fact.code: fact.value for fact in build_key_facts(opportunity, language=language).facts}


def test_chinese_reader_gets_the_persian_rfq_in_chinese(rfq):
    summary = build_key_facts(rfq, language="zh-hans")
    facts = {fact.code: fact.value for fact in summary.facts}
    assert summary.language == "zh-hans" and summary.direction == "ltr"
    assert summary.headline == "求购 · 产品 · 询价"
    assert facts["goods"].startswith("HS 8422 洗碟机；") and "、HS 8479 " in facts["goods"]
    mentions = facts["mentions"].split("、")
    assert mentions[0] == "开心果"  # پسته, named in the reader's language
    assert "包装机" in mentions
    assert facts["quantity"] == "1,250.5 套"
    assert facts["price"] == "98,000–130,000 USD 每套"
    assert facts["delivery"] == "CIF Bandar Abbas"
    assert facts["certifications"] == "CE"
    assert facts["target_countries"] == "中国"
    assert facts["expires_on"] == "2027年3月21日"
    assert "quotation_deadline" in facts
    # Nothing of it is Persian: it reads without the original.
    assert not any("\u0600" <= char <= "\u06ff" for value in facts.values() for char in value)


def test_persian_reader_gets_persian_digits_and_the_solar_hijri_date(rfq):
    facts = _facts(rfq, "fa")
    assert facts["quantity"] == "۱٬۲۵۰٫۵ ست"
    assert facts["price"] == "۹۸٬۰۰۰–۱۳۰٬۰۰۰ USD هر دستگاه"
    assert facts["expires_on"] == "۱ فروردین ۱۴۰۶"
    assert facts["mentions"].split("، ")[0] == "پسته"
    assert facts["target_countries"] == "چین"
    assert not any(char.isascii() and char.isdigit() for char in facts["quantity"])


def test_arabic_reader_gets_arabic_indic_digits(rfq):
    summary = build_key_facts(rfq, language="ar")
    facts = {fact.code: fact.value for fact in summary.facts}
    assert summary.direction == "rtl"
    assert summary.headline == "طلب · منتج · طلب عروض أسعار"
    assert facts["quantity"] == "١٬٢٥٠٫٥ مجموعة"
    assert facts["mentions"].split("، ")[0] == "فستق"
    assert facts["target_countries"] == "الصين"
    assert facts["expires_on"] == "٢١ مارس، ٢٠٢٧"


def test_english_reader_gets_the_labels_and_names_in_english(rfq):
    summary = build_key_facts(rfq, language="en")
    facts = {fact.code: fact.value for fact in summary.facts}
    assert summary.headline == "Request · Product · request for quotation"
    labels = [fact.label for fact in summary.facts]
    assert labels[:3] == ["Goods", "The text mentions", "Quantity"]
    brief = [fact.code for fact in summary.brief]  # what a card shows
    assert brief == ["goods", "mentions", "quantity", "price", "delivery"]
    assert facts["mentions"].split(", ")[0] == "pistachio"
    assert facts["quantity"] == "1,250.5 sets"
    assert facts["price"] == "98,000–130,000 USD per set"
    assert facts["target_countries"] == "China"
    assert facts["expires_on"] == "March 21, 2027"


def test_generic_concepts_are_left_out_of_the_summary(iranian):
    opportunity = create_opportunity(
        actor=iranian.user,
        organisation=iranian.organisation,
        data={
            "side": "request",
            "kind": "partnership",
            "language": "en",
            "title": "Machinery and services partnership",
            "description": "We look for machinery and services for our plant.",
        },
    )
    facts = _facts(opportunity, "en")
    assert "mentions" not in facts
    assert "goods" not in facts and "quantity" not in facts


def test_a_quotation_in_chinese_is_summarised_for_the_persian_buyer(rfq, chinese):
    quotation = Quotation.objects.create(
        opportunity=rfq,
        organisation=chinese.organisation,
        unit_price=Decimal("128000.00"),
        currency="USD",
        price_unit="set",
        quantity=Decimal("1"),
        quantity_unit="set",
        lead_time_days=60,
        incoterm="CIF",
        terms=demo_quotation_terms(SORTING_LINE_RFQ, "packaging-guangzhou"),
    )
    facts = {f.code: f.value for f in build_quotation_key_facts(quotation, language="fa").facts}
    assert facts["price"].startswith("۱۲۸٬۰۰۰")
    assert facts["lead_time"] == "۶۰ روز"
    assert facts["delivery"] == "CIF"
    assert "mentions" in facts and not any("\u4e00" <= c <= "\u9fff" for c in facts["mentions"])


def test_the_page_and_the_card_show_the_summary_beside_the_original(client, rfq, chinese):
    client.force_login(chinese.user)
    page = client.get(rfq.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "data-key-facts" in page and 'lang="zh-hans"' in page
    assert "开心果" in page
    assert rfq.description in page  # the original, untouched
    found = client.get(reverse("opportunities:search"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    cards = found.content.decode()
    assert cards.count("data-key-facts") >= 1 and "开心果" in cards


def test_the_api_gives_the_summary_in_the_readers_language(client, rfq):
    response = client.get(f"/api/opportunities/{rfq.pk}", HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 200
    summary = response.json()["key_facts"]
    assert summary["language"] == "ar"
    facts = {fact["code"]: fact["value"] for fact in summary["facts"]}
    assert "فستق" in facts["mentions"] and facts["target_countries"] == "الصين"
