"""API tokens expire, may be read-only, and die when their person's password changes."""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from karvan.accounts.errors import InvalidTokenError, ReadOnlyTokenError
from karvan.accounts.models import ApiToken
from karvan.accounts.services import authenticate_api_token, create_api_token
from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"  # the factory's password
NEW_PASSWORD = "a brand new passphrase 2027"

pytestmark = pytest.mark.django_db


def _get(client, key: str):
    return client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {key}")


def _write(client, key: str, **headers: str):
    """An unsafe request: asking a question (a write open to every member)."""
    return client.post(
        "/api/questions",
        {"category": "payments", "language": "en", "title": "Letters of credit", "body": "How?"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
        **headers,
    )


def test_a_token_expires(client):
    user = UserFactory()
    _token, key = create_api_token(user=user, name="ERP", expires_in_days=7)
    assert _get(client, key).status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(days=7, seconds=1)):
        assert _get(client, key).status_code == 401
        with pytest.raises(InvalidTokenError):
            authenticate_api_token(key=key)


def test_a_read_only_token_reads_but_is_refused_writes_with_403(client):
    from karvan.knowledge.models import Question

    user = UserFactory()
    _token, key = create_api_token(user=user, name="dashboard", scope=ApiToken.Scope.READ)
    assert _get(client, key).status_code == 200
    refused = _write(client, key, HTTP_ACCEPT_LANGUAGE="fa")
    assert refused.status_code == 403
    assert refused.json()["code"] == "account.read_only_token"
    assert "read-only" not in refused.json()["message"]  # in the reader's language
    assert not Question.objects.exists()
    with pytest.raises(ReadOnlyTokenError):
        authenticate_api_token(key=key, writes=True)


def test_a_read_write_token_writes(client):
    user = UserFactory()
    _token, key = create_api_token(user=user, name="ERP", scope=ApiToken.Scope.READ_WRITE)
    assert _write(client, key).status_code == 201


def test_changing_the_password_kills_the_persons_tokens(client):
    user = UserFactory()
    _token, key = create_api_token(user=user, name="ERP")
    client.force_login(user)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    client.logout()
    assert _get(client, key).status_code == 401
    assert not ApiToken.objects.exists()


def test_resetting_the_password_kills_the_persons_tokens(client, mailoutbox):
    user = UserFactory(email="forgetful@example.test")
    _token, key = create_api_token(user=user, name="ERP")
    client.post(reverse("accounts:password_reset"), {"email": "forgetful@example.test"})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", mailoutbox[0].body)
    page = client.get(link.group(1), follow=True)
    client.post(
        page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert SESSION_KEY not in client.session
    assert _get(client, key).status_code == 401


def test_a_token_made_after_the_change_works_and_only_live_tokens_are_listed(client):
    user = UserFactory()
    create_api_token(user=user, name="old")
    user.set_password(NEW_PASSWORD)
    user.save()
    _token, key = create_api_token(user=user, name="new")
    assert _get(client, key).status_code == 200
    client.force_login(user)
    page = client.get(reverse("accounts:preferences")).content.decode()
    assert "new" in page and "<td>old" not in page


@pytest.mark.parametrize(
    "data",
    [
        {"name": "ERP", "scope": "admin", "expires_in_days": "30"},
        {"name": "ERP", "scope": "read", "expires_in_days": "10000"},
        {"name": "ERP", "scope": "read", "expires_in_days": "²"},
    ],
)
def test_the_token_form_refuses_other_scopes_and_lifetimes(client, data):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("accounts:token_create"), data)
    assert response.status_code == 302
    assert not ApiToken.objects.exists()


def test_the_preferences_page_offers_scope_and_lifetime(client):
    client.force_login(UserFactory())
    page = client.get(reverse("accounts:preferences")).content.decode()
    assert re.search(r'<input type="radio" name="scope" value="read"[^>]* checked>', page)
    assert 'name="expires_in_days"' in page
