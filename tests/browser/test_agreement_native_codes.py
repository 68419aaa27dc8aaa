"""Signing with the one-time code typed in the digits of the signer's keyboard.

The Persian signatory, on a phone, first mistypes the code: the error appears at the code field,
which has the focus and is on screen below the long text, not at the top of the page. She then
signs with the code in Persian digits; the Chinese signatory signs with full-width digits.
"""

import re

import pytest
from django.core import mail
from django.db import connection
from playwright.sync_api import expect

from karvan.agreements.documents.sealing import create_sealing_key
from karvan.agreements.models import Agreement, AgreementTemplate
from karvan.agreements.services.drafting import create_agreement
from karvan.agreements.services.signatories import name_signatory
from karvan.agreements.services.signing import send_for_signing
from karvan.agreements.templates_data import load_agreement_templates
from karvan.directory.models import Membership
from tests.browser.conftest import ARTIFACTS
from tests.factories import MembershipFactory, UserFactory, register_organisation, valid_uscc

PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.fixture
def signing(transactional_db, settings, tmp_path):
    """An MoU out for signing, with a signatory on each side."""
    path = tmp_path / "platform.p12"
    create_sealing_key(path, organisation="Karvan Browser Test")
    settings.KARVAN_SIGNING_PKCS12 = path
    settings.KARVAN_SIGNING_PKCS12_PASSWORD = ""
    load_agreement_templates(update=False)
    iran_owner = UserFactory(full_name="Reza Karimi", language="fa", time_zone="Asia/Tehran")
    iran = register_organisation(
        owner=iran_owner, original_language="fa", country="IR", name={"fa": "پسته نوین رفسنجان"}
    )
    china_owner = UserFactory(full_name="Wang Wei", language="zh-hans", time_zone="Asia/Shanghai")
    china = register_organisation(
        owner=china_owner,
        original_language="zh-hans",
        country="CN",
        registry_id=valid_uscc(31),
        name={"zh-hans": "广州包装机械有限公司"},
    )
    maryam = MembershipFactory(
        organisation=iran,
        role=Membership.Role.SIGNATORY,
        user=UserFactory(full_name="Maryam Ahmadi", language="fa", time_zone="Asia/Tehran"),
    ).user
    li_na = MembershipFactory(
        organisation=china,
        role=Membership.Role.SIGNATORY,
        user=UserFactory(full_name="Li Na", language="zh-hans", time_zone="Asia/Shanghai"),
    ).user
    agreement = create_agreement(
        actor=iran_owner,
        initiator=iran,
        partners=[china],
        languages=["fa", "zh-hans"],
        prevailing_language="fa",
        template=AgreementTemplate.objects.get(key="mou"),
        values={
            "place": {"fa": "تهران", "zh-hans": "德黑兰"},
            "term": {"fa": "سه سال", "zh-hans": "三年"},
            "field": {"fa": "ماشین‌آلات بسته‌بندی", "zh-hans": "包装机械"},
            "effective_date": {"fa": "۱ دی ۱۴۰۵", "zh-hans": "2026年12月22日"},
        },
    )
    for party, user in ((iran, maryam), (china, li_na)):
        owner = iran_owner if party == iran else china_owner
        name_signatory(
            actor=owner,
            agreement=agreement,
            party=agreement.parties.get(organisation=party),
            user=user,
        )
    send_for_signing(actor=iran_owner, agreement=agreement)
    return agreement, maryam, li_na


def _code_for(email: str) -> str:
    message = next(m for m in reversed(mail.outbox) if m.to == [email])
    return re.search(r"^\s+(\d{6})\s*$", message.body, re.MULTILINE).group(1)


def _ask_code(page, live_server, agreement) -> None:
    page.goto(f"{live_server.url}/agreements/{agreement.code}/sign/")
    with page.expect_navigation():
        page.locator("#send-code").click()


def _submit(page, code: str, name: str) -> None:
    page.fill("#id_code", code)
    page.fill("#id_typed_name", name)
    with page.expect_navigation(timeout=60_000):
        page.locator("#sign-button").click(timeout=60_000)


def test_signing_with_persian_and_full_width_codes_after_a_wrong_one(
    new_page, live_server, log_in, signing, page_guard
):
    agreement, maryam, li_na = signing
    if connection.vendor == "sqlite":
        # As in test_agreement_ceremony: the in-memory SQLite of the live server refuses a read
        # that meets another thread's write ("database table is locked"); the agreement page's
        # progress poll that lands on a signature being written gets a 503 and polls again.
        page_guard.allow_console_error(r"50[03].*/agreements/[^/]+/progress/")
    ARTIFACTS.mkdir(exist_ok=True)

    tehran = new_page(locale="fa-IR", timezone_id="Asia/Tehran")
    log_in(tehran, maryam.email)
    tehran.set_viewport_size({"width": 390, "height": 844})  # a phone, once logged in
    _ask_code(tehran, live_server, agreement)
    right = _code_for(maryam.email)
    wrong = str((int(right) + 1) % 1_000_000).zfill(6)
    _submit(tehran, wrong.translate(PERSIAN), maryam.full_name)
    code_field = tehran.locator("#id_code")
    expect(code_field).to_be_focused()
    expect(code_field).to_have_attribute("aria-invalid", "true")
    expect(code_field).to_have_attribute("aria-describedby", "id_code_error")
    expect(tehran.locator("#id_code_error")).to_be_in_viewport()
    assert tehran.evaluate("window.scrollY") > 0
    tehran.screenshot(path=ARTIFACTS / "agreement-wrong-code-fa-phone.png")
    _submit(tehran, right.translate(PERSIAN), maryam.full_name)
    expect(tehran).to_have_url(re.compile(rf"/agreements/{agreement.code}/(#.*)?$"))

    guangzhou = new_page(locale="zh-CN", timezone_id="Asia/Shanghai")
    log_in(guangzhou, li_na.email)
    _ask_code(guangzhou, live_server, agreement)
    _submit(guangzhou, _code_for(li_na.email).translate(FULL_WIDTH), li_na.full_name)
    expect(guangzhou).to_have_url(re.compile(rf"/agreements/{agreement.code}/(#.*)?$"))
    guangzhou.screenshot(path=ARTIFACTS / "agreement-signed-full-width-zh.png", full_page=True)

    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.SIGNED
    assert agreement.signatures.filter(voided_at__isnull=True).count() == 2
