"""Django's password validators speak the reader's language on the sign-up page: their help and
their errors come from Django's own catalogues for fa, zh-hans and ar, not in English."""

import re

import pytest
from django.contrib.auth import password_validation
from django.urls import reverse
from django.utils import translation

from karvan.accounts.models import User

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


#: A password each configured validator refuses, for a person named Wang Wei at this address.
REFUSED_BY = {
    "UserAttributeSimilarityValidator": "wang.wei@example",
    "MinimumLengthValidator": "Wq7!",
    "CommonPasswordValidator": "password",
    "NumericPasswordValidator": "73915864",
}


@pytest.mark.parametrize("language", ["fa", "zh-hans", "ar"])
def test_every_configured_validator_speaks_the_readers_language(client, language):
    """Each validator of AUTH_PASSWORD_VALIDATORS, its help on the sign-up page and its error:
    a validator added to the settings without a translated message fails here."""
    person = User(email="wang.wei@example.test", full_name="Wang Wei")
    html = client.get(
        reverse("accounts:signup"), headers={"accept-language": language}
    ).content.decode()
    validators = password_validation.get_default_password_validators()
    assert {type(validator).__name__ for validator in validators} <= set(REFUSED_BY)
    for validator in validators:
        name = type(validator).__name__
        with translation.override("en"):
            english_help = validator.get_help_text()
        with translation.override(language):
            help_text = validator.get_help_text()
            try:
                validator.validate(REFUSED_BY[name], person)
            except password_validation.ValidationError as error:
                errors = " ".join(error.messages)
            else:
                pytest.fail(f"{name} accepted {REFUSED_BY[name]!r}")
        assert help_text != english_help and help_text in html, (name, help_text)
        assert english_help not in html, name
        assert errors and not re.search(r"[A-Za-z]{4,}", errors), (name, errors)
