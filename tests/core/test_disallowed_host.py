"""A request for a host the center does not serve gets Django's 400 page, never a 500."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_host_not_allowed_is_a_clear_400(settings):
    settings.ALLOWED_HOSTS = ["karvan.example"]
    client = Client(raise_request_exception=False)
    response = client.get("/", HTTP_HOST="elsewhere.example")
    assert response.status_code == 400
