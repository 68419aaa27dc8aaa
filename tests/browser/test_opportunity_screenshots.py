"""Full-page screenshots of the opportunity pages in the four interface languages, for review.

The PNGs land in tests/browser/artifacts/<language>_opportunity_<page>.png (not committed). The test
checks what a glance can miss, on a desktop and on a phone: direction, no page wider than the
window, titles and texts in the other direction starting on their own side, badges inside their
card, a thread's message headers in reading order whatever the scripts of the names in them, the
facts and the interest form before the partners on a phone, and the quotations side by side
scrolling sideways under row labels that stay in view, each column wide enough to read.
"""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from karvan.accounts.models import User
from karvan.directory.services.verification import approve_organisation
from karvan.opportunities.services import (
    create_opportunity,
    express_interest,
    publish_opportunity,
    reply_to_interest,
    submit_quotation,
)
from tests.browser.pickers import pick
from tests.factories import UserFactory, register_organisation, valid_uscc

ARTIFACTS = Path(__file__).parent / "artifacts"

# language: (browser locale, time zone, direction, a word for pistachio)
LANGUAGES = {
    "en": ("en-GB", "Europe/London", "ltr", "pistachio"),
    "fa": ("fa-IR", "Asia/Tehran", "rtl", "پسته"),
    "zh-hans": ("zh-CN", "Asia/Shanghai", "ltr", "开心果"),
    "ar": ("ar-AE", "Asia/Dubai", "rtl", "فستق"),
}
PHONE = {"width": 390, "height": 844}

# Texts written in the other direction than the page whose lines do not start on their own side
# (a Persian title on an English page starts on the right), and badges poking out of their card.
MISPLACED = """() => {
  const found = [];
  const page = document.documentElement.dir;
  const texts = document.querySelectorAll(
    ".org-summary > [dir], .org-text > [dir], .listing-title > [dir]");
  for (const text of texts) {
    if (text.dir === page || !text.textContent.trim()) continue;
    const box = text.parentElement.getBoundingClientRect();
    const range = document.createRange();
    range.selectNodeContents(text);
    const lines = new Map();  // a line's top: the gap of its first word to the text's own side
    for (const rect of range.getClientRects()) {
      const gap = text.dir === "ltr" ? rect.left - box.left : box.right - rect.right;
      const top = Math.round(rect.top);
      lines.set(top, Math.min(gap, lines.get(top) ?? Infinity));
    }
    for (const gap of lines.values()) {
      if (gap > 2) found.push(`${text.textContent.slice(0, 30)}: ${Math.round(gap)}px`);
    }
  }
  for (const badge of document.querySelectorAll("main .card .badge")) {
    const card = badge.closest(".card").getBoundingClientRect();
    const box = badge.getBoundingClientRect();
    if (box.left < card.left - 1 || box.right > card.right + 1) {
      found.push(`badge ${badge.textContent.trim()} outside its card`);
    }
  }
  // A message's header (author · organisation · time): each part after the one before it, on its
  // line or a later one. A Chinese name on a Persian page once pulled the day of the date along.
  for (const header of document.querySelectorAll("#thread .message-header")) {
    const parts = [...header.children];
    if (parts.length !== 3) found.push(`message header in ${parts.length} parts`);
    for (let i = 1; i < parts.length; i++) {
      const before = [...parts[i - 1].getClientRects()].at(-1);
      const after = parts[i].getClientRects()[0];
      if (after.top >= before.bottom - 2) continue;
      const inOrder =
        page === "rtl" ? after.right <= before.left + 1 : after.left >= before.right - 1;
      if (!inOrder) found.push(`"${parts[i].textContent}" before "${parts[i - 1].textContent}"`);
    }
  }
  return found;
}"""

# The quotations side by side on a narrow screen.
CRAMPED_QUOTATIONS = """() => {
  const found = [];
  const box = document.querySelector(".table-responsive");
  for (const cell of box.querySelectorAll("td")) {
    const width = cell.getBoundingClientRect().width;
    if (width < 150) { found.push(`a supplier's column only ${Math.round(width)}px wide`); break; }
  }
  const labels = [...box.querySelectorAll("th[scope=row]")];
  for (const label of labels) {
    const range = document.createRange();
    range.selectNodeContents(label);
    const lines = new Set([...range.getClientRects()].map(rect => Math.round(rect.top)));
    if (lines.size > 1) found.push(`the label ${label.textContent} on ${lines.size} lines`);
  }
  if (box.scrollWidth <= box.clientWidth) found.push("the table does not scroll sideways");
  // Scrolled to the last supplier (negative towards the left in right-to-left), labels in view.
  box.scrollLeft = document.documentElement.dir === "rtl" ? -box.scrollWidth : box.scrollWidth;
  const frame = box.getBoundingClientRect();
  for (const label of labels) {
    const rect = label.getBoundingClientRect();
    if (rect.left < frame.left - 1 || rect.right > frame.right + 1) {
      found.push(`the label ${label.textContent} scrolled out of view`);
      break;
    }
  }
  box.scrollLeft = 0;
  return found;
}"""


