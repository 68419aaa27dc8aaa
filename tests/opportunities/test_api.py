"""The JSON API for opportunities, interests, quotations and search: one error format throughout."""

import datetime
import json

import pytest
import time_machine
from django.utils import timezone

from karvan.accounts.services import create_api_token
from karvan.opportunities.models import Interest, InterestMessage, Opportunity, Quotation
from karvan.opportunities.services import create_opportunity, publish_opportunity
from tests.factories import MembershipFactory
from tests.opportunities.conftest import PISTACHIO_OFFER, PISTACHIO_REQUEST

pytestmark = pytest.mark.django_db

LIST_URL = "/api/opportunities"


def _bearer(user) -> dict[str, str]:
    _token, key = create_api_token(user=user, name="tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _post(client, url: str, body: object = None, **headers: str):
    return client.post(
        url,
        json.dumps(body if body is not None else {}),
        content_type="application/json",
        **headers,
    )


def _patch(client, url: str, body: object, **headers: str):
    return client.patch(url, json.dumps(body), content_type="application/json", **headers)


def _assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    return body


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


def _payload(organisation_id: int, **overrides: object) -> dict[str, object]:
    return {"organisation_id": organisation_id, **PISTACHIO_OFFER, **overrides}


# --- Listing ----------------------------------------------------------------------------------


def test_list_is_paginated_and_shows_only_open_opportunities(client, iranian):
    for number in range(21):
        _published(iranian, {**PISTACHIO_OFFER, "title": f"Pistachio lot {number}"})
    _draft(iranian)
    body = client.get(LIST_URL).json()
    assert set(body) == {"items", "count", "count_is_exact"}
    assert (body["count"], body["count_is_exact"]) == (21, True)
    assert len(body["items"]) == 20
    assert len(client.get(LIST_URL, {"page": 2}).json()["items"]) == 1
    assert {item["status"] for item in body["items"]} == {"published"}


def test_list_filters(client, iranian, chinese):
    offer = _published(iranian)
    request = _published(chinese, PISTACHIO_REQUEST)
    saffron = _published(
        iranian,
        {
            **PISTACHIO_OFFER,
            "title": "Saffron, grade 1",
            "description": "Saffron threads in 2 kg tins.",
            "hs_codes": ["0910"],
        },
    )

    def ids(**params: str) -> set[int]:
        response = client.get(LIST_URL, params)
        assert response.status_code == 200
        return {item["id"] for item in response.json()["items"]}

    assert ids(side="request") == {request.pk}
    assert ids(country="cn") == {request.pk}
    assert ids(hs_chapter="09") == {saffron.pk}
    assert ids(q="اکبری") == {offer.pk}
    assert ids(q="开心果", side="request") == {request.pk}
    assert ids() == {offer.pk, request.pk, saffron.pk}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": "x"}, "page"),
        ({"hs_chapter": "zz"}, "hs_chapter"),
        ({"country": "QQQ"}, "country"),
        ({"side": "both"}, "side"),
        ({"kind": "<script>"}, "kind"),
    ],
)
def test_bad_list_parameters_answer_422_in_the_error_format(client, params, field):
    body = _assert_error(client.get(LIST_URL, params), 422, "invalid")
    assert field in body["fields"]


# --- Drafting and the owner's actions ---------------------------------------------------------


def test_a_member_drafts_an_opportunity_with_a_token(client, iranian):
    response = _post(client, LIST_URL, _payload(iranian.organisation_id), **_bearer(iranian.user))
    assert response.status_code == 201
    body = response.json()
    opportunity = Opportunity.objects.get()
    assert body["id"] == opportunity.pk
    assert body["status"] == "draft"
    assert body["hs_codes"] == ["0802"]
    assert body["sectors"] == ["10"]
    assert body["quantity"] == "500.000"
    assert body["url"] == opportunity.get_absolute_url()
    assert opportunity.author == iranian.user


def test_drafting_for_someone_elses_organisation_is_403_and_creates_nothing(
    client, iranian, chinese
):
    response = _post(client, LIST_URL, _payload(iranian.organisation_id), **_bearer(chinese.user))
    body = _assert_error(response, 403, "not_allowed")
    assert "organisation_id" in body["fields"]
    assert not Opportunity.objects.exists()


