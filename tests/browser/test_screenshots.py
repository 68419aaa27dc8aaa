"""Full-page screenshots of the main pages in the four interface languages, for a human to review.

The PNGs land in tests/browser/artifacts/<language>_<page>.png (not committed). The test itself
checks what a glance at a screenshot can miss: direction, the script's font, every web font
loaded from Karvan itself, no page wider than the window, descriptions in the other direction
starting on their own side, and no empty place name between separators.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from karvan.directory.services.profiles import create_organisation
from karvan.directory.services.verification import approve_organisation
from tests.factories import UserFactory, valid_iran_national_id, valid_uscc

ARTIFACTS = Path(__file__).parent / "artifacts"

# language: (browser locale, time zone, direction, first font of the body)
LANGUAGES = {
    "en": ("en-GB", "Europe/London", "ltr", None),
    "fa": ("fa-IR", "Asia/Tehran", "rtl", "Vazirmatn"),
    "zh-hans": ("zh-CN", "Asia/Shanghai", "ltr", "Noto Sans SC"),
    "ar": ("ar-AE", "Asia/Dubai", "rtl", None),
}


# Lines of a description written in the other direction than the page that do not start on the
# description's own side (an English text on a Persian page starts on the left).
TEXT_NOT_ON_ITS_OWN_SIDE = """() => {
  const misplaced = [];
  for (const text of document.querySelectorAll(".org-summary > [dir], .org-text > [dir]")) {
    if (text.dir === document.documentElement.dir || !text.textContent.trim()) continue;
    const box = text.parentElement.getBoundingClientRect();
    const range = document.createRange();
    range.selectNodeContents(text);
    const lines = new Map();
    for (const rect of range.getClientRects()) {
      const gap = text.dir === "ltr" ? rect.left - box.left : box.right - rect.right;
      const top = Math.round(rect.top);
      lines.set(top, Math.min(gap, lines.get(top) ?? Infinity));
    }
    for (const gap of lines.values()) {
      if (gap > 2) misplaced.push(`${text.textContent.slice(0, 30)}: ${Math.round(gap)}px`);
    }
  }
  return misplaced;
}"""


@pytest.fixture
def showcase(transactional_db):
    """Verified organisations named and described in several languages, the Chinese one first."""
    staff = UserFactory(is_staff=True, full_name="Center Staff")
    profiles = [
        {
            "kind": "sme",
            "original_language": "zh-hans",
            "country": "CN",
            "registry_id": valid_uscc(11),
            "name": {
                "zh-hans": "广州华包机械有限公司",
                "en": "Guangzhou Huabao Machinery Co., Ltd.",
            },
            "description": {
                "zh-hans": "我们设计和制造食品包装机、灌装机和封口设备，已向中东和中亚出口十五年。",
                "en": "We design and build food packaging, filling and sealing machines, "
                "exported to the Middle East and Central Asia for fifteen years.",
            },
            "city": {"zh-hans": "广州", "en": "Guangzhou"},
            "province": {"zh-hans": "广东省", "en": "Guangdong"},
            "size": "medium",
            "founded_year": 2009,
            "website": "https://huabao.example.cn",
            "certifications": ["ISO 9001", "CE"],
            "sectors": ["28"],
            "products": ["8422"],
        },
        {
            "kind": "sme",
            "original_language": "fa",
            "country": "IR",
            "registry_id": valid_iran_national_id(11),
            "name": {"fa": "شرکت فرآوری پسته رفسنجان", "en": "Rafsanjan Pistachio Processing"},
            "description": {
                "fa": "فرآوری، بسته‌بندی و صادرات پسته و زعفران از سال ۱۳۸۵.",
                "en": "Processing, packing and export of pistachios and saffron since 2006.",
            },
            "city": {"fa": "رفسنجان", "en": "Rafsanjan"},
            "province": {"fa": "کرمان", "en": "Kerman"},
            "products": ["0802"],
        },
        {
            "kind": "industrial_park",
            "original_language": "ar",
            "country": "IR",
            "name": {"ar": "مدينة خرمشهر الصناعية"},
            "description": {"ar": "منطقة صناعية وتجارية حرة على ضفاف شط العرب."},
        },
        {
            "kind": "university",
            "original_language": "en",
            "country": "CN",
            "name": {"en": "Shanghai Institute of Packaging Technology"},
            "description": {"en": "Applied research in food-safe materials and machine design."},
        },
    ]
    organisations = []
    for data in profiles:
        organisation = create_organisation(actor=UserFactory(), data=data)
        approve_organisation(organisation=organisation, actor=staff)
        organisations.append(organisation)
    return organisations


def capture(page, name: str) -> None:
    page.evaluate("document.fonts.ready.then(() => true)")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_main_pages_in_each_language(new_page, live_server, showcase, language):
    """Home, directory and two profiles render in the language's direction, font and web fonts."""
    locale, zone, direction, font = LANGUAGES[language]
    page = new_page(locale=locale, timezone_id=zone)
    machinery, _pistachio, park, _institute = showcase
    pages = {
        "home": "/",
        "directory": "/organisations/",
        "organisation": f"/organisations/{machinery.pk}/",
        "park": f"/organisations/{park.pk}/",  # no city, no province, Arabic only
    }
    for name, path in pages.items():
        page.goto(f"{live_server.url}{path}")
        html = page.locator("html")
        expect(html).to_have_attribute("lang", language)
        expect(html).to_have_attribute("dir", direction)
        if font:
            family = page.evaluate("getComputedStyle(document.body).fontFamily")
            assert family.replace('"', "").startswith(font), family
        capture(page, f"{language}_{name}")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} in {language} is {overflow}px wider than the window"
        failed_fonts = page.evaluate(
            "[...document.fonts].filter(face => face.status === 'error')"
            ".map(face => face.family + ' ' + face.weight)"
        )
        assert failed_fonts == []
        assert page.evaluate(TEXT_NOT_ON_ITS_OWN_SIDE) == []
        assert "· ·" not in page.locator("main").inner_text()
