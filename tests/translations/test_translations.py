"""Machine translation through the center's own LibreTranslate-compatible server (a stand-in here,
speaking the same HTTP protocol on a free port), and what pages do when it fails or is not set."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from karvan.opportunities.models import Opportunity
from karvan.opportunities.services import (
    create_opportunity,
    publish_opportunity,
    submit_quotation,
)
from karvan.translations.client import TranslatorClient, TranslatorError
from karvan.translations.models import MachineTranslation
from tests.factories import MembershipFactory, OrganisationFactory, valid_uscc
from tests.opportunities.demo_listings import SORTING_LINE_RFQ, demo_opportunity
from tests.translations.standin import stand_in_translator

pytestmark = pytest.mark.django_db

CHINESE = "我们需要一条完整的开心果分选和包装线。"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def translator(settings):
    with stand_in_translator() as server:
        settings.KARVAN_TRANSLATOR_URL = server.url
        settings.KARVAN_TRANSLATOR_TIMEOUT = 0.5
        yield server


@pytest.fixture
def rfq() -> Opportunity:
    owner = MembershipFactory(
        organisation=OrganisationFactory(original_language="fa"), role="owner"
    )
    draft = create_opportunity(
        actor=owner.user, organisation=owner.organisation, data=demo_opportunity(SORTING_LINE_RFQ)
    )
    return publish_opportunity(opportunity=draft, actor=owner.user)


@pytest.fixture
def reader(client):
    member = MembershipFactory(
        organisation=OrganisationFactory(
            original_language="zh-hans", country="CN", registry_id=valid_uscc(11)
        ),
        user__language="zh-hans",
    )
    client.force_login(member.user)
    return client


def _url(opportunity: Opportunity) -> str:
    return reverse("translations:translate", args=["opportunity", opportunity.pk])


def test_the_description_is_translated_once_in_the_background_and_marked(
    translator, rfq, reader, django_capture_on_commit_callbacks
):
    translator.table[(rfq.description, "zh-Hans")] = CHINESE
    page = reader.get(rfq.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "data-translate" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        asked = reader.post(_url(rfq), HTTP_ACCEPT_LANGUAGE="zh-hans", **HTMX)
    assert asked.status_code == 200
    assert "data-machine-translation-pending" in asked.content.decode()  # the task runs after
    shown = reader.get(_url(rfq), HTTP_ACCEPT_LANGUAGE="zh-hans", **HTMX).content.decode()
    assert "data-machine-translation" in shown and CHINESE in shown
    assert 'lang="zh-hans"' in shown

    # Asked again, by anyone: the cached translation, no second call to the server.
    with django_capture_on_commit_callbacks(execute=True):
        again = reader.post(_url(rfq), HTTP_ACCEPT_LANGUAGE="zh-hans", **HTMX)
    assert CHINESE in again.content.decode()
    assert [r["target"] for r in translator.requests] == ["zh-Hans"]
    assert translator.requests[0]["source"] == "fa"
    assert translator.requests[0]["format"] == "text"
    # The original is untouched.
    rfq.refresh_from_db()
    assert rfq.description == demo_opportunity(SORTING_LINE_RFQ)["description"]


def test_a_new_version_of_the_text_is_translated_again(
    translator, rfq, reader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reader.post(_url(rfq), HTTP_ACCEPT_LANGUAGE="zh-hans", **HTMX)
    Opportunity.objects.filter(pk=rfq.pk).update(description=rfq.description + " (ویرایش)")
    with django_capture_on_commit_callbacks(execute=True):
        reader.post(_url(rfq), HTTP_ACCEPT_LANGUAGE="zh-hans", **HTMX)
    assert MachineTranslation.objects.count() == 2
    assert len(translator.requests) == 2


@pytest.mark.parametrize("failure", ["timeout", "5xx", "unsupported pair"])
def test_a_failing_server_never_breaks_a_page(
    translator, rfq, reader, django_capture_on_commit_callbacks, failure
):
    if failure == "timeout":
        translator.delay = 2.0
    elif failure == "5xx":
        translator.status = 500
    else:
        translator.refused_pairs.add(("fa", "zh-Hans"))
    with django_capture_on_commit_callbacks(execute=True):
        asked = reader.post(_url(rfq), HTTP_ACCEPT_LANGUAGE="zh-hans", **HTMX)
    assert asked.status_code == 200
    row = MachineTranslation.objects.get()
    assert row.status == MachineTranslation.Status.FAILED and row.text == ""
    shown = reader.get(_url(rfq), HTTP_ACCEPT_LANGUAGE="zh-hans", **HTMX)
    assert shown.status_code == 200
    assert "data-machine-translation-failed" in shown.content.decode()
    page = reader.get(rfq.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200 and "data-key-facts" in page.content.decode()
    if failure == "unsupported pair":
        assert translator.requests == []  # refused from its language list, nothing sent


def test_without_a_server_nothing_is_offered_and_nothing_breaks(settings, rfq, reader):
    settings.KARVAN_TRANSLATOR_URL = ""
    page = reader.get(rfq.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "data-translate" not in page and "data-key-facts" in page
    asked = reader.post(_url(rfq), HTTP_ACCEPT_LANGUAGE="zh-hans", **HTMX)
    assert asked.status_code == 200
    assert not MachineTranslation.objects.exists()


def test_a_text_in_the_readers_language_is_not_offered(translator, rfq, client):
    client.force_login(MembershipFactory(user__language="fa").user)
    page = client.get(rfq.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert "data-translate" not in page


def test_nobody_has_a_text_translated_that_they_may_not_read(translator, reader, rfq):
    owner = MembershipFactory(role="owner")
    draft = create_opportunity(
        actor=owner.user,
        organisation=owner.organisation,
        data=demo_opportunity("op-pistachio-kerman-kalleh-ghuchi-draft"),
    )
    assert reader.post(_url(draft), HTTP_ACCEPT_LANGUAGE="zh-hans").status_code == 404
    assert reader.get(_url(draft), HTTP_ACCEPT_LANGUAGE="zh-hans").status_code == 404
    # Agreements' binding text has no way in; unknown kinds are missing.
    url = reverse("translations:translate", args=["agreement", 1])
    assert reader.post(url).status_code == 404
    assert not MachineTranslation.objects.exists()
    assert translator.requests == []


def test_the_page_without_htmx_shows_the_original_and_the_translation(
    translator, rfq, reader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reader.post(_url(rfq), HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = reader.get(_url(rfq), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert rfq.description in page and f"[zh-Hans] {rfq.description}" in page


def test_the_client_speaks_the_protocol(translator):
    client = TranslatorClient(url=translator.url, timeout=0.5)
    assert "zh-Hans" in client.languages()["fa"]
    assert client.translate("سلام", source="fa", target="zh-hans") == "[zh-Hans] سلام"
    assert client.translate("hello", source="auto", target="fa") == "[fa] hello"
    translator.status = 503
    with pytest.raises(TranslatorError, match="503"):
        client.translate("سلام", source="fa", target="en")


def test_the_client_reports_an_unreachable_server():
    with stand_in_translator() as server:
        url = server.url
    with pytest.raises(TranslatorError, match="cannot be reached"):
        TranslatorClient(url=url, timeout=0.5).languages()


def test_a_chinese_quotations_terms_are_translated_for_the_persian_buyer(
    translator, settings, client, django_capture_on_commit_callbacks
):
    """Quotations carry no language: the script of the terms tells the server what to read."""
    buyer = MembershipFactory(
        organisation=OrganisationFactory(original_language="fa"),
        role="owner",
        user__language="fa",
    )
    supplier = MembershipFactory(
        organisation=OrganisationFactory(
            original_language="zh-hans", country="CN", registry_id=valid_uscc(12)
        ),
        role="owner",
    )
    rfq = publish_opportunity(
        opportunity=create_opportunity(
            actor=buyer.user,
            organisation=buyer.organisation,
            data={
                **demo_opportunity(SORTING_LINE_RFQ),
                "is_rfq": True,
                "quotation_deadline": timezone.now() + datetime.timedelta(days=10),
            },
        ),
        actor=buyer.user,
    )
    quotation = submit_quotation(
        opportunity=rfq,
        actor=supplier.user,
        organisation=supplier.organisation,
        data={
            "unit_price": Decimal("128000"),
            "currency": "USD",
            "quantity": Decimal("1"),
            "quantity_unit": "set",
            "lead_time_days": 60,
            "terms": CHINESE,
        },
    )
    client.force_login(buyer.user)
    compare = client.get(
        reverse("opportunities:quotations", args=[rfq.pk]), HTTP_ACCEPT_LANGUAGE="fa"
    ).content.decode()
    assert "data-translate" in compare and CHINESE in compare
    url = reverse("translations:translate", args=["quotation", quotation.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, HTTP_ACCEPT_LANGUAGE="fa", **HTMX)
    shown = client.get(url, HTTP_ACCEPT_LANGUAGE="fa", **HTMX).content.decode()
    assert f"[fa] {CHINESE}" in shown
    assert translator.requests[0]["source"] == "zh-Hans"
    # Another supplier may not have it translated: it cannot read it.
    outsider = MembershipFactory(role="owner").user
    client.force_login(outsider)
    assert client.post(url, **HTMX).status_code == 404


def test_a_stored_translation_joins_what_matching_and_search_read(
    translator, reader, django_capture_on_commit_callbacks
):
    """The Chinese translation of a Persian RFQ is indexed with it: a Chinese query naming what
    only the translation says scores the RFQ higher, on the translation's words."""
    from karvan.matching.index_cache import reset_index
    from karvan.matching.models import StoredVector
    from karvan.matching.stores import current_store

    def score(query: str) -> float:
        (match,) = current_store().search("opportunity", query, top=1)
        return match.score

    reset_index()
    owner = MembershipFactory(
        organisation=OrganisationFactory(original_language="fa"), role="owner"
    )
    data = {
        "side": "request",
        "kind": "product",
        "language": "fa",
        "title": "درخواست خرید",
        "description": "به دنبال تأمین کننده برای پروژه کارخانه هستیم.",
    }
    draft = create_opportunity(actor=owner.user, organisation=owner.organisation, data=data)
    with django_capture_on_commit_callbacks(execute=True):
        rfq = publish_opportunity(opportunity=draft, actor=owner.user)
    stored = StoredVector.objects.get(kind="opportunity", key=str(rfq.pk))
    assert "translations" not in stored.document
    before = score("不锈钢料斗")

    translator.table[(rfq.description, "zh-Hans")] = "我们为工厂项目寻找不锈钢料斗供应商。"
    with django_capture_on_commit_callbacks(execute=True):
        reader.post(_url(rfq), HTTP_ACCEPT_LANGUAGE="zh-hans", **HTMX)
    stored.refresh_from_db()
    assert stored.document["translations"] == [["zh", "我们为工厂项目寻找不锈钢料斗供应商。"]]
    assert score("不锈钢料斗") > before + 0.1
    rfq.refresh_from_db()
    assert rfq.description == data["description"]  # never stored over the original
    reset_index()
