"""Two organisations of the corridor, their owners and signatories, and a platform key."""

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core import mail
from django.test import TestCase

from karvan.accounts.models import User
from karvan.agreements.documents.sealing import SealingKey, create_sealing_key
from karvan.agreements.models import Agreement, AgreementTemplate
from karvan.agreements.services.drafting import create_agreement
from karvan.agreements.services.signatories import name_signatory
from karvan.agreements.services.signing import (
    request_signing_code,
    send_for_signing,
    sign_agreement,
)
from karvan.agreements.templates_data import load_agreement_templates
from karvan.directory.models import Membership, Organisation
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, valid_uscc


@pytest.fixture(autouse=True)
def _shipped_templates(request: pytest.FixtureRequest) -> None:
    """The templates a data migration installs, again for a transactional test: it may start
    from a database another one flushed."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        load_agreement_templates(update=False)


@pytest.fixture(scope="session")
def platform_key_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("signing") / "platform.p12"
    create_sealing_key(path, organisation="Karvan Test Center", passphrase=b"test-pass")
    return path


@pytest.fixture(autouse=True)
def _platform_key(settings: object, platform_key_path: Path) -> None:
    settings.KARVAN_SIGNING_PKCS12 = platform_key_path
    settings.KARVAN_SIGNING_PKCS12_PASSWORD = "test-pass"


@pytest.fixture
def sealing_key(platform_key_path: Path) -> SealingKey:
    from karvan.agreements.documents.platform import get_sealing_key

    return get_sealing_key()


@dataclass
class Side:
    organisation: Organisation
    owner: User
    signatory: User
    member: User


@pytest.fixture
def iran(db: None) -> Side:
    organisation = OrganisationFactory(
        name={"fa": "پسته نوین رفسنجان", "en": "Novin Pistachio Rafsanjan"},
        original_language="fa",
        country="IR",
    )
    owner = MembershipFactory(
        organisation=organisation,
        role=Membership.Role.OWNER,
        user=UserFactory(full_name="Reza Karimi", full_name_native="رضا کریمی", language="fa"),
    ).user
    signatory = MembershipFactory(
        organisation=organisation,
        role=Membership.Role.SIGNATORY,
        title="مدیرعامل",
        user=UserFactory(
            full_name="Maryam Ahmadi",
            full_name_native="مریم احمدی",
            language="fa",
            time_zone="Asia/Tehran",
            calendar="jalali",
        ),
    ).user
    member = MembershipFactory(
        organisation=organisation, role=Membership.Role.MEMBER, user=UserFactory(language="fa")
    ).user
    return Side(organisation, owner, signatory, member)


@pytest.fixture
def china(db: None) -> Side:
    organisation = OrganisationFactory(
        name={"zh-hans": "广州包装机械有限公司", "en": "Guangzhou Packaging Machinery"},
        original_language="zh-hans",
        country="CN",
        registry_id=valid_uscc(7),
    )
    owner = MembershipFactory(
        organisation=organisation,
        role=Membership.Role.OWNER,
        user=UserFactory(full_name="Wang Wei", full_name_native="王伟", language="zh-hans"),
    ).user
    signatory = MembershipFactory(
        organisation=organisation,
        role=Membership.Role.SIGNATORY,
        user=UserFactory(
            full_name="Li Na",
            full_name_native="李娜",
            language="zh-hans",
            time_zone="Asia/Shanghai",
        ),
    ).user
    member = MembershipFactory(
        organisation=organisation, role=Membership.Role.MEMBER, user=UserFactory()
    ).user
    return Side(organisation, owner, signatory, member)


@pytest.fixture
def outsider(db: None) -> User:
    """The owner of a third organisation, party to nothing."""
    return MembershipFactory(organisation=OrganisationFactory(country="TR")).user


@pytest.fixture
def draft(iran: Side, china: Side) -> Agreement:
    return create_agreement(
        actor=iran.owner,
        initiator=iran.organisation,
        partners=[china.organisation],
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


@pytest.fixture
def signing(draft: Agreement, iran: Side, china: Side) -> Agreement:
    """Sent for signing, Maryam Ahmadi signing for Iran and Li Na for China."""
    name_signatory(
        actor=iran.owner,
        agreement=draft,
        party=draft.parties.get(organisation=iran.organisation),
        user=iran.signatory,
    )
    name_signatory(
        actor=china.owner,
        agreement=draft,
        party=draft.parties.get(organisation=china.organisation),
        user=china.signatory,
    )
    return send_for_signing(actor=iran.owner, agreement=draft)


def code_from_outbox() -> str:
    """The one-time code of the latest signing-code e-mail."""
    body = mail.outbox[-1].body
    return re.search(r"^\s+(\d{6})\s*$", body, re.MULTILINE).group(1)


def ask_code(user: User, agreement: Agreement, **client: object) -> str:
    """Ask for a signing code as the signatory and read it from the e-mail sent after commit."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        request_signing_code(actor=user, agreement=agreement, **client)
    return code_from_outbox()


def sign_as(user: User, agreement: Agreement, **extra: object) -> object:
    """Ask for a code, read it from the e-mail, and sign with it (as a real signatory does)."""
    from karvan.agreements.selectors import signing_document_sha256

    code = ask_code(user, agreement, ip_address="203.0.113.7", user_agent="pytest")
    values = {
        "code": code,
        "typed_name": user.full_name,
        "document_sha256": signing_document_sha256(agreement),
        "ip_address": "203.0.113.7",
        "user_agent": "pytest browser",
        **extra,
    }
    return sign_agreement(actor=user, agreement=agreement, **values)
