"""Crafted input to the agreements pages and API: a clear refusal, never a server error."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from karvan.agreements.models import Agreement

pytestmark = pytest.mark.django_db

HUGE = "9" * 25


@pytest.mark.parametrize(
    "person", ["²:1", "1:²", "٣:1", f"{HUGE}:1", f"1:{HUGE}", ":", "a:b", "1:1:1", "-1:2", "0:0"]
)
def test_a_crafted_signatory_choice_is_a_message_not_a_server_error(client, signing, iran, person):
    client.force_login(iran.owner)
    before = signing.signatories.count()
    response = client.post(
        reverse("agreements:add_signatory", args=[signing.code]), {"person": person}, follow=True
    )
    assert response.status_code == 200
    with translation.override("fa"):  # the owner reads Persian
        assert gettext("Choose a signatory from the list.") in response.content.decode()
    assert signing.signatories.count() == before


@pytest.mark.parametrize("url_name", ["accept_proposal", "decline_proposal", "withdraw_signatory"])
def test_a_huge_id_in_the_path_is_not_found(client, signing, iran, url_name):
    client.force_login(iran.owner)
    response = client.post(reverse(f"agreements:{url_name}", args=[signing.code, int(HUGE)]))
    assert response.status_code == 404


@pytest.mark.parametrize("query", [f"old={HUGE}", f"old=1&new={HUGE}", "old=²", "old=-1"])
def test_a_crafted_diff_query_is_a_message(client, signing, iran, query):
    client.force_login(iran.owner)
    response = client.get(f"{reverse('agreements:diff', args=[signing.code])}?{query}")
    assert response.status_code == 302


@pytest.mark.parametrize("code", ["\x00", "KV-AAAA-AAAA\x00"])
def test_a_code_with_a_nul_character_is_refused_at_the_door(client, iran, code):
    client.force_login(iran.owner)
    assert client.get(reverse("agreements:detail", args=[code])).status_code == 400
    assert client.get(f"/api/agreements/{code.replace(chr(0), '%00')}").status_code == 400
    assert client.get(reverse("agreements:verify_code", args=[code])).status_code == 400


@pytest.mark.parametrize("code", ["KV-" + "A" * 5000, "²"])
def test_a_crafted_code_is_not_found(client, iran, code):
    client.force_login(iran.owner)
    assert client.get(reverse("agreements:detail", args=[code])).status_code == 404
    assert client.get(f"/api/agreements/{code.replace(chr(0), '%00')}").status_code == 404
    response = client.get(reverse("agreements:verify_code", args=[code]))
    assert response.status_code == 200
    with translation.override("fa"):
        assert (
            gettext("Karvan knows no signed agreement with this code.") in response.content.decode()
        )


@pytest.mark.parametrize(
    "data",
    [
        {"initiator": "²", "partners": ["²"]},
        {"initiator": HUGE, "partners": [HUGE]},
        {"template": "²"},
        {"template": HUGE},
    ],
)
def test_crafted_ids_in_the_drafting_form_are_form_errors(client, iran, data):
    client.force_login(iran.owner)
    response = client.post(
        reverse("agreements:create"), {"languages": ["fa"], "prevailing_language": "fa", **data}
    )
    assert response.status_code == 200
    assert not Agreement.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"session": HUGE},
        {"session": "²"},
        {"starts_at": "²"},
        {"room_url": "javascript:alert(1)"},
    ],
)
def test_crafted_ceremony_input_is_a_form_error(client, signing, iran, data):
    client.force_login(iran.owner)
    response = client.post(reverse("agreements:ceremony", args=[signing.code]), data)
    assert response.status_code in {200, 302}  # the form with its error, or the field ignored
    signing.refresh_from_db()
    assert signing.ceremony_session_id is None and signing.ceremony_room_url == ""


def test_a_crafted_verification_is_answered(client):
    response = client.post(reverse("agreements:verify"), {"code": "²²-²²²²-²²²²"})
    assert response.status_code == 200
    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.4 not really a pdf")
    response = client.post(reverse("agreements:verify"), {"pdf": upload})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "payload",
    [
        {"organisation_id": int(HUGE), "partner_ids": [1], "template": "mou"},
        {"organisation_id": 1, "partner_ids": [int(HUGE)], "template": "mou"},
        {"organisation_id": 1, "partner_ids": [1], "template": "\x00"},
    ],
)
def test_crafted_ids_in_the_api_are_client_errors(client, iran, payload):
    client.force_login(iran.owner)
    body = {"languages": ["fa"], "prevailing_language": "fa", **payload}
    response = client.post("/api/agreements", body, content_type="application/json")
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize("page", ["1152921504606846977", "0", "-1", "²"])
def test_a_crafted_page_of_the_api_list_is_a_client_answer(client, signing, iran, page):
    client.force_login(iran.owner)
    response = client.get(f"/api/agreements?page={page}")
    assert response.status_code < 500