def test_drafting_needs_a_valid_token(client, iranian):
    _assert_error(
        _post(client, LIST_URL, _payload(iranian.organisation_id)), 401, "unauthenticated"
    )
    refused = _post(
        client,
        LIST_URL,
        _payload(iranian.organisation_id),
        HTTP_AUTHORIZATION="Bearer kv_not-a-token",
    )
    _assert_error(refused, 401, "unauthenticated")
    assert not Opportunity.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "status", "code", "field"),
    [
        ({"quantity": "abc"}, 422, "invalid", "quantity"),
        ({"language": "xx"}, 422, "invalid", "language"),
        ({"title": ""}, 422, "invalid", "title"),
        ({"side": "both"}, 422, "invalid", "side"),
        ({"price_min": "-1"}, 422, "invalid", "price_min"),
        (
            {"price_min": "12", "price_max": "9"},
            400,
            "opportunity.invalid_price_range",
            "price_min",
        ),
        ({"is_rfq": True}, 400, "opportunity.rfq_needs_request", "is_rfq"),
        (
            {"side": "request", "is_rfq": True},
            400,
            "opportunity.invalid_deadline",
            "quotation_deadline",
        ),
    ],
    ids=[
        "quantity-abc",
        "language",
        "no-title",
        "side",
        "negative-price",
        "price-range",
        "rfq-offer",
        "rfq-no-deadline",
    ],
)
def test_bad_drafts_are_refused_in_the_error_format(
    client, iranian, overrides, status, code, field
):
    response = _post(
        client, LIST_URL, _payload(iranian.organisation_id, **overrides), **_bearer(iranian.user)
    )
    body = _assert_error(response, status, code)
    assert field in body["fields"]
    assert not Opportunity.objects.exists()


def test_a_body_that_is_not_json_is_400_in_the_error_format(client, iranian):
    response = client.post(
        LIST_URL, "{not json", content_type="application/json", **_bearer(iranian.user)
    )
    assert response.status_code in {400, 422}
    assert set(response.json()) == {"code", "message", "fields"}


def test_publish_patch_renew_and_close(client, iranian):
    draft = _draft(iranian)
    auth = _bearer(iranian.user)
    url = f"{LIST_URL}/{draft.pk}"

    published = _post(client, f"{url}/publish", **auth)
    assert published.status_code == 200
    assert published.json()["status"] == "published"
    assert published.json()["expires_on"] == str(timezone.localdate() + datetime.timedelta(days=90))
    _assert_error(_post(client, f"{url}/publish", **auth), 409, "opportunity.not_draft")

    patched = _patch(client, url, {"title": "پسته فندقی", "price_max": "9.80"}, **auth)
    assert patched.status_code == 200
    assert patched.json()["title"] == "پسته فندقی"
    assert patched.json()["hs_codes"] == ["0802"]  # untouched fields stay
    draft.refresh_from_db()
    assert draft.title == "پسته فندقی"

    renewed = _post(client, f"{url}/renew", {"days": 30}, **auth)
    assert renewed.json()["expires_on"] == str(timezone.localdate() + datetime.timedelta(days=30))
    _assert_error(_post(client, f"{url}/renew", {"days": 0}, **auth), 422, "invalid")

    closed = _post(client, f"{url}/close", **auth)
    assert closed.json()["status"] == "closed"
    _assert_error(_post(client, f"{url}/renew", {}, **auth), 409, "opportunity.not_published")


@pytest.mark.parametrize("field", ["title", "side", "language", "certifications", "is_rfq"])
def test_patching_a_required_field_to_null_is_422_and_changes_nothing(client, iranian, field):
    draft = _draft(iranian)
    response = _patch(client, f"{LIST_URL}/{draft.pk}", {field: None}, **_bearer(iranian.user))
    body = _assert_error(response, 422, "invalid")
    assert field in body["fields"]
    draft.refresh_from_db()
    assert draft.title == PISTACHIO_OFFER["title"]
    assert draft.side == "offer"


def test_patching_an_optional_field_to_null_clears_it(client, iranian):
    draft = _draft(iranian)
    response = _patch(client, f"{LIST_URL}/{draft.pk}", {"quantity": None}, **_bearer(iranian.user))
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.quantity is None


def test_another_organisation_cannot_change_an_opportunity(client, iranian, chinese):
    offer = _published(iranian)
    draft = _draft(iranian)
    auth = _bearer(chinese.user)
    _assert_error(
        _patch(client, f"{LIST_URL}/{offer.pk}", {"title": "Taken"}, **auth), 403, "not_allowed"
    )
    _assert_error(_post(client, f"{LIST_URL}/{offer.pk}/close", **auth), 403, "not_allowed")
    _assert_error(_post(client, f"{LIST_URL}/{draft.pk}/publish", **auth), 404, "not_found")
    _assert_error(
        _patch(client, f"{LIST_URL}/{draft.pk}", {"title": "Taken"}, **auth), 404, "not_found"
    )
    offer.refresh_from_db()
    draft.refresh_from_db()
    assert (offer.status, offer.title) == ("published", PISTACHIO_OFFER["title"])
    assert (draft.status, draft.title) == ("draft", PISTACHIO_OFFER["title"])


