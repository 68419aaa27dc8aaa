"""The first staff account, made from the command line as the README's production steps do."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.urls import reverse

from karvan.accounts.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "an operator's long passphrase 7"


def test_a_superuser_made_by_createsuperuser_can_log_in_at_once(client, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command(
        "createsuperuser", interactive=False, email="Staff@Center.example", full_name="Staff"
    )
    user = User.objects.get(email="staff@center.example")
    assert user.is_staff and user.is_superuser and user.has_confirmed_email

    response = client.post(
        reverse("accounts:login"), {"username": "staff@center.example", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_an_account_made_by_create_user_still_confirms_its_address(client):
    User.objects.create_user("person@center.example", PASSWORD, full_name="Person")
    response = client.post(
        reverse("accounts:login"), {"username": "person@center.example", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    assert "unconfirmed" in {
        error.code for error in response.context["form"].errors.as_data()["__all__"]
    }
