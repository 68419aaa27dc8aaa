"""Persian in the browser: right-to-left layout, Solar Hijri dates, Persian digits."""

import datetime
import re
from pathlib import Path

import time_machine
from django.utils import translation
from playwright.sync_api import expect

from karvan.directory.services.verification import approve_organisation
from tests.factories import UserFactory, register_organisation

PERSIAN_CATALOGUE = (
    Path(__file__).parents[2] / "src/karvan/locale/fa/LC_MESSAGES/django.po"
).read_text(encoding="utf-8")


def farvardin_is_translated() -> bool:
    """Whether the Persian catalogue gives the first Solar Hijri month its Persian name."""
    entry = re.search(
        r'msgctxt "Solar Hijri month"\s+msgid "Farvardin"\s+msgstr "([^"]*)"', PERSIAN_CATALOGUE
    )
    return bool(entry and entry.group(1))


def test_language_switcher_turns_the_page_persian_with_solar_hijri_dates(page, live_server):
    """Nowruz 1405 (21 March 2026) reads as "۱ فروردین ۱۴۰۵" once the page is in Persian."""
    owner = UserFactory()
    staff = UserFactory(is_staff=True)
    organisation = register_organisation(
        owner=owner,
        original_language="fa",
        name={"fa": "شرکت فرآوری پسته رفسنجان", "en": "Rafsanjan Pistachio Processing"},
        description={"fa": "فرآوری و صادرات پسته", "en": "Pistachio processing and export."},
    )
    with time_machine.travel(datetime.datetime(2026, 3, 21, 12, tzinfo=datetime.UTC), tick=False):
        approve_organisation(organisation=organisation, actor=staff)

    page.goto(f"{live_server.url}/organisations/{organisation.pk}/")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")

    with page.expect_navigation():
        page.select_option("select[name=language]", "fa")  # karvan.js submits on change

    expect(page).to_have_url(f"{live_server.url}/organisations/{organisation.pk}/")
    html = page.locator("html")
    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", "fa")
    stylesheets = page.eval_on_selector_all(
        "link[rel=stylesheet]", "links => links.map(link => new URL(link.href).pathname)"
    )
    assert "/static/vendor/bootstrap/css/bootstrap.rtl.min.css" in stylesheets
    assert "/static/vendor/bootstrap/css/bootstrap.min.css" not in stylesheets
    # The RTL build really applies: a navbar's `me-auto` pushes to the left in Persian.
    margin = page.eval_on_selector(".navbar-nav.me-auto", "nav => getComputedStyle(nav).marginLeft")
    assert margin != "0px"
    expect(page.locator("main h1")).to_have_text("شرکت فرآوری پسته رفسنجان")

    with translation.override("fa"):
        verified_on = translation.gettext("Verified on")
    date = page.locator("dt", has_text=verified_on).locator("xpath=following-sibling::dd[1]")
    expect(date).to_contain_text("۱۴۰۵")
    text = date.inner_text().strip()
    assert text.startswith("۱ ")
    assert not re.search(r"[0-9]", text), f"Latin digits in {text!r}"
    if farvardin_is_translated():
        assert text == "۱ فروردین ۱۴۰۵"
    else:  # the Persian month names are not translated yet
        assert text == "۱ Farvardin ۱۴۰۵"