def _publish(actor, organisation, **data):
    opportunity = create_opportunity(
        actor=actor, organisation=organisation, data={"kind": "product", **data}
    )
    return publish_opportunity(opportunity=opportunity, actor=actor)


@pytest.fixture
def marketplace(transactional_db, matching_engine):
    """A Persian pistachio offer with partners in three languages, a thread and an RFQ."""
    staff = UserFactory(is_staff=True)
    seller = UserFactory(full_name="Reza Karimi", full_name_native="رضا کریمی", language="fa")
    buyer = UserFactory(full_name="Wang Wei", full_name_native="王伟", language="zh-hans")
    trader = UserFactory(full_name="Omar Haddad", language="ar")
    roaster = UserFactory(full_name="Emma Clarke", language="en")
    rafsanjan = register_organisation(
        owner=seller,
        original_language="fa",
        country="IR",
        name={"fa": "شرکت فرآوری و بسته‌بندی پسته نوین رفسنجان", "en": "Novin Rafsanjan Pistachio"},
        description={"fa": "فرآوری و صادرات پسته."},
    )
    guangzhou = register_organisation(
        owner=buyer,
        original_language="zh-hans",
        country="CN",
        registry_id=valid_uscc(31),
        name={"zh-hans": "广州华南坚果炒货进出口贸易有限公司"},
        description={"zh-hans": "进口伊朗干果和坚果。"},
    )
    khorramshahr = register_organisation(
        owner=trader,
        original_language="ar",
        country="IR",
        name={"ar": "شركة خرمشهر للتجارة والمكسرات"},
        description={"ar": "تجارة المكسرات والفواكه المجففة."},
    )
    shanghai = register_organisation(
        owner=roaster,
        original_language="en",
        country="CN",
        registry_id=valid_uscc(32),
        name={"en": "Shanghai Golden Nut Roasters"},
        description={"en": "Roasting and packing nuts for supermarkets."},
    )
    for organisation in (rafsanjan, guangzhou, khorramshahr, shanghai):
        approve_organisation(organisation=organisation, actor=staff)

    offer = _publish(
        seller,
        rafsanjan,
        side="offer",
        language="fa",
        title="پسته اکبری خندان صادراتی، برداشت ۱۴۰۴، ظرفیت ۵۰۰ تن در سال",
        description="پسته اکبری خندان با رطوبت زیر ۵ درصد، بسته‌بندی کیسه ۲۵ کیلویی، "
        "ظرفیت صادرات ۵۰۰ تن در سال به چین با گواهی ثبت گمرک چین (GACC) و گواهی "
        "HACCP. نمونه رایگان برای خریداران عمده.",
        hs_codes=["0802"],
        sectors=["10"],
        quantity=Decimal("500"),
        quantity_unit="t",
        price_min=Decimal("9.5"),
        price_max=Decimal("11.25"),
        currency="USD",
        price_unit="kg",
        incoterm="CFR",
        port="Bandar Abbas",
        certifications=["HACCP", "ISO 22000", "GACC"],
        target_countries=["CN", "AE"],
    )
    _publish(
        buyer,
        guangzhou,
        side="request",
        language="zh-hans",
        title="求购伊朗开心果，每月两个货柜",
        description="广州坚果进口商长期求购伊朗开心果（阿克巴里品种），要求自然开口、"
        "含水量低于百分之五，需有海关总署注册，CFR 黄埔港。",
        hs_codes=["0802"],
        target_countries=["IR"],
    )
    _publish(
        roaster,
        shanghai,
        side="request",
        language="en",
        title="Pistachio kernels wanted for roasting, 20 t a month",
        description="We roast and pack pistachios for supermarkets in East China and look for a "
        "steady supplier of natural open pistachios and kernels, CIF Shanghai.",
        hs_codes=["0802"],
    )
    _publish(
        trader,
        khorramshahr,
        side="request",
        language="ar",
        title="نطلب فستقاً حلبياً إيرانياً بكميات كبيرة",
        description="شركة تجارية تبحث عن مورد دائم للفستق الحلبي الإيراني المحمص والمملح "
        "للتصدير إلى أسواق الخليج.",
        hs_codes=["0802"],
    )
    rfq = _publish(
        buyer,
        guangzhou,
        side="request",
        language="zh-hans",
        title="询价：阿克巴里开心果仁 40 吨",
        description="采购阿克巴里开心果仁四十吨，分两批交货，请报 CFR 黄埔港价格并注明交货期。",
        hs_codes=["0802"],
        is_rfq=True,
        quotation_deadline=timezone.now() + datetime.timedelta(days=20),
    )
    quotations = [
        (
            seller,
            rafsanjan,
            "10.40",
            "USD",
            35,
            "CFR",
            "پرداخت: ۳۰٪ پیش‌پرداخت، ۷۰٪ در برابر اسناد حمل. بسته‌بندی کیسه ۲۵ کیلویی "
            "وکیوم‌شده با برچسب چینی.",
        ),
        (
            trader,
            khorramshahr,
            "10.95",
            "USD",
            21,
            "CIF",
            "الدفع بخطاب اعتماد غير قابل للإلغاء عند الاطلاع. الشحن من ميناء بندر عباس.",
        ),
        (
            roaster,
            shanghai,
            "78500",
            "CNY",
            14,
            "DAP",
            "Payment 50% with order, 50% before dispatch; price valid for thirty days from "
            "today; inspection by SGS at the buyer's cost.",
        ),
    ]
    for actor, organisation, price, currency, days, incoterm, terms in quotations:
        submit_quotation(
            opportunity=rfq,
            actor=actor,
            organisation=organisation,
            data={
                "unit_price": Decimal(price),
                "currency": currency,
                "price_unit": "t",
                "quantity": Decimal("40"),
                "quantity_unit": "t",
                "lead_time_days": days,
                "incoterm": incoterm,
                "terms": terms,
            },
        )
    interest = express_interest(
        opportunity=offer,
        actor=buyer,
        organisation=guangzhou,
        message="您好！我们是广州的坚果进口商，每月需要两个货柜的阿克巴里开心果，"
        "请报 CFR 黄埔港价格。",
        language="zh-hans",
    )
    reply_to_interest(
        interest=interest,
        actor=seller,
        body="سلام، ممنون از پیام شما. قیمت CFR بندر هوانگپو برای هر تن ۱۰٬۴۰۰ دلار است؛ "
        "نمونه را هفته آینده می‌فرستیم.",
        language="fa",
    )
    reply_to_interest(
        interest=interest,
        actor=buyer,
        body="Thank you. Please send the sample to our Guangzhou office, attention Mr Wang.",
        language="en",
    )
    return {"offer": offer, "rfq": rfq, "interest": interest, "buyer": buyer}


