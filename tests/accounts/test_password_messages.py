"""Django's password validators speak the reader's language on the sign-up page: their help and
their errors come from Django's own catalogues for fa, zh-hans and ar, not in English."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

ENGLISH = [
    "Your password can’t be too similar to your other personal information.",
    "Your password must contain at least 8 characters.",
    "This password is too short. It must contain at least 8 characters.",
    "This password is too common.",
    "This password is entirely numeric.",
]


@pytest.fixture(autouse=True)
def _language_reset():
    yield
    translation.deactivate()


def _in(language: str, message: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


@pytest.mark.parametrize("language", ["fa", "zh-hans", "ar"])
def test_django_has_these_messages_in_the_language(language):
    """The catalogue in use is Django's own: every validator message differs from the English."""
    for message in ENGLISH[:1] + ENGLISH[3:]:
        assert _in(language, message) != message, (language, message)
    with translation.override(language):
        short = translation.ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            8,
        )
    assert short.startswith("This password") is False


@pytest.mark.parametrize("language", ["fa", "zh-hans", "ar"])
def test_the_sign_up_page_gives_password_help_and_errors_in_the_readers_language(client, language):
    page = client.get(reverse("accounts:signup"), headers={"accept-language": language})
    html = page.content.decode()
    assert f'<html lang="{language}"' in html
    assert (
        _in(language, "Your password can’t be too similar to your other personal information.")
        in html
    )
    for english in ENGLISH:
        assert english not in html
    response = client.post(
        reverse("accounts:signup"),
        {
            "full_name": "Wang Wei",
            "email": "wang.wei@example.test",
            "password": "12345678",
            "language": language,
            "time_zone": "Asia/Shanghai",
            "calendar": "gregorian",
        },
        headers={"accept-language": language},
    )
    errors = " ".join(response.context["form"].errors["password"])
    assert _in(language, "This password is too common.") in errors
    assert _in(language, "This password is entirely numeric.") in errors
    assert not re.search(r"[A-Za-z]{4,}", errors), errors


@pytest.mark.parametrize("language", ["fa", "zh-hans", "ar"])
def test_too_short_and_too_similar_passwords_are_refused_in_the_readers_language(client, language):
    for password in ("wang.wei@example", "Wq7!"):
        response = client.post(
            reverse("accounts:signup"),
            {
                "full_name": "Wang Wei",
                "email": "wang.wei@example.test",
                "password": password,
                "language": language,
                "time_zone": "Asia/Shanghai",
                "calendar": "gregorian",
            },
            headers={"accept-language": language},
        )
        errors = " ".join(response.context["form"].errors["password"])
        assert errors and not re.search(r"[A-Za-z]{4,}", errors), errors
