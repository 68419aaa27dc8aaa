"""Searching the directory from its search box, across scripts."""

import re

import pytest
from playwright.sync_api import expect

from karvan.directory.services.profiles import create_organisation
from tests.factories import UserFactory, valid_iran_national_id, valid_uscc


@pytest.fixture
def three_organisations(transactional_db):
    """A Chinese packaging-machine maker, a Persian pistachio processor, an English toolmaker."""
    return {
        "chinese": create_organisation(
            actor=UserFactory(),
            data={
                "kind": "sme",
                "original_language": "zh-hans",
                "country": "CN",
                "registry_id": valid_uscc(7),
                "name": {"zh-hans": "广州华包机械有限公司"},
                "description": {"zh-hans": "我们生产食品包装机和灌装设备，出口中东。"},
                "city": {"zh-hans": "广州"},
            },
        ),
        "persian": create_organisation(
            actor=UserFactory(),
            data={
                "kind": "sme",
                "original_language": "fa",
                "country": "IR",
                "registry_id": valid_iran_national_id(7),
                "name": {"fa": "شرکت فرآوری پسته رفسنجان"},
                "description": {"fa": "فرآوری، بسته‌بندی و صادرات پسته و زعفران."},
                "city": {"fa": "رفسنجان"},
            },
        ),
        "english": create_organisation(
            actor=UserFactory(),
            data={
                "kind": "sme",
                "original_language": "en",
                "country": "IR",
                "name": {"en": "Caspian Precision Tools"},
                "description": {"en": "CNC machining, moulds and cutting tools."},
            },
        ),
    }


def result_names(page):
    return page.locator("#results .card h3")


def search(page, query: str) -> None:
    page.fill("#id_q", query)
    page.press("#id_q", "Enter")  # htmx replaces the results and pushes the URL


@pytest.mark.browser_context(locale="zh-CN", timezone_id="Asia/Shanghai")
def test_chinese_and_persian_queries_find_the_profile_written_in_their_script(
    page, live_server, three_organisations
):
    """包装机 (packaging machine) finds the Guangzhou maker; پسته (pistachio) the Rafsanjan one."""
    page.goto(f"{live_server.url}/organisations/")
    expect(result_names(page)).to_have_count(3)

    search(page, "包装机")
    expect(page).to_have_url(re.compile(r"/organisations/\?(.*&)?q=%E5%8C%85%E8%A3%85%E6%9C%BA"))
    expect(result_names(page)).to_have_text(["广州华包机械有限公司"])
    expect(page.locator("#results [data-total]")).to_have_attribute("data-total", "1")

    search(page, "پسته")
    expect(result_names(page)).to_have_text(["شرکت فرآوری پسته رفسنجان"])
    expect(result_names(page).locator("[lang]")).to_have_attribute("dir", "rtl")

    # The profile found is one click away.
    with page.expect_navigation():
        result_names(page).locator("a").click()
    expect(page.locator("main h1")).to_have_text("شرکت فرآوری پسته رفسنجان")