def capture(page, name: str) -> None:
    page.evaluate("document.fonts.ready.then(() => true)")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


def problems(page, path: str, language: str, direction: str) -> list[str]:
    """What is wrong with the page as shown; empty when nothing is."""
    html = page.locator("html")
    expect(html).to_have_attribute("lang", language)
    expect(html).to_have_attribute("dir", direction)
    width = f"{page.viewport_size['width']}px"
    found = []
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    if overflow > 0:
        found.append(f"{overflow}px wider than the window")
    failed_fonts = page.evaluate(
        "[...document.fonts].filter(face => face.status === 'error')"
        ".map(face => face.family + ' ' + face.weight)"
    )
    found += [f"font {font} failed" for font in failed_fonts]
    found += page.evaluate(MISPLACED)
    return [f"{path} in {language} at {width}: {problem}" for problem in found]


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_opportunity_pages_in_each_language(new_page, live_server, log_in, marketplace, language):
    """Search, detail with partners, form, thread and quotations, on a desktop and a phone."""
    locale, zone, direction, pistachio = LANGUAGES[language]
    viewer = marketplace["buyer"]
    User.objects.filter(pk=viewer.pk).update(language=language, time_zone=zone)
    offer, rfq, interest = marketplace["offer"], marketplace["rfq"], marketplace["interest"]
    page = new_page(locale=locale, timezone_id=zone)
    log_in(page, viewer.email)
    pages = {
        "search": f"/opportunities/?q={pistachio}",
        "detail": f"/opportunities/{offer.pk}/",
        "form": "/opportunities/new/",
        "thread": f"/opportunities/interests/{interest.pk}/",
        "quotations": f"/opportunities/{rfq.pk}/quotations/",
    }
    found = []
    for name, path in pages.items():
        page.goto(f"{live_server.url}{path}")
        if name == "detail":
            expect(page.locator("#partners + .row .card")).not_to_have_count(0)
        if name == "form":  # the picker's filter finds HS 0802 by the word in this language
            pick(page, "id_hs_codes", pistachio, "0802")
        if name == "quotations":
            expect(page.locator("main table thead th")).to_have_count(4)
            # Each supplier's terms read in their own direction, whatever the page's.
            terms = page.locator(".quotation-table td > div[dir=auto]").evaluate_all(
                "cells => cells.map(cell => [cell.textContent.slice(0, 7), "
                "getComputedStyle(cell).direction])"
            )
            assert sorted(terms) == [
                ["Payment", "ltr"],
                ["الدفع ب", "rtl"],
                ["پرداخت:", "rtl"],
            ]
        capture(page, f"{language}_opportunity_{name}")
        found += problems(page, path, language, direction)

    page.set_viewport_size(PHONE)
    for name in ("quotations", "detail", "search", "thread"):
        page.goto(f"{live_server.url}{pages[name]}")
        capture(page, f"{language}_opportunity_{name}_phone")
        found += problems(page, pages[name], language, direction)
        if name == "quotations":
            found += [
                f"quotations on a phone in {language}: {problem}"
                for problem in page.evaluate(CRAMPED_QUOTATIONS)
            ]
        if name == "detail":  # the facts and the way to answer before the list of partners
            facts = page.locator("main .key-facts.card").bounding_box()
            conversation = page.locator("main .alert-info").bounding_box()
            partners = page.locator("#partners").bounding_box()
            assert facts["y"] < conversation["y"] < partners["y"]
    assert not found, "\n".join(found)
