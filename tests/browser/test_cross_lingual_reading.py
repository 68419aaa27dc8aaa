"""The Chinese packaging maker of the demo finds the Persian RFQ by searching in Chinese, reads its
key facts in Chinese, and (with a stand-in translation server) its description in Chinese."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

import karvan.demo
from karvan.opportunities.services import create_opportunity, publish_opportunity
from tests.factories import UserFactory, register_verified_organisation
from tests.translations.standin import StandIn, stand_in_translator

DATA = Path(karvan.demo.__file__).parent / "data"
RFQ_KEY = "op-pistachio-kerman-sorting-line"
DESCRIPTION_IN_CHINESE = (
    "我们为拉夫桑詹工业园的新加工车间求购一条每小时2吨的完整开心果分选和包装线。"
)


def _demo(file: str, key: str) -> dict:
    entries = json.loads((DATA / f"{file}.json").read_text(encoding="utf-8"))
    return next(entry for entry in entries[file] if entry["key"] == key)


def _organisation(key: str, registry_id: str | None = None) -> tuple[object, object]:
    """The demo's organisation `key` and its first member, registered through the services."""
    entry = _demo("organisations", key)
    person = entry["members"][0]
    owner = UserFactory(
        email=person["email"],
        full_name=person["full_name"],
        language=person["language"],
        time_zone=person["time_zone"],
    )
    extra = {"registry_id": registry_id} if registry_id else {}
    organisation = register_verified_organisation(
        owner=owner,
        original_language=entry["original_language"],
        country=entry["country"],
        name=entry["name"],
        description=entry["description"],
        **extra,
    )
    return owner, organisation


@pytest.fixture
def translator(settings) -> Iterator[StandIn]:
    with stand_in_translator() as server:
        settings.KARVAN_TRANSLATOR_URL = server.url
        settings.KARVAN_TRANSLATOR_TIMEOUT = 5
        yield server


def test_the_chinese_packaging_maker_finds_and_reads_the_persian_rfq(
    new_page, live_server, log_in, matching_engine, transactional_db, translator
):
    buyer, kerman = _organisation("pistachio-kerman")
    maker, _suitong = _organisation(
        "packaging-guangzhou",
        registry_id=_demo("organisations", "packaging-guangzhou")["registry_id"],
    )
    entry = _demo("opportunities", RFQ_KEY)
    fields = [
        "side",
        "kind",
        "language",
        "title",
        "description",
        "hs_codes",
        "sectors",
        "quantity",
        "quantity_unit",
        "currency",
        "incoterm",
        "port",
        "certifications",
        "target_countries",
    ]
    rfq = create_opportunity(
        actor=buyer,
        organisation=kerman,
        data={name: entry[name] for name in fields if entry.get(name) is not None},
    )
    publish_opportunity(opportunity=rfq, actor=buyer)  # indexed on commit, in this process
    translator.table[(rfq.description, "zh-Hans")] = DESCRIPTION_IN_CHINESE

    page = new_page(locale="zh-CN", timezone_id="Asia/Shanghai")
    # The workspace after log-in matches the maker's profile on the fly: slow on a busy machine.
    page.context.set_default_timeout(60_000)
    log_in(page, maker.email)
    page.goto(f"{live_server.url}/opportunities/")
    page.fill("#id_q", "开心果 包装线")
    page.press("#id_q", "Enter")
    found = page.locator(f"#results .card a[href='/opportunities/{rfq.pk}/']")
    expect(found).to_have_text(entry["title"])
    expect(page.locator("#no-match")).to_have_count(0)

    with page.expect_navigation():
        found.click()
    facts = page.locator("main .key-facts.card")
    expect(facts).to_have_attribute("lang", "zh-hans")
    expect(facts.locator(".badge")).to_have_text("Karvan 摘要")
    expect(facts.locator(".key-facts-headline")).to_have_text("求购 · 产品")
    expect(facts.locator("[data-fact='mentions']")).to_contain_text("开心果")
    expect(facts.locator("[data-fact='goods']")).to_contain_text("HS 8422")
    expect(facts.locator("[data-fact='target_countries']")).to_have_text("中国")
    # The original is beside it, as written.
    expect(page.locator("#original-text [lang='fa']")).to_have_text(rfq.description)

    page.locator("#original-text [data-translate]").click()
    translated = page.locator("#original-text [data-machine-translation] p")
    expect(translated).to_have_text(DESCRIPTION_IN_CHINESE, timeout=15_000)
    expect(translated).to_have_attribute("lang", "zh-hans")
    expect(page.locator("#original-text [data-machine-translation] .badge")).to_have_text(
        "机器翻译"
    )
    expect(page.locator("#original-text [lang='fa']")).to_have_text(rfq.description)
    assert [request["source"] for request in translator.requests] == ["fa"]
