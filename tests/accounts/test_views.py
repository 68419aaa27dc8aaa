"""Account pages: sign-up, confirmation, log-in and its throttling, preferences, tokens."""

import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from karvan.accounts.models import ApiToken, User
from karvan.accounts.services import create_api_token, make_confirmation_token
from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"  # the factory's password

pytestmark = pytest.mark.django_db


def _log_in(client, email: str, password: str):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def _signup_data(**overrides: str) -> dict[str, str]:
    return {
        "full_name": "Wang Wei",
        "full_name_native": "王伟",
        "email": "wang.wei@example.test",
        "password": "a long and unusual passphrase 42",
        "language": "zh-hans",
        "time_zone": "Asia/Shanghai",
        "calendar": "gregorian",
        **overrides,
    }


# --- Sign-up and confirmation -----------------------------------------------------------------


def test_signup_form_creates_an_account_and_mails_the_link(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:signup"), _signup_data())
    assert response.status_code == 200
    assert response.templates[0].name == "accounts/signup_done.html"
    user = User.objects.get(email="wang.wei@example.test")
    assert (user.language, user.time_zone, user.full_name_native) == (
        "zh-hans",
        "Asia/Shanghai",
        "王伟",
    )
    assert [mail.to for mail in mailoutbox] == [["wang.wei@example.test"]]
    assert "/accounts/confirm/" in mailoutbox[0].body


def test_signup_with_a_taken_address_answers_as_for_a_new_one(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    """Sign-up does not reveal which addresses have accounts: same page, and one e-mail each."""
    with django_capture_on_commit_callbacks(execute=True):
        new = client.post(reverse("accounts:signup"), _signup_data(email="new@example.test"))
    UserFactory(email="wang.wei@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        taken = client.post(reverse("accounts:signup"), _signup_data(email="Wang.Wei@example.test"))
    assert taken.status_code == new.status_code == 200
    assert taken.templates[0].name == new.templates[0].name == "accounts/signup_done.html"

    def page(response, address: str) -> str:
        text = re.sub(r'value="[^"]{64}"', "", response.content.decode())  # CSRF tokens
        return re.sub(re.escape(address), "ADDRESS", text, flags=re.IGNORECASE)

    assert page(taken, "wang.wei@example.test") == page(new, "new@example.test")
    assert User.objects.filter(email__iexact="wang.wei@example.test").count() == 1
    assert [mail.to for mail in mailoutbox] == [["new@example.test"], ["wang.wei@example.test"]]
    assert "someone tried" in mailoutbox[1].body.lower()


def test_signup_with_a_weak_password_or_unknown_zone_shows_form_errors(client):
    response = client.post(
        reverse("accounts:signup"), _signup_data(password="12345678", time_zone="Mars/Base")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "password" in errors
    assert "time_zone" in errors
    assert not User.objects.filter(email="wang.wei@example.test").exists()


def test_confirmation_link_confirms_and_leads_to_log_in(client):
    user = UserFactory(email_confirmed_at=None)
    response = client.get(reverse("accounts:confirm", args=[make_confirmation_token(user)]))
    assert response.status_code == 302
    assert response.url == reverse("accounts:login")
    user.refresh_from_db()
    assert user.has_confirmed_email


def test_bad_confirmation_link_leads_to_asking_for_a_new_one(client):
    response = client.get(reverse("accounts:confirm", args=["forged"]))
    assert response.status_code == 302
    assert response.url == reverse("accounts:resend_confirmation")


def test_new_confirmation_link_is_sent_only_to_an_unconfirmed_account(client, mailoutbox):
    UserFactory(email="new@example.test", email_confirmed_at=None)
    UserFactory(email="done@example.test")
    for email in ("new@example.test", "done@example.test", "nobody@example.test"):
        response = client.post(reverse("accounts:resend_confirmation"), {"email": email})
        assert response.status_code == 302
    assert [mail.to for mail in mailoutbox] == [["new@example.test"]]


def test_new_confirmation_links_are_limited_to_one_a_minute_per_address(client, mailoutbox):
    UserFactory(email="new@example.test", email_confirmed_at=None)
    with time_machine.travel("2026-11-23 08:00:00Z", tick=False) as traveller:
        for _attempt in range(3):
            client.post(reverse("accounts:resend_confirmation"), {"email": "New@example.test"})
        assert len(mailoutbox) == 1
        traveller.shift(61)
        client.post(reverse("accounts:resend_confirmation"), {"email": "new@example.test"})
    assert len(mailoutbox) == 2


# --- Log-in -----------------------------------------------------------------------------------


def test_unconfirmed_person_cannot_log_in_and_is_told_to_confirm(client):
    UserFactory(email="new@example.test", email_confirmed_at=None)
    response = _log_in(client, "new@example.test", PASSWORD)
    assert response.status_code == 200
    form = response.context["form"]
    assert [error.code for error in form.errors.as_data()["__all__"]] == ["unconfirmed"]
    assert "Confirm your e-mail address first" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_log_in_works_after_confirmation(client):
    user = UserFactory(email="new@example.test", email_confirmed_at=None)
    client.get(reverse("accounts:confirm", args=[make_confirmation_token(user)]))
    response = _log_in(client, "new@example.test", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.session[SESSION_KEY] == str(user.pk)


def test_wrong_password_is_refused_without_saying_which_part_is_wrong(client):
    UserFactory(email="someone@example.test")
    response = _log_in(client, "someone@example.test", "wrong password")
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["__all__"]] == [
        "invalid_login"
    ]
    assert SESSION_KEY not in client.session


def test_log_in_is_locked_after_five_wrong_passwords_even_with_the_right_one(client):
    UserFactory(email="target@example.test")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = _log_in(client, "target@example.test", "guess")
        assert SESSION_KEY not in client.session
    response = _log_in(client, "target@example.test", PASSWORD)
    assert response.status_code == 429
    assert "Too many failed log-ins" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_four_wrong_passwords_do_not_lock_the_account(client):
    UserFactory(email="target@example.test")
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        _log_in(client, "target@example.test", "guess")
    response = _log_in(client, "target@example.test", PASSWORD)
    assert response.status_code == 302
    assert SESSION_KEY in client.session


# --- Password reset ---------------------------------------------------------------------------


def test_password_reset_mails_a_working_link(client, mailoutbox):
    user = UserFactory(email="forgetful@example.test", language="fa")
    response = client.post(reverse("accounts:password_reset"), {"email": "forgetful@example.test"})
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["forgetful@example.test"]
    link = re.search(r"/accounts/password/reset/[^/\s]+/[^/\s]+/", mailoutbox[0].body).group(0)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    new_password = "another long passphrase 73"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_password_reset_mail_is_plain_text_not_html_escaped(client, mailoutbox):
    UserFactory(email="obrien@example.test", full_name="Seán O'Brien")
    client.post(reverse("accounts:password_reset"), {"email": "obrien@example.test"})
    (mail,) = mailoutbox
    assert "Seán O'Brien" in mail.body
    assert "&#x27;" not in mail.body


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, mailoutbox):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.test"})
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert mailoutbox == []


# --- Preferences ------------------------------------------------------------------------------


def _preferences(**overrides: str) -> dict[str, str]:
    return {
        "full_name": "Reza Mohammadi",
        "full_name_native": "رضا محمدی",
        "language": "fa",
        "time_zone": "Asia/Tehran",
        "calendar": "jalali",
        "email_frequency": "daily",
        **overrides,
    }


def test_preferences_page_requires_log_in(client):
    response = client.get(reverse("accounts:preferences"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_preferences_update_language_zone_and_calendar(client):
    user = UserFactory(language="en", time_zone="UTC", calendar="gregorian")
    client.force_login(user)
    response = client.post(reverse("accounts:preferences"), _preferences())
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.language, user.time_zone, user.calendar, user.email_frequency) == (
        "fa",
        "Asia/Tehran",
        "jalali",
        "daily",
    )
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fa"


def test_preferences_with_an_unknown_time_zone_show_a_form_error(client):
    user = UserFactory(language="en", time_zone="UTC")
    client.force_login(user)
    response = client.post(reverse("accounts:preferences"), _preferences(time_zone="Mars/Base"))
    assert response.status_code == 200
    assert "time_zone" in response.context["form"].errors
    user.refresh_from_db()
    assert (user.language, user.time_zone) == ("en", "UTC")


def test_preferences_page_renders_in_the_persons_language(client):
    client.force_login(UserFactory(language="fa"))
    response = client.get(reverse("accounts:preferences"))
    assert response.status_code == 200
    assert '<html lang="fa" dir="rtl">' in response.content.decode()


# --- Interface language -----------------------------------------------------------------------


def test_set_language_keeps_the_choice_for_a_signed_in_person(client):
    user = UserFactory(language="en")
    client.force_login(user)
    response = client.post(
        reverse("accounts:set_language"), {"language": "zh-hans", "next": "/organisations/"}
    )
    assert response.status_code == 302
    assert response.url == "/organisations/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    user.refresh_from_db()
    assert user.language == "zh-hans"


def test_set_language_for_a_visitor_sets_only_the_cookie(client):
    response = client.post(reverse("accounts:set_language"), {"language": "ar", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/path", "javascript:alert(1)"]
)
def test_set_language_refuses_to_redirect_to_another_site(client, next_url):
    response = client.post(reverse("accounts:set_language"), {"language": "fa", "next": next_url})
    assert response.status_code == 302
    assert response.url == "/"


def test_set_language_ignores_an_unknown_language(client):
    user = UserFactory(language="en")
    client.force_login(user)
    response = client.post(reverse("accounts:set_language"), {"language": "xx", "next": "/"})
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    user.refresh_from_db()
    assert user.language == "en"


def test_set_language_accepts_only_post(client):
    assert client.get(reverse("accounts:set_language")).status_code == 405


# --- API tokens -------------------------------------------------------------------------------


def test_token_is_created_and_shown_once(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:token_create"),
        {"name": "ERP sync", "scope": "read", "expires_in_days": "30"},
    )
    assert response.status_code == 200
    key = response.context["key"]
    token = ApiToken.objects.get(user=user)
    assert (token.name, token.scope) == ("ERP sync", ApiToken.Scope.READ)
    assert token.expires_at.date() == (timezone.now() + datetime.timedelta(days=30)).date()
    assert "Read only" in response.content.decode()
    assert token.key_hash == ApiToken.hash_key(key)
    assert key in response.content.decode()
    assert key not in client.get(reverse("accounts:preferences")).content.decode()


def test_token_without_a_name_is_not_created(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("accounts:token_create"), {"name": ""})
    assert response.status_code == 302
    assert not ApiToken.objects.filter(user=user).exists()


def test_person_revokes_their_own_token(client):
    user = UserFactory()
    token, _key = create_api_token(user=user, name="ERP")
    client.force_login(user)
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()


def test_person_cannot_revoke_another_persons_token(client):
    owner = UserFactory()
    token, _key = create_api_token(user=owner, name="ERP")
    client.force_login(UserFactory())
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert ApiToken.objects.filter(pk=token.pk, user=owner).exists()


def test_token_revocation_needs_post_and_log_in(client):
    token, _key = create_api_token(user=UserFactory(), name="ERP")
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 302
    client.force_login(token.user)
    assert client.get(reverse("accounts:token_revoke", args=[token.pk])).status_code == 405
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_log_in_ignores_the_case_of_the_address(client):
    """Phones capitalise the first letter; addresses are stored in lower case."""
    user = UserFactory(email="mina@example.test")
    response = _log_in(client, "Mina@Example.TEST", PASSWORD)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_changing_the_case_of_the_address_does_not_escape_the_lock(client):
    UserFactory(email="target@example.test")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _log_in(client, "target@example.test" if attempt % 2 else "TARGET@example.test", "guess")
    response = _log_in(client, "Target@Example.test", PASSWORD)
    assert response.status_code == 429
    assert SESSION_KEY not in client.session
