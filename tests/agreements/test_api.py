"""The agreements API: the same rules as the pages, answered as JSON errors."""

import pytest
from django.test import TestCase

from karvan.agreements.models import Agreement
from karvan.agreements.selectors import current_version
from karvan.directory.models import Organisation
from tests.agreements.conftest import code_from_outbox
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_create_read_and_sign_through_the_api(client, signing, iran, outsider):
    client.force_login(iran.signatory)
    read = client.get(f"/api/agreements/{signing.code}")
    assert read.status_code == 200
    body = read.json()
    assert body["status"] == "signing" and body["title"]["fa"]
    assert [s["is_next"] for s in body["signatories"]] == [True, True]
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert client.post(f"/api/agreements/{signing.code}/signing-code").status_code == 202
    wrong_name = client.post(
        f"/api/agreements/{signing.code}/sign",
        {
            "code": code_from_outbox(),
            "typed_name": "Nobody",
            "document_sha256": body["document_sha256"],
        },
        content_type="application/json",
    )
    assert wrong_name.status_code == 400
    assert wrong_name.json()["code"] == "agreement.name_mismatch"
    signed = client.post(
        f"/api/agreements/{signing.code}/sign",
        {
            "code": code_from_outbox(),
            "typed_name": "مریم احمدی",
            "document_sha256": body["document_sha256"],
        },
        content_type="application/json",
    )
    assert signed.status_code == 200
    assert signed.json()["signatories"][0]["signed_at"]
    again = client.post(f"/api/agreements/{signing.code}/signing-code")
    assert again.status_code == 409 and again.json()["code"] == "agreement.already_signed"


def test_an_outsider_gets_404_and_cannot_create_for_another_organisation(
    client, signing, iran, china, outsider
):
    client.force_login(outsider)
    assert client.get(f"/api/agreements/{signing.code}").status_code == 404
    assert client.post(f"/api/agreements/{signing.code}/signing-code").status_code == 404
    response = client.post(
        "/api/agreements",
        {
            "organisation_id": iran.organisation.pk,
            "partner_ids": [china.organisation.pk],
            "template": "mou",
            "languages": ["fa"],
            "prevailing_language": "fa",
        },
        content_type="application/json",
    )
    assert response.status_code == 403
    assert client.get("/api/agreements").json()["count"] == 0
    assert Agreement.objects.count() == 1