def test_quality_endpoint(client, iranian):
    draft = _draft(iranian)
    response = client.get(f"{LIST_URL}/{draft.pk}/quality", **_bearer(iranian.user))
    assert response.status_code == 200
    body = response.json()
    assert 0 < body["score"] < 100
    codes = {item["code"] for item in body["advice"]}
    # A blank expiry means 90 days: no advice about it.
    assert codes == {"description_thin", "price_missing"}
    assert all(item["message"] for item in body["advice"])


def test_quality_advice_is_for_the_author_side_only(client, iranian, chinese):
    """The page shows the score to its editors only; the API must not tell anyone else."""
    offer = _published(iranian)
    response = client.get(f"{LIST_URL}/{offer.pk}/quality", **_bearer(chinese.user))
    _assert_error(response, 403, "not_allowed")
    assert client.get(f"{LIST_URL}/{offer.pk}/quality", **_bearer(iranian.user)).status_code == 200


# --- Recommendations and search through the engine --------------------------------------------


def test_recommendations_come_with_reasons_as_sentences(
    client, iranian, chinese, django_capture_on_commit_callbacks
):
    offer = _published(iranian, capture=django_capture_on_commit_callbacks)
    request = _published(chinese, PISTACHIO_REQUEST, capture=django_capture_on_commit_callbacks)
    response = client.get(f"{LIST_URL}/{request.pk}/recommendations", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    first = response.json()[0]
    assert first["opportunity"]["id"] == offer.pk
    assert 0 < first["score"] <= 1.5
    reasons = first["reasons"]
    assert reasons and all(isinstance(reason, str) and " " in reason for reason in reasons)
    assert "a partner in Iran" in reasons
    assert "related" not in reasons  # every reason the engine gives has its sentence

    organisation = client.get(
        f"/api/organisations/{chinese.organisation_id}/recommendations",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert organisation.status_code == 200
    assert [row["opportunity"]["id"] for row in organisation.json()] == [offer.pk]


def test_search_finds_a_persian_offer_for_a_chinese_word(
    client, iranian, django_capture_on_commit_callbacks
):
    offer = _published(
        iranian, {**PISTACHIO_OFFER, "hs_codes": []}, capture=django_capture_on_commit_callbacks
    )
    response = client.get("/api/search", {"q": "开心果"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"opportunities", "organisations"}
    assert offer.pk in [row["id"] for row in body["opportunities"]]
    # The list operation searches with the same selector, so it finds the same (issue 11: the
    # two disagreed, the list answering 0 here; failed before the fix).
    listed = client.get(LIST_URL, {"q": "开心果"}).json()
    assert listed["count"] >= 1
    assert [row["id"] for row in listed["items"]] == [row["id"] for row in body["opportunities"]]


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "x" * 201}])
def test_search_needs_a_query(client, params):
    body = _assert_error(client.get("/api/search", params), 422, "invalid")
    assert "q" in body["fields"]


# --- Interests --------------------------------------------------------------------------------


def _express(client, offer, membership, message="有兴趣"):
    return _post(
        client,
        f"{LIST_URL}/{offer.pk}/interests",
        {"organisation_id": membership.organisation_id, "message": message, "language": "zh-hans"},
        **_bearer(membership.user),
    )


def test_expressing_interest_twice_is_a_conflict(client, iranian, chinese):
    offer = _published(iranian)
    response = _express(client, offer, chinese)
    assert response.status_code == 201
    body = response.json()
    assert (body["opportunity_id"], body["organisation_id"], body["status"]) == (
        offer.pk,
        chinese.organisation_id,
        "pending",
    )
    assert [message["body"] for message in body["messages"]] == ["有兴趣"]
    _assert_error(_express(client, offer, chinese, "再说一次"), 409, "interest.duplicate")
    assert Interest.objects.count() == 1
    assert InterestMessage.objects.count() == 1


