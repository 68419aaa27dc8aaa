"""Input with a NUL character is refused with a 400 in the reader's language, pages and API alike.

PostgreSQL refuses NUL in any string, so such input used to reach the database and answer 500
there (schemathesis found it on `GET /api/units?status=…`, `GET /api/parks/{id}/units` and
`POST /api/questions/{id}/comments`); SQLite let it through silently.
"""

import json

import pytest
from django.urls import reverse

from karvan.directory.models import Organisation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_query_value_with_nul_is_a_400_on_the_api(client):
    response = client.get("/api/units", {"status": "open\x00"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"


def test_a_json_body_with_nul_is_a_400_in_the_readers_language(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        "/api/questions/1/comments",
        json.dumps({"language": "en", "body": "hello\u0000"}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="fa",
    )
    assert response.status_code == 400
    assert "NUL" in response.json()["message"]
    assert "متنی" in response.json()["message"]


def test_a_form_value_with_nul_is_refused_and_nothing_is_saved(client):
    user = UserFactory()
    client.force_login(user)
    before = Organisation.objects.count()
    response = client.post(reverse("directory:create"), {"name_en": "Nul\x00 Trading"})
    assert response.status_code == 400
    assert Organisation.objects.count() == before


def test_ordinary_input_passes(client):
    assert client.get("/api/units", {"status": "open"}).status_code == 200
