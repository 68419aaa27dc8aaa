"""The JSON API for organisations: reads for anyone, changes with a token, one error format."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from karvan.accounts.services import create_api_token
from karvan.directory.models import Membership, Organisation
from karvan.directory.services.verification import reject_organisation
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    register_organisation,
    valid_uscc,
)

pytestmark = pytest.mark.django_db

LIST_URL = "/api/organisations"


def _url(organisation: Organisation) -> str:
    return f"/api/organisations/{organisation.pk}"


def _bearer(user) -> dict[str, str]:
    _token, key = create_api_token(user=user, name="tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _patch(client, url: str, body: object, **headers: str):
    return client.patch(url, json.dumps(body), content_type="application/json", **headers)


@pytest.fixture
def owned():
    """A Chinese organisation and its owner."""
    owner = UserFactory()
    organisation = register_organisation(
        owner=owner,
        country="CN",
        registry_id=valid_uscc(5),
        original_language="zh-hans",
        name={"zh-hans": "广州包装机械", "en": "Guangzhou Packaging"},
        products=["8422"],
        sectors=["28"],
    )
    return organisation, owner


def _assert_error_format(response, status: int, code: str) -> dict:
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == code
    assert isinstance(body["message"], str)
    assert body["message"]
    return body


# --- Reading ----------------------------------------------------------------------------------


def test_list_is_paginated_with_items_and_count(client):
    for _index in range(23):
        OrganisationFactory()
    response = client.get(LIST_URL)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"items", "count", "count_is_exact"}
    assert (body["count"], body["count_is_exact"]) == (23, True)
    assert len(body["items"]) == 20
    assert len(client.get(LIST_URL, {"page": 2}).json()["items"]) == 3


def test_list_filters(client, owned):
    organisation, _owner = owned
    OrganisationFactory(country="IR", kind=Organisation.Kind.UNIVERSITY)
    for query in (
        {"country": "cn"},
        {"kind": "sme", "country": "CN"},
        {"sector": "c"},
        {"sector": "28"},
        {"hs_chapter": "84"},
        {"q": "包装"},
    ):
        body = client.get(LIST_URL, query).json()
        assert [item["id"] for item in body["items"]] == [organisation.pk], query
    assert client.get(LIST_URL, {"verified": "true"}).json()["count"] == 1


@pytest.mark.parametrize(
    "query", [{"hs_chapter": "xx"}, {"kind": "pirate"}, {"country": "CHN"}, {"page": "abc"}]
)
def test_list_with_bad_filters_answers_422_in_the_error_format(client, query):
    response = client.get(LIST_URL, query)
    _assert_error_format(response, 422, "invalid")


def test_read_one_organisation(client, owned):
    organisation, _owner = owned
    response = client.get(_url(organisation))
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == organisation.pk
    assert body["name"] == {"zh-hans": "广州包装机械", "en": "Guangzhou Packaging"}
    assert body["products"] == ["8422"]
    assert body["sectors"] == ["28"]
    assert body["verification"] == "pending"
    assert body["is_verified"] is False
    assert body["url"] == organisation.get_absolute_url()
    assert body["logo_url"] is None


def test_unknown_organisation_is_404(client):
    _assert_error_format(client.get("/api/organisations/999999"), 404, "not_found")


def test_refused_organisation_is_404_to_an_outsider_and_visible_to_its_owner(client, owned):
    organisation, owner = owned
    reject_organisation(organisation=organisation, actor=UserFactory(is_staff=True), reason="No")
    _assert_error_format(client.get(_url(organisation)), 404, "not_found")
    outsider = MembershipFactory().user
    _assert_error_format(client.get(_url(organisation), **_bearer(outsider)), 404, "not_found")
    assert organisation.pk not in [
        item["id"] for item in client.get(LIST_URL, **_bearer(outsider)).json()["items"]
    ]
    assert client.get(_url(organisation), **_bearer(owner)).status_code == 200


# --- Changing ---------------------------------------------------------------------------------


def test_owner_patches_their_organisation_with_a_token(client, owned):
    organisation, owner = owned
    response = _patch(
        client,
        _url(organisation),
        {
            "name": {"zh-hans": "广州食品机械", "en": "Guangzhou Food Machinery"},
            "website": "https://food.example.cn",
            "founded_year": 2009,
            "products": ["8422", "0802"],
        },
        **_bearer(owner),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["name"]["en"] == "Guangzhou Food Machinery"
    assert sorted(body["products"]) == ["0802", "8422"]
    organisation.refresh_from_db()
    assert organisation.founded_year == 2009
    assert organisation.website.startswith("https://food.example.cn")
    assert "食品" in organisation.search_document


def test_patch_leaves_unsent_fields_alone(client, owned):
    organisation, owner = owned
    _patch(client, _url(organisation), {"city": {"en": "Guangzhou"}}, **_bearer(owner))
    organisation.refresh_from_db()
    assert organisation.city == {"en": "Guangzhou"}
    assert organisation.name == {"zh-hans": "广州包装机械", "en": "Guangzhou Packaging"}
    assert organisation.registry_id == valid_uscc(5)


def test_patching_another_organisation_is_forbidden_and_changes_nothing(client, owned):
    organisation, _owner = owned
    outsider = MembershipFactory(role=Membership.Role.OWNER).user
    response = _patch(
        client, _url(organisation), {"name": {"en": "Taken over"}}, **_bearer(outsider)
    )
    # The organisation is visible to everyone, so the refusal is a 403 (a 404 hides the invisible).
    _assert_error_format(response, 403, "not_allowed")
    organisation.refresh_from_db()
    assert organisation.name["en"] == "Guangzhou Packaging"


def test_plain_member_cannot_patch(client, owned):
    organisation, _owner = owned
    member = MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER).user
    response = _patch(client, _url(organisation), {"name": {"en": "Mine"}}, **_bearer(member))
    _assert_error_format(response, 403, "not_allowed")
    organisation.refresh_from_db()
    assert organisation.name["en"] == "Guangzhou Packaging"


def test_patching_an_invisible_organisation_is_404(client, owned):
    organisation, _owner = owned
    reject_organisation(organisation=organisation, actor=UserFactory(is_staff=True), reason="No")
    outsider = MembershipFactory().user
    response = _patch(client, _url(organisation), {"name": {"en": "X"}}, **_bearer(outsider))
    _assert_error_format(response, 404, "not_found")
    organisation.refresh_from_db()
    assert organisation.name["en"] == "Guangzhou Packaging"


def test_invalid_registry_id_answers_400_naming_the_field(client, owned):
    organisation, owner = owned
    bad = valid_uscc(5)[:-1] + ("0" if valid_uscc(5)[-1] != "0" else "1")
    response = _patch(client, _url(organisation), {"registry_id": bad}, **_bearer(owner))
    body = _assert_error_format(response, 400, "organisation.invalid_registry_id")
    assert list(body["fields"]) == ["registry_id"]
    assert body["fields"]["registry_id"] == [body["message"]]
    organisation.refresh_from_db()
    assert organisation.registry_id == valid_uscc(5)


def test_taken_registry_id_answers_409(client, owned):
    organisation, owner = owned
    register_organisation(owner=UserFactory(), country="CN", registry_id=valid_uscc(6))
    response = _patch(client, _url(organisation), {"registry_id": valid_uscc(6)}, **_bearer(owner))
    body = _assert_error_format(response, 409, "organisation.duplicate_registry_id")
    assert "registry_id" in body["fields"]


def test_empty_name_answers_400(client, owned):
    organisation, owner = owned
    response = _patch(client, _url(organisation), {"name": {"en": "  "}}, **_bearer(owner))
    _assert_error_format(response, 400, "organisation.name_required")
    organisation.refresh_from_db()
    assert organisation.name["en"] == "Guangzhou Packaging"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"founded_year": "long ago"}, "founded_year"),
        ({"founded_year": 1200}, "founded_year"),
        ({"name": "Just a string"}, "name"),
        ({"name": {"fr": "Emballage"}}, "name.fr"),
        ({"kind": "pirate"}, "kind"),
        ({"website": "not a url"}, "website"),
    ],
)
def test_wrong_types_answer_422_in_the_error_format(client, owned, body, field):
    organisation, owner = owned
    response = _patch(client, _url(organisation), body, **_bearer(owner))
    result = _assert_error_format(response, 422, "invalid")
    assert any(key.startswith(field) for key in result["fields"]), result["fields"]
    organisation.refresh_from_db()
    assert organisation.founded_year is None


def test_malformed_json_answers_400_in_the_error_format(client, owned):
    organisation, owner = owned
    response = client.patch(
        _url(organisation), "{not json", content_type="application/json", **_bearer(owner)
    )
    _assert_error_format(response, 400, "bad_request")


def test_session_patch_without_csrf_token_is_refused_in_the_error_format(owned):
    organisation, owner = owned
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = _patch(client, _url(organisation), {"name": {"en": "Cross-site"}})
    _assert_error_format(response, 403, "csrf_failed")
    organisation.refresh_from_db()
    assert organisation.name["en"] == "Guangzhou Packaging"


def test_patch_without_authentication_answers_401(client, owned):
    organisation, _owner = owned
    response = _patch(client, _url(organisation), {"name": {"en": "X"}})
    _assert_error_format(response, 401, "unauthenticated")


@pytest.mark.parametrize(
    "header", ["Bearer kv_not-a-real-token", "Bearer ", "Token abc", "kv_without_scheme"]
)
def test_patch_with_a_bad_token_answers_401(client, owned, header):
    organisation, _owner = owned
    response = _patch(client, _url(organisation), {"name": {"en": "X"}}, HTTP_AUTHORIZATION=header)
    _assert_error_format(response, 401, "unauthenticated")
    organisation.refresh_from_db()
    assert organisation.name["en"] == "Guangzhou Packaging"


def test_token_of_a_deactivated_person_answers_401(client, owned):
    organisation, owner = owned
    headers = _bearer(owner)
    owner.is_active = False
    owner.save()
    response = _patch(client, _url(organisation), {"name": {"en": "X"}}, **headers)
    _assert_error_format(response, 401, "unauthenticated")


# --- Schema and the caller --------------------------------------------------------------------


def test_openapi_document_lists_the_organisation_paths(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    assert "/api/organisations" in document["paths"]
    assert set(document["paths"]["/api/organisations/{organisation_id}"]) >= {"get", "patch"}
    assert "/api/me" in document["paths"]


def test_me_with_a_token(client, owned):
    organisation, owner = owned
    response = client.get("/api/me", **_bearer(owner))
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["email"], body["language"]) == (owner.pk, owner.email, "en")
    assert body["memberships"] == [{"organisation_id": organisation.pk, "role": "owner"}]


def test_me_with_a_session(client):
    user = UserFactory()
    client.force_login(user)
    response = client.get("/api/me")
    assert response.status_code == 200
    assert response.json()["id"] == user.pk


def test_me_without_authentication_answers_401(client):
    _assert_error_format(client.get("/api/me"), 401, "unauthenticated")


def test_api_docs_page_renders(client):
    assert client.get(reverse("api:openapi-view")).status_code == 200


def test_a_public_read_with_a_bad_token_answers_401_instead_of_reading_anonymously(client, owned):
    """A program whose token was revoked must learn it, not silently get less data."""
    response = client.get("/api/organisations", HTTP_AUTHORIZATION="Bearer kv_revoked")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert client.get("/api/organisations").status_code == 200


def test_a_long_list_says_its_count_stops_at_the_limit(client, monkeypatch):
    """The count is exact up to the limit and says when it is not: never a made-up total."""
    from karvan.api import main

    for number in range(3):
        OrganisationFactory(name={"en": f"Pistachio Cooperative {number}"})
    answer = client.get("/api/organisations").json()
    assert (answer["count"], answer["count_is_exact"]) == (3, True)

    monkeypatch.setattr(main, "COUNT_LIMIT", 2)
    answer = client.get("/api/organisations").json()
    assert (answer["count"], answer["count_is_exact"]) == (2, False)
    assert len(answer["items"]) == 3  # the page itself is whole