def test_create_from_a_template(client, iran, china):
    client.force_login(iran.owner)
    response = client.post(
        "/api/agreements",
        {
            "organisation_id": iran.organisation.pk,
            "partner_ids": [china.organisation.pk],
            "template": "distribution",
            "languages": ["fa", "zh-hans"],
            "prevailing_language": "fa",
            "values": {
                "products": {"fa": "پسته", "zh-hans": "开心果"},
                "territory": {"fa": "استان گوانگدونگ", "zh-hans": "广东省"},
            },
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    agreement = Agreement.objects.get(code=response.json()["code"])
    assert "广东省" in current_version(agreement).texts["zh-hans"]
    unknown = client.post(
        "/api/agreements",
        {
            "organisation_id": iran.organisation.pk,
            "partner_ids": [china.organisation.pk],
            "template": "lease",
            "languages": ["fa"],
            "prevailing_language": "fa",
        },
        content_type="application/json",
    )
    assert unknown.status_code == 400 and unknown.json()["fields"]["template"]
    assert client.get("/api/agreements/templates").json()[0]["key"]


def test_a_drawing_that_is_not_a_png_is_refused_with_its_field(client, signing, iran):
    client.force_login(iran.signatory)
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(f"/api/agreements/{signing.code}/signing-code")
    response = client.post(
        f"/api/agreements/{signing.code}/sign",
        {
            "code": code_from_outbox(),
            "typed_name": "Maryam Ahmadi",
            "document_sha256": current_version(signing).document_sha256,
            "drawing_png_base64": "R0lGODlhAQABAAAAACw=",  # a GIF
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "agreement.invalid_drawing"
    assert not signing.signatures.exists()


def test_a_rejected_organisation_cannot_be_a_partner_through_the_api(client, iran):
    """The page does not offer an organisation whose verification was refused; the API refuses
    it the same way, as if it did not exist."""
    rejected = OrganisationFactory(verification=Organisation.Verification.REJECTED)
    client.force_login(iran.owner)
    response = client.post(
        "/api/agreements",
        {
            "organisation_id": iran.organisation.pk,
            "partner_ids": [rejected.pk],
            "template": "mou",
            "languages": ["fa"],
            "prevailing_language": "fa",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "agreement.unknown_organisation"
    assert response.json()["fields"]["partner_ids"]
    assert not Agreement.objects.exists()


def test_values_per_language_through_the_api(client, iran, china):
    client.force_login(iran.owner)
    response = client.post(
        "/api/agreements",
        {
            "organisation_id": iran.organisation.pk,
            "partner_ids": [china.organisation.pk],
            "template": "mou",
            "languages": ["fa", "zh-hans"],
            "prevailing_language": "fa",
            "values": {"place": {"fa": "تهران", "zh-hans": "德黑兰"}, "term": "3"},
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    texts = current_version(Agreement.objects.get(code=response.json()["code"])).texts
    assert "تهران" in texts["fa"] and "تهران" not in texts["zh-hans"]
    assert "德黑兰" in texts["zh-hans"]


def test_signing_through_the_api_with_a_full_width_code(client, signing, china):
    client.force_login(china.signatory)
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(f"/api/agreements/{signing.code}/signing-code")
    signed = client.post(
        f"/api/agreements/{signing.code}/sign",
        {
            "code": code_from_outbox().translate(
                str.maketrans("0123456789", "０１２３４５６７８９")
            ),
            "typed_name": "李娜",
            "document_sha256": current_version(signing).document_sha256,
        },
        content_type="application/json",
    )
    assert signed.status_code == 200, signed.json()


def _draft_mou(client, iran, china, languages, values):
    return client.post(
        "/api/agreements",
        {
            "organisation_id": iran.organisation.pk,
            "partner_ids": [china.organisation.pk],
            "template": "mou",
            "languages": languages,
            "prevailing_language": languages[0],
            "values": values,
        },
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_a_plain_text_value_for_a_two_language_agreement_is_refused_naming_it(client, iran, china):
    """A Persian place given once would land inside the Chinese version: 400, naming the
    placeholder and the languages it needs, and nothing is created."""
    client.force_login(iran.owner)
    response = _draft_mou(client, iran, china, ["fa", "zh-hans"], {"place": "تهران"})
    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["code"] == "agreement.placeholder_text_per_language"
    assert "{place}" in body["message"] and "zh-hans" in body["message"]
    assert body["fields"]["values"]
    assert not Agreement.objects.exists()


def test_a_text_value_missing_a_language_of_the_agreement_is_refused_naming_both(
    client, iran, china
):
    client.force_login(iran.owner)
    response = _draft_mou(
        client, iran, china, ["fa", "zh-hans"], {"place": {"fa": "تهران", "ar": "طهران"}}
    )
    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["code"] == "agreement.placeholder_value_missing"
    assert "{place}" in body["message"] and "(zh-hans)" in body["message"]
    assert not Agreement.objects.exists()


def test_a_date_and_a_number_given_once_are_written_per_language(client, iran, china):
    """The page's rule: one date is written in each language's calendar, one number in each
    language's digits."""
    client.force_login(iran.owner)
    response = _draft_mou(
        client,
        iran,
        china,
        ["fa", "zh-hans"],
        {
            "place": {"fa": "تهران", "zh-hans": "德黑兰"},
            "effective_date": "2026-11-23",
            "term": 3,
            "field": {"fa": "کشاورزی", "zh-hans": "农业"},
        },
    )
    assert response.status_code == 201, response.json()
    texts = current_version(Agreement.objects.get()).texts
    assert "۲ آذر ۱۴۰۵" in texts["fa"] and "2026" not in texts["fa"]
    assert "2026" in texts["zh-hans"] and "۱۴۰۵" not in texts["zh-hans"]
    assert "۳" in texts["fa"] and "۳" not in texts["zh-hans"]
    assert "{" not in texts["fa"] + texts["zh-hans"]


def test_a_plain_text_value_serves_a_one_language_agreement(client, iran, china):
    client.force_login(iran.owner)
    response = _draft_mou(client, iran, china, ["fa"], {"place": "تهران", "term": "۲٫۵"})
    assert response.status_code == 201, response.json()
    text = current_version(Agreement.objects.get()).texts["fa"]
    assert "تهران" in text and "۲٫۵" in text


def test_a_value_in_an_unknown_language_is_a_schema_error(client, iran, china):
    client.force_login(iran.owner)
    response = _draft_mou(client, iran, china, ["fa"], {"place": {"de": "Teheran"}})
    assert response.status_code == 422
    assert not Agreement.objects.exists()
