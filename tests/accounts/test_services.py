"""Account actions: sign-up and confirmation, preferences, API tokens."""

import datetime
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone, translation

from karvan.accounts.errors import InvalidConfirmationError, InvalidTokenError
from karvan.accounts.models import ApiToken, User
from karvan.accounts.services import (
    authenticate_api_token,
    confirm_email,
    create_api_token,
    make_confirmation_token,
    revoke_api_token,
    sign_up,
    update_preferences,
)
from tests.factories import UserFactory

PASSWORD = "a long and unusual passphrase 42"

pytestmark = pytest.mark.django_db


def _sign_up(**overrides: object) -> User:
    values = {
        "email": "reza@example.test",
        "password": PASSWORD,
        "full_name": "Reza Mohammadi",
        "full_name_native": "رضا محمدی",
        "language": "fa",
        "time_zone": "Asia/Tehran",
    }
    return sign_up(**{**values, **overrides})


def _confirmation_path(body: str) -> str:
    match = re.search(r"/accounts/confirm/[^/\s]+/", body)
    assert match, body
    return match.group(0)


def test_sign_up_creates_an_unconfirmed_account_with_the_persons_preferences(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        user = _sign_up(email="  Reza@Example.TEST ")
    user.refresh_from_db()
    assert user.email == "reza@example.test"
    assert not user.has_confirmed_email
    assert (user.language, user.time_zone, user.calendar) == ("fa", "Asia/Tehran", "jalali")
    assert user.check_password(PASSWORD)


def test_sign_up_mails_the_confirmation_link_in_the_persons_language(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        user = _sign_up()
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["reza@example.test"]
    path = _confirmation_path(mail.body)
    assert confirm_email(token=path.split("/")[-2]) == user
    with translation.override("fa"):
        subject_in_persian = render_to_string("accounts/email/confirm_subject.txt").strip()
    assert mail.subject == subject_in_persian
    assert mail.subject != "Confirm your e-mail address for Karvan"
    assert any("\u0600" <= char <= "\u06ff" for char in mail.subject)
    html, mimetype = mail.alternatives[0]
    assert mimetype == "text/html"
    assert '<html lang="fa" dir="rtl">' in html


def test_sign_up_sends_nothing_when_the_transaction_rolls_back(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _sign_up()
    assert len(callbacks) == 1
    assert mailoutbox == []


def test_sign_up_with_a_taken_address_changes_nothing_and_tells_its_owner(
    mailoutbox, django_capture_on_commit_callbacks
):
    """The answer does not reveal the account; its owner hears of the attempt, in their language."""
    owner = UserFactory(email="reza@example.test", language="fa", full_name="Reza")
    password = owner.password
    with django_capture_on_commit_callbacks(execute=True):
        assert _sign_up(email="REZA@example.test", full_name="Mallory") is None
    assert User.objects.filter(email__iexact="reza@example.test").count() == 1
    owner.refresh_from_db()
    assert (owner.full_name, owner.password) == ("Reza", password)
    assert [mail.to for mail in mailoutbox] == [["reza@example.test"]]
    assert "/accounts/confirm/" not in mailoutbox[0].body
    assert "/accounts/password/reset/" in mailoutbox[0].body
    assert mailoutbox[0].subject != "Someone tried to sign up to Karvan with your address"


def test_repeated_sign_up_attempts_mail_the_owner_at_most_once_a_minute(
    mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email="reza@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        for _attempt in range(5):
            _sign_up(email="reza@example.test")
    assert len(mailoutbox) == 1


def test_sign_up_without_a_calendar_takes_the_languages_default():
    assert _sign_up(language="zh-hans", time_zone="Asia/Shanghai").calendar == "gregorian"


def test_confirm_email_marks_the_address_confirmed_once():
    user = _sign_up()
    token = make_confirmation_token(user)
    confirm_email(token=token)
    user.refresh_from_db()
    first = user.email_confirmed_at
    assert first is not None
    confirm_email(token=token)
    user.refresh_from_db()
    assert user.email_confirmed_at == first


@pytest.mark.parametrize("token", ["", "not-a-token", "eyJ1c2VyIjoxfQ:1abc:forged"])
def test_confirm_email_rejects_a_bad_token(token):
    with pytest.raises(InvalidConfirmationError) as error:
        confirm_email(token=token)
    assert error.value.code == "account.invalid_confirmation"


def test_confirm_email_rejects_a_tampered_token():
    token = make_confirmation_token(_sign_up())
    with pytest.raises(InvalidConfirmationError):
        confirm_email(token=token[:-2] + ("AA" if not token.endswith("AA") else "BB"))


def test_confirm_email_rejects_an_expired_token():
    start = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        user = _sign_up()
        token = make_confirmation_token(user)
    with time_machine.travel(start + datetime.timedelta(days=2, hours=23), tick=False):
        confirm_email(token=token)
    user.email_confirmed_at = None
    user.save()
    with (
        time_machine.travel(start + datetime.timedelta(days=3, minutes=1), tick=False),
        pytest.raises(InvalidConfirmationError),
    ):
        confirm_email(token=token)
    user.refresh_from_db()
    assert user.email_confirmed_at is None


def test_confirm_email_rejects_a_token_for_an_address_since_changed():
    user = _sign_up()
    token = make_confirmation_token(user)
    user.email = "other@example.test"
    user.save()
    with pytest.raises(InvalidConfirmationError):
        confirm_email(token=token)
    user.refresh_from_db()
    assert not user.has_confirmed_email


def test_update_preferences_changes_only_the_given_values():
    user = UserFactory(language="en", time_zone="UTC", calendar="gregorian", full_name="Wang Wei")
    update_preferences(user=user, language="zh-hans", time_zone="Asia/Shanghai")
    user.refresh_from_db()
    assert (user.language, user.time_zone, user.calendar, user.full_name) == (
        "zh-hans",
        "Asia/Shanghai",
        "gregorian",
        "Wang Wei",
    )


def test_update_preferences_rejects_an_unknown_time_zone():
    user = UserFactory(time_zone="UTC")
    with pytest.raises(ValidationError) as error:
        update_preferences(user=user, time_zone="Mars/Olympus_Mons")
    assert "time_zone" in error.value.message_dict
    user.refresh_from_db()
    assert user.time_zone == "UTC"


def test_api_token_is_shown_once_and_only_its_hash_is_kept():
    user = UserFactory()
    token, key = create_api_token(user=user, name="  ERP sync  ")
    assert key.startswith("kv_")
    assert token.name == "ERP sync"
    assert token.prefix == key[:8]
    assert token.key_hash == ApiToken.hash_key(key)
    assert key not in token.key_hash
    assert authenticate_api_token(key=key) == user


def test_authenticating_a_token_records_its_use():
    user = UserFactory()
    token, key = create_api_token(user=user, name="ERP")
    assert token.last_used_at is None
    authenticate_api_token(key=key)
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert timezone.now() - token.last_used_at < datetime.timedelta(minutes=1)


@pytest.mark.parametrize("key", ["", "kv_unknown", "Bearer kv_x"])
def test_unknown_token_is_rejected(key):
    UserFactory()
    with pytest.raises(InvalidTokenError) as error:
        authenticate_api_token(key=key)
    assert error.value.status == 401


def test_token_of_a_deactivated_person_is_rejected():
    user = UserFactory()
    _token, key = create_api_token(user=user, name="ERP")
    user.is_active = False
    user.save()
    with pytest.raises(InvalidTokenError):
        authenticate_api_token(key=key)


def test_revoked_token_no_longer_authenticates():
    user = UserFactory()
    token, key = create_api_token(user=user, name="ERP")
    revoke_api_token(user=user, token_id=token.pk)
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    with pytest.raises(InvalidTokenError):
        authenticate_api_token(key=key)


def test_one_person_cannot_revoke_anothers_token():
    owner, intruder = UserFactory(), UserFactory()
    token, key = create_api_token(user=owner, name="ERP")
    revoke_api_token(user=intruder, token_id=token.pk)
    assert ApiToken.objects.filter(pk=token.pk).exists()
    assert authenticate_api_token(key=key) == owner


def test_confirmation_mail_is_plain_text_not_html_escaped(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        _sign_up(full_name="Seán O'Brien <ops>", language="en")
    (mail,) = mailoutbox
    assert "Hello Seán O'Brien <ops>," in mail.body
    assert "O&#x27;Brien" not in mail.body
    assert "Seán O&#x27;Brien &lt;ops&gt;" in mail.alternatives[0][0]
