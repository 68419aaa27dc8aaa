"""Knowledge exchange in the browser: a Persian question, a Chinese answer, found from Chinese."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from karvan.directory.models import Membership
from karvan.knowledge.models import Question
from karvan.matching.index_cache import reset_index
from tests.factories import MembershipFactory, OrganisationFactory, valid_uscc

ARTIFACTS = Path(__file__).parent / "artifacts"


@pytest.fixture(autouse=True)
def _fresh_knowledge_index() -> Iterator[None]:
    reset_index()
    yield
    reset_index()


def test_ask_in_persian_answer_in_chinese_and_find_it_from_a_chinese_query(
    new_page, live_server, log_in, matching_engine
):
    iranian = MembershipFactory(
        organisation=OrganisationFactory(name={"fa": "پسته نوین"}, original_language="fa"),
        user__language="fa",
        role=Membership.Role.OWNER,
    ).user
    chinese = MembershipFactory(
        organisation=OrganisationFactory(
            name={"zh-hans": "广州坚果进口"},
            original_language="zh-hans",
            country="CN",
            registry_id=valid_uscc(3),
        ),
        user__language="zh-hans",
        role=Membership.Role.OWNER,
    ).user

    page = new_page(locale="fa-IR", timezone_id="Asia/Tehran")
    log_in(page, iranian.email)
    page.goto(f"{live_server.url}/knowledge/ask/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.select_option("#id_category", "customs")
    page.select_option("#id_language", "fa")
    page.fill("#id_title", "صادرات پسته به چین و ثبت کارخانه در گمرک چین")
    page.fill(
        "#id_body",
        "برای صادرات پسته به چین چه مدارکی لازم است و ثبت کارخانه در گمرک چین چقدر طول می‌کشد؟",
    )
    page.fill("#id_tags", "پسته، گمرک")
    with page.expect_navigation():
        page.click("#question-form button[type=submit]")
    question = Question.objects.get()
    expect(page).to_have_url(f"{live_server.url}{question.get_absolute_url()}")
    expect(page.locator("main h1")).to_contain_text("صادرات پسته به چین")

    reader = new_page(locale="zh-CN", timezone_id="Asia/Shanghai")
    log_in(reader, chinese.email)
    reader.goto(f"{live_server.url}/knowledge/?q=开心果出口中国海关")
    expect(reader.locator("html")).to_have_attribute("lang", "zh-hans")
    result = reader.locator("#search-results .question-title").first
    expect(result).to_contain_text("صادرات پسته به چین")
    with reader.expect_navigation():
        result.click()
    reader.select_option("#id_language", "zh-hans")
    reader.fill("#id_body", "工厂需要在海关总署的CIFER系统注册，一般需要三到六个月。")
    with reader.expect_navigation():
        reader.click("#answer-form button[type=submit]")
    expect(reader.locator(".answer-body").first).to_contain_text("CIFER")

    page.reload()
    accept = page.locator("form[action*='/accept/'] button")
    with page.expect_navigation():
        accept.click()
    question.refresh_from_db()
    assert question.accepted_answer is not None
    expect(page.locator(".badge.text-bg-success").first).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "fa_knowledge_question.png"), full_page=True)
    # The answer makes the question findable by its words too.
    reader.goto(f"{live_server.url}/knowledge/?q=CIFER")
    expect(reader.locator("#search-results .question-title").first).to_contain_text("پسته")
