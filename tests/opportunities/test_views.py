"""Opportunity pages: the form, the owner's buttons, interests and threads, quotations, search."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from karvan.opportunities.models import Interest, Opportunity, Quotation
from karvan.opportunities.services import (
    create_opportunity,
    express_interest,
    publish_opportunity,
)
from tests.factories import MembershipFactory, UserFactory
from tests.opportunities.conftest import PISTACHIO_OFFER, PISTACHIO_REQUEST

pytestmark = pytest.mark.django_db

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _messages(response) -> list[str]:
    return [message.level_tag for message in get_messages(response.wsgi_request)]


def _draft(membership, data=PISTACHIO_OFFER):
    return create_opportunity(
        actor=membership.user, organisation=membership.organisation, data=data
    )


def _published(membership, data=PISTACHIO_OFFER, capture=None):
    """Published; indexed for matching only when given the on-commit capture fixture."""
    opportunity = _draft(membership, data)
    if capture is None:
        return publish_opportunity(opportunity=opportunity, actor=membership.user)
    with capture(execute=True):
        return publish_opportunity(opportunity=opportunity, actor=membership.user)


def _offer_form(organisation_id: int, **overrides: object) -> dict[str, object]:
    """The opportunity form as a browser posts it, filled with the pistachio offer."""
    values: dict[str, object] = {
        "organisation": str(organisation_id),
        "side": "offer",
        "kind": "product",
        "language": "fa",
        "title": PISTACHIO_OFFER["title"],
        "description": PISTACHIO_OFFER["description"],
        "hs_codes": ["0802"],
        "sectors": ["10"],
        "quantity": "500",
        "quantity_unit": "t",
        "price_min": "9.10",
        "price_max": "9.80",
        "currency": "USD",
        "price_unit": "kg",
        "incoterm": "CFR",
        "port": "Bandar Abbas",
        "certifications": "ISO 22000، HACCP",
        "target_countries": ["CN"],
        "expires_on": "",
        "quotation_deadline": "",
    }
    return {**values, **overrides}


# --- Creating and editing ---------------------------------------------------------------------


def test_a_person_without_an_organisation_is_sent_to_register_one(client):
    client.force_login(UserFactory())
    response = client.get(reverse("opportunities:create"))
    assert response.status_code == 302
    assert response.url == reverse("directory:create")
    assert not Opportunity.objects.exists()


def test_creating_saves_a_draft_with_its_codes_and_lists(client, iranian):
    client.force_login(iranian.user)
    assert client.get(reverse("opportunities:create")).status_code == 200
    response = client.post(reverse("opportunities:create"), _offer_form(iranian.organisation_id))
    opportunity = Opportunity.objects.get()
    assert response.status_code == 302
    assert response.url == opportunity.get_absolute_url()
    assert opportunity.status == Opportunity.Status.DRAFT
    assert opportunity.author == iranian.user
    assert [code.code for code in opportunity.hs_codes.all()] == ["0802"]
    assert opportunity.certifications == ["ISO 22000", "HACCP"]
    assert opportunity.target_countries == ["CN"]
    assert str(opportunity.price_max) == "9.80"


def _in_a_week() -> str:
    return (timezone.now() + datetime.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")


BAD_INPUTS = [
    ({"price_min": "12", "price_max": "9"}, "price_min"),
    ({"is_rfq": "on", "quotation_deadline": _in_a_week()}, "is_rfq"),  # an offer cannot be a RFQ
    ({"side": "request", "is_rfq": "on"}, "quotation_deadline"),
    # The form accepts any date; the service's rule puts the error on the same field.
    (
        {"side": "request", "is_rfq": "on", "quotation_deadline": "2020-01-01T10:00"},
        "quotation_deadline",
    ),
    ({"quantity": "abc"}, "quantity"),
    ({"title": ""}, "title"),
    ({"hs_codes": ["9999"]}, "hs_codes"),
    ({"target_countries": ["QQ"]}, "target_countries"),
    ({"kind": "<script>"}, "kind"),
    ({"organisation": "999999"}, "organisation"),
]
BAD_IDS = [
    "price-range",
    "rfq-offer",
    "rfq-no-deadline",
    "rfq-past-deadline",
    "quantity-abc",
    "no-title",
    "unknown-hs",
    "unknown-country",
    "unknown-kind",
    "foreign-organisation",
]


@pytest.mark.parametrize(("overrides", "field"), BAD_INPUTS, ids=BAD_IDS)
def test_bad_input_re_renders_the_form_with_errors_and_saves_nothing(
    client, iranian, overrides, field
):
    client.force_login(iranian.user)
    data = _offer_form(iranian.organisation_id, **overrides)
    response = client.post(reverse("opportunities:create"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    if overrides.get("title", None) != "":
        assert PISTACHIO_OFFER["title"] in response.content.decode()  # what the user typed
    assert not Opportunity.objects.exists()


@pytest.mark.parametrize(("overrides", "field"), BAD_INPUTS[:6], ids=BAD_IDS[:6])
def test_bad_input_on_edit_keeps_what_was_saved(client, iranian, overrides, field):
    draft = _draft(iranian)
    client.force_login(iranian.user)
    response = client.post(
        reverse("opportunities:edit", args=[draft.pk]),
        _offer_form(iranian.organisation_id, **{"title": "Changed title", **overrides}),
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    draft.refresh_from_db()
    assert draft.title == PISTACHIO_OFFER["title"]
    assert draft.quantity is not None and str(draft.quantity) == "500.000"


def test_editing_saves_the_changes(client, iranian):
    draft = _draft(iranian)
    client.force_login(iranian.user)
    form = client.get(reverse("opportunities:edit", args=[draft.pk])).context["form"]
    assert form.initial["title"] == PISTACHIO_OFFER["title"]
    response = client.post(
        reverse("opportunities:edit", args=[draft.pk]),
        _offer_form(iranian.organisation_id, title="پسته فندقی، ۲۰۰ تن", hs_codes=[]),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "پسته فندقی، ۲۰۰ تن"
    assert not draft.hs_codes.exists()


# --- The owner's buttons ----------------------------------------------------------------------


def test_publish_renew_and_close_buttons(client, iranian):
    draft = _draft(iranian)
    client.force_login(iranian.user)
    response = client.post(reverse("opportunities:publish", args=[draft.pk]))
    assert response.status_code == 302 and response.url == draft.get_absolute_url()
    assert _messages(response) == ["success"]
    draft.refresh_from_db()
    assert draft.status == Opportunity.Status.PUBLISHED

    again = client.post(reverse("opportunities:publish", args=[draft.pk]))
    assert again.status_code == 302
    assert _messages(again)[-1] == "error"  # only a draft can be published; no 500

    client.post(reverse("opportunities:renew", args=[draft.pk]), {"days": "30"})
    draft.refresh_from_db()
    assert draft.expires_on == timezone.localdate() + datetime.timedelta(days=30)

    response = client.post(reverse("opportunities:close", args=[draft.pk]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Opportunity.Status.CLOSED
    assert draft.closed_at is not None


def test_the_state_buttons_refuse_get(client, iranian):
    draft = _draft(iranian)
    client.force_login(iranian.user)
    assert client.get(reverse("opportunities:publish", args=[draft.pk])).status_code == 405
    draft.refresh_from_db()
    assert draft.status == Opportunity.Status.DRAFT


def test_renewing_with_a_bad_number_of_days_uses_the_default(client, iranian):
    offer = _published(iranian)
    client.force_login(iranian.user)
    response = client.post(reverse("opportunities:renew", args=[offer.pk]), {"days": "x"})
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.expires_on == timezone.localdate() + datetime.timedelta(days=90)


def test_the_clarity_score_and_advice_are_shown_only_to_the_authors_side(client, iranian, chinese):
    offer = _published(iranian)  # no price given: the advice says so
    url = reverse("opportunities:detail", args=[offer.pk])
    client.force_login(iranian.user)
    response = client.get(url)
    quality = response.context["quality"]
    assert quality is not None and quality.score < 100
    assert "price_missing" in {item.code for item in quality.advice}
    with translation.override("fa"):
        advice = str(next(item for item in quality.advice if item.code == "price_missing").message)
    assert advice in response.content.decode()
    assert 'role="progressbar"' in response.content.decode()

    for viewer in (chinese.user, None):
        if viewer is None:
            client.logout()
        else:
            client.force_login(viewer)
        response = client.get(url)
        assert response.status_code == 200
        assert response.context["quality"] is None
        assert 'role="progressbar"' not in response.content.decode()
        assert advice not in response.content.decode()


# --- Interests and threads --------------------------------------------------------------------


def test_expressing_interest_on_the_page_opens_the_thread(client, iranian, chinese):
    offer = _published(iranian)
    client.force_login(chinese.user)
    page = client.get(reverse("opportunities:detail", args=[offer.pk]))
    assert page.context["interest_form"] is not None
    response = client.post(
        reverse("opportunities:interest_create", args=[offer.pk]),
        {"organisation": str(chinese.organisation_id), "message": "我们每月需要两个货柜。"},
    )
    interest = Interest.objects.get()
    assert response.status_code == 302
    assert response.url == interest.get_absolute_url()
    assert interest.organisation == chinese.organisation
    message = interest.messages.get()
    assert (message.body, message.language) == ("我们每月需要两个货柜。", "zh-hans")
    thread = client.get(response.url)
    assert "我们每月需要两个货柜。" in thread.content.decode()
    # Once sent, the page points to the conversation instead of offering the form again.
    page = client.get(reverse("opportunities:detail", args=[offer.pk]))
    assert page.context["existing_interest"] == interest
    assert page.context["interest_form"] is None


def test_an_empty_interest_message_is_refused_without_saving(client, iranian, chinese):
    offer = _published(iranian)
    client.force_login(chinese.user)
    response = client.post(
        reverse("opportunities:interest_create", args=[offer.pk]),
        {"organisation": str(chinese.organisation_id), "message": ""},
    )
    assert response.status_code == 302
    assert response.url == offer.get_absolute_url()
    assert _messages(response) == ["error"]
    assert not Interest.objects.exists()


def test_the_owner_cannot_express_interest_in_its_own_offer_through_the_page(client, iranian):
    offer = _published(iranian)
    client.force_login(iranian.user)
    assert client.get(offer.get_absolute_url()).context["interest_form"] is None
    response = client.post(
        reverse("opportunities:interest_create", args=[offer.pk]),
        {"organisation": str(iranian.organisation_id), "message": "سلام"},
    )
    assert response.status_code == 302
    assert not Interest.objects.exists()


@pytest.fixture
def interest(iranian, chinese):
    offer = _published(iranian)
    return express_interest(
        opportunity=offer,
        actor=chinese.user,
        organisation=chinese.organisation,
        message="有兴趣",
        language="zh-hans",
    )


def test_replying_in_the_thread(client, iranian, chinese, interest):
    client.force_login(iranian.user)
    url = reverse("opportunities:interest", args=[interest.pk])
    response = client.post(url, {"body": "سلام، نمونه می‌فرستیم."})
    assert response.status_code == 302 and response.url == url
    reply = interest.messages.last()
    assert (reply.body, reply.language, reply.organisation_id) == (
        "سلام، نمونه می‌فرستیم.",
        "fa",
        iranian.organisation_id,
    )
    client.force_login(chinese.user)
    assert "سلام، نمونه می‌فرستیم." in client.get(url).content.decode()


def test_an_empty_reply_is_an_error_on_the_form(client, iranian, interest):
    client.force_login(iranian.user)
    response = client.post(reverse("opportunities:interest", args=[interest.pk]), {"body": " "})
    assert response.status_code == 200
    assert "body" in response.context["form"].errors
    assert interest.messages.count() == 1


def test_accepting_an_interest(client, iranian, interest):
    client.force_login(iranian.user)
    page = client.get(reverse("opportunities:interest", args=[interest.pk]))
    assert page.context["can_decide"]
    response = client.post(
        reverse("opportunities:interest_decide", args=[interest.pk]), {"decision": "accept"}
    )
    assert response.status_code == 302
    interest.refresh_from_db()
    assert interest.status == Interest.Status.ACCEPTED
    again = client.post(
        reverse("opportunities:interest_decide", args=[interest.pk]), {"decision": "decline"}
    )
    assert _messages(again)[-1] == "error"
    interest.refresh_from_db()
    assert interest.status == Interest.Status.ACCEPTED


def test_declining_an_interest(client, iranian, interest):
    client.force_login(iranian.user)
    client.post(
        reverse("opportunities:interest_decide", args=[interest.pk]), {"decision": "decline"}
    )
    interest.refresh_from_db()
    assert interest.status == Interest.Status.DECLINED
    assert interest.decided_at is not None


def test_the_interest_list_shows_both_directions(client, iranian, chinese, interest):
    client.force_login(iranian.user)
    response = client.get(reverse("opportunities:interests"))
    assert list(response.context["received"]) == [interest]
    assert list(response.context["sent"]) == []
    client.force_login(chinese.user)
    response = client.get(reverse("opportunities:interests"))
    assert list(response.context["sent"]) == [interest]


# --- Quotations -------------------------------------------------------------------------------


@pytest.fixture
def rfq(chinese):
    return _published(
        chinese,
        {
            **PISTACHIO_REQUEST,
            "is_rfq": True,
            "quotation_deadline": timezone.now() + datetime.timedelta(days=7),
        },
    )


def _quote_form(organisation_id: int, **overrides: object) -> dict[str, object]:
    return {
        "organisation": str(organisation_id),
        "unit_price": "9.40",
        "currency": "USD",
        "price_unit": "kg",
        "quantity": "40",
        "quantity_unit": "t",
        "lead_time_days": "21",
        "incoterm": "CFR",
        "terms": "۳۰٪ پیش‌پرداخت",
        **overrides,
    }


def test_quoting_with_a_pdf_attachment(client, iranian, chinese, rfq):
    client.force_login(iranian.user)
    assert client.get(reverse("opportunities:quote", args=[rfq.pk])).status_code == 200
    attachment = SimpleUploadedFile("price-list.pdf", MINIMAL_PDF, "application/pdf")
    response = client.post(
        reverse("opportunities:quote", args=[rfq.pk]),
        _quote_form(iranian.organisation_id, attachment=attachment),
    )
    assert response.status_code == 302
    quotation = Quotation.objects.get()
    assert quotation.organisation == iranian.organisation
    assert str(quotation.unit_price) == "9.40"
    assert quotation.attachment.name.endswith(".pdf")
    assert quotation.attachment.read().startswith(b"%PDF-1.4")
    client.force_login(chinese.user)
    compare = client.get(reverse("opportunities:quotations", args=[rfq.pk]))
    assert (
        reverse("opportunities:quotation_attachment", args=[quotation.pk])
        in compare.content.decode()
    )


def test_quoting_with_a_fake_pdf_shows_the_error_and_saves_nothing(client, iranian, rfq):
    client.force_login(iranian.user)
    fake = SimpleUploadedFile("price-list.pdf", b"<html>not a pdf</html>", "application/pdf")
    response = client.post(
        reverse("opportunities:quote", args=[rfq.pk]),
        _quote_form(iranian.organisation_id, attachment=fake),
    )
    assert response.status_code == 200
    assert "attachment" in response.context["form"].errors
    assert not Quotation.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [{"unit_price": "abc"}, {"lead_time_days": "-3"}, {"currency": "XXX"}, {"quantity": ""}],
    ids=["price-abc", "negative-lead-time", "unknown-currency", "no-quantity"],
)
def test_a_bad_quotation_form_is_re_rendered(client, iranian, rfq, overrides):
    client.force_login(iranian.user)
    response = client.post(
        reverse("opportunities:quote", args=[rfq.pk]),
        _quote_form(iranian.organisation_id, **overrides),
    )
    assert response.status_code == 200
    assert set(overrides) <= set(response.context["form"].errors)
    assert not Quotation.objects.exists()


def test_the_quote_page_is_404_for_an_offer(client, iranian, chinese):
    offer = _published(iranian)
    client.force_login(chinese.user)
    assert client.get(reverse("opportunities:quote", args=[offer.pk])).status_code == 404


# --- Search -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "page=x",
        "kind=<script>alert(1)</script>",
        "hs_chapter=zz",
        "country=QQQ",
        "side=both",
        "sector=ZZ",
        f"q={'x' * 201}",
    ],
)
def test_bad_search_parameters_answer_200_with_a_form_error(client, query):
    response = client.get(f"{reverse('opportunities:search')}?{query}")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "<script>alert(1)</script>" not in response.content.decode()


PERSIAN_PISTACHIO_REQUEST = {
    "side": "request",
    "kind": "product",
    "language": "fa",
    "title": "خرید پسته اکبری، ماهانه دو کانتینر",
    "description": "خریدار پسته خندان اکبری با رطوبت زیر ۵ درصد، تحویل CFR بندر هوانگپو.",
    "target_countries": ["CN"],
}


@pytest.fixture
def indexed(iranian, django_capture_on_commit_callbacks):
    """A Persian pistachio offer and request, without HS codes: only the engine links them to
    Chinese words."""
    other = MembershipFactory(organisation__name={"fa": "بازرگانی کرمان"})
    offer = _published(
        iranian, {**PISTACHIO_OFFER, "hs_codes": []}, django_capture_on_commit_callbacks
    )
    request = _published(other, PERSIAN_PISTACHIO_REQUEST, django_capture_on_commit_callbacks)
    return offer, request


def test_a_chinese_query_finds_a_persian_offer_through_the_engine(client, indexed):
    """No Chinese word in the Persian texts: the engine finds them, in the one result list."""
    offer, request = indexed
    response = client.get(reverse("opportunities:search"), {"q": "开心果"})
    assert response.status_code == 200
    assert not response.context["form"].errors
    found = [opportunity.pk for opportunity in response.context["page"]]
    assert offer.pk in found and request.pk in found
    assert response.context["total"] == len(found)
    assert offer.title in response.content.decode()
    assert 'id="other-languages"' not in response.content.decode()


def test_filters_apply_to_the_engines_results_too(client, indexed):
    offer, request = indexed
    response = client.get(reverse("opportunities:search"), {"q": "开心果", "side": "offer"})
    found = [opportunity.pk for opportunity in response.context["page"]]
    assert offer.pk in found
    assert request.pk not in found
    response = client.get(reverse("opportunities:search"), {"q": "开心果", "country": "CN"})
    assert list(response.context["page"]) == []


def test_an_htmx_request_gets_only_the_results(client, iranian):
    _published(iranian)
    full = client.get(reverse("opportunities:search"))
    partial = client.get(reverse("opportunities:search"), headers={"HX-Request": "true"})
    assert partial.status_code == 200
    templates = {template.name for template in partial.templates}
    assert "opportunities/_search_results.html" in templates
    assert "opportunities/search.html" not in templates and "base.html" not in templates
    assert "<html" not in partial.content.decode()
    assert "<html" in full.content.decode()
    assert partial.context["total"] == full.context["total"] == 1


def test_the_facets_count_what_is_open(client, iranian, chinese):
    _published(iranian)
    _published(iranian, {**PISTACHIO_OFFER, "title": "Saffron, 2 t", "hs_codes": ["0910"]})
    _published(chinese, PISTACHIO_REQUEST)
    _draft(iranian)  # drafts are not counted, even for their author
    client.force_login(iranian.user)
    response = client.get(reverse("opportunities:search"))
    facets = response.context["facets"]
    assert facets["side"] == {"offer": 2, "request": 1}
    assert facets["country"] == {"IR": 2, "CN": 1}
    assert facets["hs_chapter"] == {"08": 2, "09": 1}
    assert response.context["total"] == 3
    filtered = client.get(reverse("opportunities:search"), {"side": "request"})
    assert filtered.context["total"] == 1
    assert [row.side for row in filtered.context["page"]] == ["request"]


def test_search_pages(client, iranian):
    for number in range(22):
        _published(iranian, {**PISTACHIO_OFFER, "title": f"Pistachio lot {number}"})
    first = client.get(reverse("opportunities:search"))
    second = client.get(reverse("opportunities:search"), {"page": "2"})
    assert len(first.context["page"]) == 20
    assert len(second.context["page"]) == 2
    assert first.context["total"] == 22


def test_my_opportunities_lists_drafts_of_my_organisation_only(client, iranian, chinese):
    draft = _draft(iranian)
    _draft(chinese, PISTACHIO_REQUEST)
    client.force_login(iranian.user)
    response = client.get(reverse("opportunities:mine"))
    assert list(response.context["opportunities"]) == [draft]


@pytest.mark.parametrize(
    ("language", "per_tonne"), [("zh-hans", "每吨"), ("fa", "هر تن"), ("en", "per tonne")]
)
def test_a_price_reads_per_unit_in_the_viewers_language(client, iranian, language, per_tonne):
    offer = _published(iranian, {**PISTACHIO_OFFER, "price_min": "9800", "price_unit": "t"})
    client.cookies["django_language"] = language
    page = client.get(offer.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert per_tonne in page
    assert "/ tonnes" not in page
