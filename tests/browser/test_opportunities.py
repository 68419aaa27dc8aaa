"""An opportunity's way across the language border, in two browsers.

A Persian speaker in Rafsanjan publishes a pistachio offer in Persian; a Chinese speaker in
Guangzhou searches for 开心果 (pistachio), finds it, and writes to them in Chinese; the Persian
speaker is told in the navbar and opens the thread. Publishing indexes the offer in an on_commit
callback that the live server runs for real, and the search uses that same process's engine.
"""

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from karvan.opportunities.matching.recommendations import search_opportunities_across_languages
from karvan.opportunities.models import Interest, Opportunity
from karvan.opportunities.services import create_opportunity, publish_opportunity
from tests.browser.pickers import pick
from tests.factories import UserFactory, register_verified_organisation, valid_uscc

TITLE = "پسته اکبری صادراتی، برداشت ۱۴۰۴"
DESCRIPTION = (
    "پسته اکبری خندان با رطوبت زیر ۵ درصد، بسته‌بندی کیسه ۲۵ کیلویی، "
    "ظرفیت صادرات ۵۰۰ تن در سال به چین با گواهی ثبت گمرک چین."
)
INTEREST = "您好！我们是广州的坚果进口商，每月需要两个货柜的阿克巴里开心果，请报CFR黄埔港价格。"


def in_language(language: str, message: str) -> str:
    """The interface text as the server renders it in that language (translated or not yet)."""
    with translation.override(language):
        return translation.gettext(message)


@pytest.fixture
def persian(transactional_db):
    """A Persian-speaking owner of a pistachio processor in Rafsanjan, verified by the center."""
    owner = UserFactory(
        full_name="Reza Karimi",
        full_name_native="رضا کریمی",
        language="fa",
        time_zone="Asia/Tehran",
    )
    register_verified_organisation(
        owner=owner,
        original_language="fa",
        country="IR",
        name={"fa": "پسته نوین رفسنجان"},
        description={"fa": "فرآوری و صادرات پسته."},
    )
    return owner


@pytest.fixture
def chinese(transactional_db):
    """A Chinese-speaking owner of a nut importer in Guangzhou, verified by the center."""
    owner = UserFactory(
        full_name="Wang Wei", full_name_native="王伟", language="zh-hans", time_zone="Asia/Shanghai"
    )
    register_verified_organisation(
        owner=owner,
        original_language="zh-hans",
        country="CN",
        registry_id=valid_uscc(21),
        name={"zh-hans": "广州坚果进口有限公司"},
        description={"zh-hans": "进口伊朗干果和坚果。"},
    )
    return owner


def publish_pistachio_offer(page, live_server) -> int:
    """Fill the form in Persian, pick HS 0802 from the filtered picker, save, then publish."""
    page.goto(f"{live_server.url}/opportunities/")
    with page.expect_navigation():
        page.locator("main a[href='/opportunities/new/']").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")

    page.check("input[name=side][value=offer]")
    page.select_option("#id_kind", "product")
    expect(page.locator("#id_language")).to_have_value("fa")  # the interface language
    page.fill("#id_title", TITLE)
    page.fill("#id_description", DESCRIPTION)

    # The code picker: typing the Persian word narrows 300-odd headings to the one about پسته,
    # which becomes a chip; the form's list holds it.
    pick(page, "id_hs_codes", "پسته", "0802")
    picked = page.locator("#id_hs_codes").evaluate(
        "select => [...select.selectedOptions].map(o => o.value)"
    )
    assert picked == ["0802"]
    # Target countries: found by their Persian name, in the same kind of picker.
    pick(page, "id_target_countries", "چین", "CN", only_match=False)

    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/opportunities/\d+/$"))
    expect(page.locator(".alert-success")).to_have_text(
        in_language("fa", "The draft is saved. Check the advice, then publish it.")
    )
    expect(page.locator("main h1")).to_have_text(TITLE)
    expect(page.locator("main h1")).to_have_attribute("dir", "rtl")

    # The clarity score, in Persian digits, before publishing.
    score = page.get_by_role("progressbar", name=in_language("fa", "Clarity score"))
    expect(score).to_be_visible()
    value = int(score.get_attribute("aria-valuenow"))
    assert 0 < value <= 100
    shown = score.locator("xpath=following-sibling::span[1]").inner_text()
    assert not re.search(r"[0-9]", shown), f"Latin digits in the score {shown!r}"

    pk = int(re.search(r"/opportunities/(\d+)/$", page.url).group(1))
    with page.expect_navigation():
        page.locator(f"form[action='/opportunities/{pk}/publish/'] button").click()
    expect(page.locator(".alert-success")).to_have_text(
        in_language("fa", "The opportunity is published.")
    )
    opportunity = Opportunity.objects.get(pk=pk)
    assert opportunity.status == Opportunity.Status.PUBLISHED
    assert [code.code for code in opportunity.hs_codes.all()] == ["0802"]
    assert (opportunity.language, opportunity.side, opportunity.kind) == ("fa", "offer", "product")
    return pk


