"""The member's workspace in the four languages, on a desktop and on a 390-px phone.

A Persian pistachio exporter has an interest to answer (and its unread notification), a pending
registration for a coming fair and a Chinese importer as a confident partner; a newcomer without
an organisation gets the start checklist. Screenshots land in tests/browser/artifacts/
dashboard_<language>_<size>.png for a human to look at.
"""

import datetime
from pathlib import Path

import pytest
from django.utils import translation
from playwright.sync_api import expect

from karvan.core.calendars import default_calendar
from karvan.directory.models import Membership
from karvan.events.models import Event
from karvan.events.services.registrations import register_person
from karvan.events.services.setup import add_session, create_event
from karvan.opportunities.services import create_opportunity, express_interest, publish_opportunity
from tests.dates import fair_day
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, valid_uscc

ARTIFACTS = Path(__file__).parent / "artifacts"

# language: (browser locale, time zone, direction, native digit one)
LANGUAGES = {
    "en": ("en-GB", "Europe/London", "ltr", "1"),
    "fa": ("fa-IR", "Asia/Tehran", "rtl", "۱"),
    "zh-hans": ("zh-CN", "Asia/Shanghai", "ltr", "1"),
    "ar": ("ar-AE", "Asia/Dubai", "rtl", "١"),
}
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def in_language(language: str, message: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


def _listing(membership: Membership, data: dict[str, object]) -> None:
    opportunity = create_opportunity(
        actor=membership.user, organisation=membership.organisation, data=data
    )
    publish_opportunity(opportunity=opportunity, actor=membership.user)


@pytest.fixture
def exporter_day(transactional_db, matching_engine):
    """Returns a function making the exporter, in a given language, and their day's data."""

    def make(language: str) -> object:
        exporter = MembershipFactory(
            organisation=OrganisationFactory(
                name={"fa": "پسته نوین رفسنجان", "en": "Novin Pistachio Rafsanjan"},
                original_language="fa",
                country="IR",
            ),
            user=UserFactory(
                email=f"exporter-{language}@example.test",
                language=language,
                calendar=default_calendar(language),  # as sign-up chooses it
            ),
            role=Membership.Role.OWNER,
        )
        importer = MembershipFactory(
            organisation=OrganisationFactory(
                name={"zh-hans": "广州坚果进口有限公司"},
                original_language="zh-hans",
                country="CN",
                registry_id=valid_uscc(7),
            ),
            user=UserFactory(language="zh-hans"),
            role=Membership.Role.OWNER,
        )
        _listing(
            exporter,
            {
                "side": "offer",
                "kind": "product",
                "language": "fa",
                "title": "پسته اکبری صادراتی، برداشت ۱۴۰۴",
                "description": "پسته اکبری خندان با رطوبت زیر ۵ درصد، بسته‌بندی کیسه ۲۵ کیلویی، "
                "ظرفیت صادرات ۵۰۰ تن در سال به چین با گواهی ثبت گمرک چین.",
                "hs_codes": ["0802"],
                "sectors": ["10"],
            },
        )
        _listing(
            importer,
            {
                "side": "request",
                "kind": "product",
                "language": "zh-hans",
                "title": "求购伊朗开心果，每月两个货柜",
                "description": "广州坚果进口商长期求购伊朗开心果，"
                "要求自然开口、含水量低于百分之五，需有海关总署注册，CFR 黄埔港。",
                "hs_codes": ["0802"],
                "sectors": ["46"],
            },
        )
        offer = exporter.organisation.opportunities.get()
        express_interest(
            opportunity=offer,
            actor=importer.user,
            organisation=importer.organisation,
            message="我们每月需要两个货柜。",
            language="zh-hans",
        )
        organiser = MembershipFactory(
            organisation=OrganisationFactory(country="CN", name={"zh-hans": "博览会秘书处"})
        ).user
        day = fair_day()
        fair = create_event(
            actor=organiser,
            organiser=organiser.memberships.get().organisation,
            data={
                "kind": Event.Kind.FAIR,
                "title": {"en": "Guangzhou SME Fair", "zh-hans": "广州中小企业博览会"},
                "time_zone": "Asia/Shanghai",
                "starts_on": day,
                "ends_on": day,
            },
        )
        fair.status = Event.Status.PUBLISHED
        fair.save()
        add_session(
            actor=organiser,
            event=fair,
            data={
                "day": day,
                "start_time": datetime.time(9, 0),
                "end_time": datetime.time(10, 0),
                "meeting_minutes": 30,
                "break_minutes": 0,
                "tables": 3,
            },
        )
        register_person(
            actor=exporter.user,
            event=fair,
            organisation=exporter.organisation,
            person=exporter.user,
        )
        return exporter

    return make


def _no_overflow(page: object, what: str) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{what} is {overflow}px wider than the window"


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_workspace_in_each_language_on_desktop_and_phone(
    new_page, live_server, log_in, exporter_day, language
):
    locale, zone, direction, one = LANGUAGES[language]
    exporter = exporter_day(language)
    for size, viewport in SIZES.items():
        page = new_page(locale=locale, timezone_id=zone)
        log_in(page, exporter.user.email)  # the navbar's user menu shows at desktop width
        page.set_viewport_size(viewport)
        page.goto(f"{live_server.url}/")
        html = page.locator("html")
        expect(html).to_have_attribute("lang", language)
        expect(html).to_have_attribute("dir", direction)
        expect(page).to_have_title(
            f"{in_language(language, 'Your workspace')} · {in_language(language, 'Karvan')}"
        )
        # What waits: one interest to answer, shown with a true count in the reader's digits.
        interests = page.locator('[data-block="interests"]')
        expect(interests.locator("[data-count]")).to_have_attribute("data-count", "1")
        expect(interests.locator("[data-count]")).to_have_text(one)
        expect(interests).to_contain_text("广州坚果进口有限公司")
        unread = exporter.user.notifications.filter(read_at__isnull=True).count()
        assert unread >= 1  # the interest received, at least
        expect(page.locator('[data-block="notifications"] [data-count]')).to_have_attribute(
            "data-count", str(unread)
        )
        # What is next: the fair, pending; no meetings yet, with the button to find some.
        registrations = page.locator('[data-block="registrations"]')
        expect(registrations.locator("[data-count]")).to_have_attribute("data-count", "1")
        meetings = page.locator('[data-block="meetings"]')
        expect(meetings.locator("a.btn")).to_have_text(in_language(language, "Browse events"))
        # Partners: the Chinese importer, a confident match for the exporter's pistachios.
        expect(page.locator("#dashboard-partners")).to_contain_text("求购伊朗开心果")
        # Cards follow the page's direction: on a right-to-left page the count badge sits left.
        header = interests.locator(".card-header")
        title_box = header.locator("a").bounding_box()
        badge_box = header.locator("[data-count]").bounding_box()
        if direction == "rtl":
            assert badge_box["x"] < title_box["x"]
        else:
            assert badge_box["x"] > title_box["x"]
        if size == "phone":
            # The two columns stack: what waits comes before what is next.
            waiting = page.locator("#dashboard-waiting").bounding_box()
            coming = page.locator("#dashboard-next").bounding_box()
            assert coming["y"] >= waiting["y"] + waiting["height"] - 1
        _no_overflow(page, f"the workspace in {language} on a {size}")
        page.evaluate("document.fonts.ready.then(() => true)")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"dashboard_{language}_{size}.png", full_page=True)


@pytest.mark.parametrize("language", ["fa", "zh-hans"])
def test_a_newcomer_gets_the_start_checklist_on_a_phone(new_page, live_server, log_in, language):
    locale, zone, _direction, _one = LANGUAGES[language]
    newcomer = UserFactory(email=f"newcomer-{language}@example.test", language=language)
    page = new_page(locale=locale, timezone_id=zone)
    log_in(page, newcomer.email)
    page.set_viewport_size(SIZES["phone"])
    page.goto(f"{live_server.url}/")
    steps = page.locator("#dashboard-start li")
    expect(steps).to_have_count(3)
    expect(steps.nth(0)).to_contain_text(in_language(language, "Register your organisation"))
    expect(page.locator("#dashboard-start a.btn")).to_have_count(1)
    expect(page.locator("#dashboard-partners")).to_have_count(0)
    _no_overflow(page, f"the newcomer's workspace in {language}")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"dashboard_newcomer_{language}_phone.png", full_page=True)
    page.locator("#dashboard-start a.btn").click()
    expect(page).to_have_url(f"{live_server.url}/organisations/new/")
