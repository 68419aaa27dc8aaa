"""A cloud-signing ceremony in three browsers.

The Persian signatory in Tehran and the Chinese signatory in Guangzhou each review the text, ask
for their one-time code, read it from the e-mail, draw a signature and sign; the Chinese owner
watches the ceremony page, which shows each signature arrive without being reloaded, and then
offers the sealed PDF.
"""

import re

import pytest
from django.core import mail
from django.db import connection
from playwright.sync_api import expect

from karvan.agreements.documents.sealing import create_sealing_key
from karvan.agreements.models import Agreement, AgreementTemplate
from karvan.agreements.services.ceremony import set_ceremony
from karvan.agreements.services.drafting import create_agreement
from karvan.agreements.services.signatories import name_signatory
from karvan.agreements.services.signing import send_for_signing
from karvan.agreements.templates_data import load_agreement_templates
from karvan.directory.models import Membership
from tests.factories import MembershipFactory, UserFactory, register_organisation, valid_uscc


@pytest.fixture
def platform_key(settings, tmp_path):
    path = tmp_path / "platform.p12"
    create_sealing_key(path, organisation="Karvan Browser Test")
    settings.KARVAN_SIGNING_PKCS12 = path
    settings.KARVAN_SIGNING_PKCS12_PASSWORD = ""


@pytest.fixture
def ceremony(transactional_db, platform_key):
    """An MoU out for signing, with a signatory on each side and a ceremony planned."""
    load_agreement_templates(update=False)
    iran_owner = UserFactory(full_name="Reza Karimi", language="fa", time_zone="Asia/Tehran")
    iran = register_organisation(
        owner=iran_owner, original_language="fa", country="IR", name={"fa": "پسته نوین رفسنجان"}
    )
    china_owner = UserFactory(
        full_name="Wang Wei", full_name_native="王伟", language="zh-hans", time_zone="Asia/Shanghai"
    )
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
            "place": {"fa": "تهران / گوانگجو", "zh-hans": "德黑兰 / 广州"},
            "effective_date": "2026-11-23",
            "term": {"fa": "سه سال", "zh-hans": "三年"},
            "field": {"fa": "ماشین‌آلات بسته‌بندی", "zh-hans": "包装设备"},
        },
    )
    name_signatory(
        actor=iran_owner,
        agreement=agreement,
        party=agreement.parties.get(organisation=iran),
        user=maryam,
    )
    name_signatory(
        actor=china_owner,
        agreement=agreement,
        party=agreement.parties.get(organisation=china),
        user=li_na,
    )
    set_ceremony(
        actor=iran_owner,
        agreement=agreement,
        starts_at=None,
        room_url="https://video.karvan.example/cismef-signing",
    )
    send_for_signing(actor=iran_owner, agreement=agreement)
    return agreement, maryam, li_na, china_owner


def _code_for(email: str) -> str:
    message = next(m for m in reversed(mail.outbox) if m.to == [email])
    return re.search(r"^\s+(\d{6})\s*$", message.body, re.MULTILINE).group(1)


def _sign(page, live_server, agreement, person) -> None:
    page.goto(f"{live_server.url}/agreements/{agreement.code}/sign/")
    expect(page.locator("#document-sha256")).to_have_text(agreement.versions.get().document_sha256)
    with page.expect_navigation():
        page.locator("#send-code").click()
    page.fill("#id_code", _code_for(person.email))
    page.fill("#id_typed_name", person.full_name)
    pad = page.locator("canvas[data-signature-pad]")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 30, box["y"] + 120)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 30 + step * 25, box["y"] + 120 - (step % 3) * 30)
    page.mouse.up()
    # The last signature seals the PDF before the answer (tasks run in-process here): allow for it.
    with page.expect_navigation(timeout=60_000):
        page.locator("#sign-button").click()
    expect(page).to_have_url(re.compile(rf"/agreements/{agreement.code}/ceremony/$"))


def test_two_signatories_sign_while_a_third_watches_the_ceremony(
    new_page, live_server, log_in, ceremony, page_guard
):
    agreement, maryam, li_na, watcher_user = ceremony
    if connection.vendor == "sqlite":
        # The live server's SQLite test database is in memory with a shared cache, where a read
        # that meets another thread's write fails at once with "database table is locked" (a
        # file database in WAL mode, as Karvan runs, lets readers through). A poll that lands on a
        # signature being written gets a 500 and htmx simply polls again three seconds later.
        page_guard.allow_console_error(r"500.*/agreements/[^/]+/progress/")

    watcher = new_page(locale="zh-CN", timezone_id="Asia/Shanghai")
    log_in(watcher, watcher_user.email)
    watcher.goto(f"{live_server.url}/agreements/{agreement.code}/ceremony/")
    expect(watcher.locator("a[href='https://video.karvan.example/cismef-signing']")).to_be_visible()
    rows = watcher.locator("#signing-progress [data-signed]")
    expect(rows).to_have_count(2)
    expect(watcher.locator("#signing-progress [data-signed=yes]")).to_have_count(0)
    watcher.evaluate("window.__notReloaded = true")

    tehran = new_page(locale="fa-IR", timezone_id="Asia/Tehran")
    log_in(tehran, maryam.email)
    _sign(tehran, live_server, agreement, maryam)
    maryam_row = watcher.locator(f"[data-signatory='{agreement.signatories.get(user=maryam).pk}']")
    expect(maryam_row).to_have_attribute("data-signed", "yes", timeout=15_000)

    guangzhou = new_page(locale="zh-CN", timezone_id="Asia/Shanghai")
    log_in(guangzhou, li_na.email)
    _sign(guangzhou, live_server, agreement, li_na)
    li_na_row = watcher.locator(f"[data-signatory='{agreement.signatories.get(user=li_na).pk}']")
    expect(li_na_row).to_have_attribute("data-signed", "yes", timeout=15_000)
    expect(watcher.locator(f"a[href='/agreements/{agreement.code}/pdf/']")).to_be_visible(
        timeout=45_000
    )
    assert watcher.evaluate("window.__notReloaded") is True

    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.SIGNED and agreement.is_sealed
    drawn = [bool(s.drawing) for s in agreement.signatures.order_by("signed_at")]
    assert drawn == [True, True]
