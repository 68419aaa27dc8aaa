"""Log-in throttling behind a reverse proxy counts failures per real client, not per proxy."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"  # the factory's password
PROXY = "10.0.0.2"

pytestmark = pytest.mark.django_db


def _log_in(client, password: str, **headers: str):
    return client.post(
        reverse("accounts:login"),
        {"username": "target@example.test", "password": password},
        **headers,
    )


def test_an_attacker_behind_the_trusted_proxy_does_not_lock_out_the_owner(client, settings):
    settings.KARVAN_TRUSTED_PROXIES = [PROXY]
    UserFactory(email="target@example.test")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        _log_in(client, "guess", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.66")
    locked = _log_in(client, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.66")
    assert locked.status_code == 429
    owner = _log_in(client, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert owner.status_code == 302
    assert SESSION_KEY in client.session


def test_a_forged_header_from_an_untrusted_peer_does_not_escape_the_lock(client, settings):
    settings.KARVAN_TRUSTED_PROXIES = [PROXY]
    UserFactory(email="target@example.test")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _log_in(
            client, "guess", REMOTE_ADDR="203.0.113.66", HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}"
        )
    response = _log_in(
        client, PASSWORD, REMOTE_ADDR="203.0.113.66", HTTP_X_FORWARDED_FOR="192.0.2.200"
    )
    assert response.status_code == 429
    assert SESSION_KEY not in client.session