def test_persian_offer_found_in_chinese_answered_and_the_owner_told(
    new_page, live_server, log_in, matching_engine, persian, chinese
):
    """پسته offered in Persian; 开心果 searched in Chinese; an interest; a badge; the thread."""
    tehran = new_page(locale="fa-IR", timezone_id="Asia/Tehran")
    log_in(tehran, persian.email)
    pk = publish_pistachio_offer(tehran, live_server)

    # The Chinese buyer, in a browser of their own.
    guangzhou = new_page(locale="zh-CN", timezone_id="Asia/Shanghai")
    log_in(guangzhou, chinese.email)
    guangzhou.goto(f"{live_server.url}/opportunities/")
    expect(guangzhou.locator("html")).to_have_attribute("lang", "zh-hans")
    guangzhou.fill("#id_q", "开心果")
    guangzhou.press("#id_q", "Enter")  # htmx replaces the results and pushes the URL
    expect(guangzhou).to_have_url(
        re.compile(r"/opportunities/\?(.*&)?q=%E5%BC%80%E5%BF%83%E6%9E%9C")
    )
    # Among the results found by words: the Chinese name of HS 0802 (…开心果…) is part of the
    # offer's search document. The next test finds an offer without codes by the engine alone.
    found = guangzhou.locator(f"#results .card a[href='/opportunities/{pk}/']")
    expect(found).to_have_text(TITLE)
    expect(found).to_have_attribute("lang", "fa")
    expect(found).to_have_attribute("dir", "rtl")
    # Indexed by the live server's on_commit callback: the engine of this process finds it too.
    assert pk in [
        opportunity.pk
        for opportunity in search_opportunities_across_languages(viewer=chinese, query="开心果")
    ]

    with guangzhou.expect_navigation():
        found.click()
    expect(guangzhou.locator("main h1")).to_have_text(TITLE)
    guangzhou.fill("#interest-form #id_message", INTEREST)
    with guangzhou.expect_navigation():
        guangzhou.locator("#interest-form button[type=submit]").click()

    interest = Interest.objects.get(opportunity_id=pk)
    expect(guangzhou).to_have_url(f"{live_server.url}/opportunities/interests/{interest.pk}/")
    expect(guangzhou.locator(".alert-success")).to_have_text(
        in_language("zh-hans", "Your interest is sent. The conversation continues here.")
    )
    message = guangzhou.locator("#thread .org-text [lang='zh-hans']")
    expect(message).to_have_text(INTEREST)
    expect(message).to_have_attribute("dir", "ltr")

    # Back in Tehran: the navbar counts two unread notifications, in Persian digits: the
    # center's verification of the organisation and the interest.
    tehran.reload()
    badge = tehran.locator("nav a[href='/notifications/'] .badge")
    expect(badge).to_have_text("۲")
    with tehran.expect_navigation():
        tehran.locator("nav a[href='/notifications/']").click()
    with tehran.expect_navigation():
        tehran.locator(f"main a[href='/opportunities/interests/{interest.pk}/']").click()
    expect(tehran.locator("main h1")).to_contain_text("广州坚果进口有限公司")
    expect(tehran.locator("#thread .org-text [lang='zh-hans']")).to_have_text(INTEREST)
    # The owner may answer: accept and decline are offered.
    accept = in_language("fa", "Accept")
    expect(tehran.get_by_role("button", name=accept, exact=True)).to_be_visible()


def test_an_offer_without_codes_is_found_in_chinese_by_the_engine_alone(
    new_page, live_server, log_in, matching_engine, persian, chinese
):
    """No HS code, no Chinese word: only the engine links 开心果 to پسته, in the one result list."""
    organisation = persian.memberships.get().organisation
    offer = create_opportunity(
        actor=persian,
        organisation=organisation,
        data={
            "side": "offer",
            "kind": "product",
            "language": "fa",
            "title": "پسته فندقی درجه یک برای صادرات",
            "description": "پسته فندقی خندان، برداشت امسال، بسته‌بندی کیسه ۲۵ کیلویی.",
        },
    )
    publish_opportunity(opportunity=offer, actor=persian)  # indexed on commit, in this process
    assert offer.pk in [
        found.pk for found in search_opportunities_across_languages(viewer=chinese, query="开心果")
    ]

    page = new_page(locale="zh-CN", timezone_id="Asia/Shanghai")
    log_in(page, chinese.email)
    page.goto(f"{live_server.url}/opportunities/?q=%E5%BC%80%E5%BF%83%E6%9E%9C")
    # One list: the engine's find is counted and shown like any other result.
    expect(page.locator("#results [data-total]")).to_have_attribute("data-total", "1")
    expect(page.locator("#other-languages")).to_have_count(0)
    found = page.locator(f"#results .card a[href='/opportunities/{offer.pk}/']")
    expect(found).to_have_text("پسته فندقی درجه یک برای صادرات")
    expect(found).to_have_attribute("dir", "rtl")