def test_interest_rules_in_the_api(client, iranian, chinese):
    offer = _published(iranian)
    _assert_error(_express(client, offer, iranian), 400, "interest.own_opportunity")
    speaking_for_another = _post(
        client,
        f"{LIST_URL}/{offer.pk}/interests",
        {"organisation_id": iranian.organisation_id, "message": "x", "language": "fa"},
        **_bearer(chinese.user),
    )
    _assert_error(speaking_for_another, 403, "not_allowed")
    _assert_error(_express(client, _draft(iranian), chinese), 404, "not_found")
    empty = _post(
        client,
        f"{LIST_URL}/{offer.pk}/interests",
        {"organisation_id": chinese.organisation_id, "message": "", "language": "zh-hans"},
        **_bearer(chinese.user),
    )
    assert "message" in _assert_error(empty, 422, "invalid")["fields"]
    assert not Interest.objects.exists()


@pytest.fixture
def interest_id(client, iranian, chinese):
    return _express(client, _published(iranian), chinese).json()["id"]


def test_the_thread_in_the_api(client, iranian, chinese, interest_id):
    reply = _post(
        client,
        f"/api/interests/{interest_id}/messages",
        {"body": "سلام، نمونه می‌فرستیم.", "language": "fa"},
        **_bearer(iranian.user),
    )
    assert reply.status_code == 201
    assert reply.json()["organisation_id"] == iranian.organisation_id
    thread = client.get(f"/api/interests/{interest_id}", **_bearer(chinese.user)).json()
    assert [message["language"] for message in thread["messages"]] == ["zh-hans", "fa"]
    received = client.get("/api/interests", {"received": "true"}, **_bearer(iranian.user)).json()
    assert [row["id"] for row in received["items"]] == [interest_id]
    sent = client.get("/api/interests", {"received": "false"}, **_bearer(iranian.user)).json()
    assert sent["items"] == []


def test_only_the_opportunitys_side_accepts_or_declines(client, iranian, chinese, interest_id):
    for action in ("accept", "decline"):
        own = _post(client, f"/api/interests/{interest_id}/{action}", **_bearer(chinese.user))
        _assert_error(
            own, 403, "not_allowed"
        )  # the interested side sees the thread, may not decide
        stranger = _post(
            client, f"/api/interests/{interest_id}/{action}", **_bearer(MembershipFactory().user)
        )
        _assert_error(stranger, 404, "not_found")
    assert Interest.objects.get(pk=interest_id).status == Interest.Status.PENDING

    accepted = _post(client, f"/api/interests/{interest_id}/accept", **_bearer(iranian.user))
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted"
    _assert_error(
        _post(client, f"/api/interests/{interest_id}/decline", **_bearer(iranian.user)),
        409,
        "interest.already_decided",
    )


def test_declining_in_the_api(client, iranian, interest_id):
    response = _post(client, f"/api/interests/{interest_id}/decline", **_bearer(iranian.user))
    assert response.json()["status"] == "declined"


# --- Quotations -------------------------------------------------------------------------------

QUOTE = {
    "unit_price": "9.40",
    "currency": "USD",
    "price_unit": "kg",
    "quantity": "40",
    "quantity_unit": "t",
    "lead_time_days": 21,
    "incoterm": "CFR",
}


def _quote(client, rfq, membership, **overrides: object):
    return _post(
        client,
        f"{LIST_URL}/{rfq.pk}/quotations",
        {"organisation_id": membership.organisation_id, **QUOTE, **overrides},
        **_bearer(membership.user),
    )


def test_quotations_before_and_after_the_deadline(client, iranian, chinese):
    rfq = _published(
        chinese,
        {
            **PISTACHIO_REQUEST,
            "is_rfq": True,
            "quotation_deadline": timezone.now() + datetime.timedelta(days=7),
        },
    )
    response = _quote(client, rfq, iranian)
    assert response.status_code == 201
    assert response.json()["unit_price"] == "9.40"
    revised = _quote(client, rfq, iranian, unit_price="9.10")
    assert revised.status_code == 201 and revised.json()["id"] == response.json()["id"]
    with time_machine.travel(timezone.now() + datetime.timedelta(days=8)):
        late = _quote(client, rfq, iranian, unit_price="8.00")
        _assert_error(late, 409, "quotation.deadline_passed")
    assert [str(q.unit_price) for q in Quotation.objects.all()] == ["9.10"]
    _assert_error(_quote(client, rfq, chinese), 400, "quotation.own_request")
    bad = _quote(client, rfq, iranian, lead_time_days=-1)
    assert "lead_time_days" in _assert_error(bad, 422, "invalid")["fields"]


def test_an_offer_takes_no_quotation(client, iranian, chinese):
    offer = _published(iranian)
    _assert_error(_quote(client, offer, chinese), 400, "quotation.not_rfq")
    assert not Quotation.objects.exists()
