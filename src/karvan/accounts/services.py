"""Actions on people's accounts: sign-up, e-mail confirmation, preferences, API tokens."""

import datetime
import hmac
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from karvan.accounts.errors import (
    InvalidConfirmationError,
    InvalidTokenError,
    InvalidTokenLifetimeError,
    InvalidTokenScopeError,
    ReadOnlyTokenError,
)
from karvan.accounts.models import ApiToken, User, password_fingerprint
from karvan.core.calendars import default_calendar
from karvan.core.mail import send_mail_to_person
from karvan.core.signals import send_identity_changed_on_commit

CONFIRMATION_SALT = "karvan.accounts.confirm-email"
CONFIRMATION_MAX_AGE = 60 * 60 * 24 * 3


def make_confirmation_token(user: User) -> str:
    """A signed token naming the user and the address being confirmed."""
    return signing.dumps({"user": user.pk, "email": user.email}, salt=CONFIRMATION_SALT)


def send_confirmation_email(*, user: User) -> None:
    token = make_confirmation_token(user)
    send_mail_to_person(
        user,
        template="accounts/email/confirm",
        context={"user": user, "path": reverse("accounts:confirm", args=[token])},
    )


RESEND_INTERVAL_SECONDS = 60


def request_new_confirmation(*, email: str) -> None:
    """Send a fresh link to an unconfirmed account, at most once a minute per address.

    Says nothing about whether the address has an account: the page answers the same either way.
    """
    email = email.strip().lower()
    if not cache.add(f"karvan:confirmation-resend:{email}", 1, timeout=RESEND_INTERVAL_SECONDS):
        return
    user = (
        get_user_model()
        .objects.filter(email__iexact=email, email_confirmed_at__isnull=True)
        .first()
    )
    if user is not None:
        send_confirmation_email(user=user)


def send_signup_attempt_email(*, user: User) -> None:
    """Tell the owner of an address that someone tried to sign up with it."""
    send_mail_to_person(
        user,
        template="accounts/email/signup_attempt",
        context={
            "user": user,
            "login_path": reverse("accounts:login"),
            "reset_path": reverse("accounts:password_reset"),
        },
    )


@transaction.atomic
def sign_up(
    *,
    email: str,
    password: str,
    full_name: str,
    language: str,
    time_zone: str,
    calendar: str | None = None,
    full_name_native: str = "",
) -> User | None:
    """Create an account whose e-mail address still needs confirming, and send the link.

    An address that already has an account gets a mail saying someone tried to sign up with it,
    and nothing else changes; the caller answers the same either way (and the password is hashed
    either way, so the time taken does not tell), so sign-up does not reveal who has an account.
    Returns the new account, or None for a taken address.
    """
    email = email.strip().lower()
    user_model = get_user_model()
    existing = user_model.objects.filter(email__iexact=email).first()
    if existing is None:
        try:
            with transaction.atomic():
                user = user_model.objects.create_user(
                    email=email,
                    password=password,
                    full_name=full_name.strip(),
                    full_name_native=full_name_native.strip(),
                    language=language,
                    time_zone=time_zone,
                    calendar=calendar or default_calendar(language),
                )
        except IntegrityError:  # the same address signed up a moment ago
            existing = user_model.objects.filter(email__iexact=email).first()
        else:
            transaction.on_commit(lambda: send_confirmation_email(user=user))
            return user
    make_password(password)
    if existing is not None and cache.add(
        f"karvan:signup-attempt:{existing.pk}", 1, timeout=RESEND_INTERVAL_SECONDS
    ):
        transaction.on_commit(lambda: send_signup_attempt_email(user=existing))
    return None


@transaction.atomic
def confirm_email(*, token: str) -> User:
    """Mark the address in a confirmation token as confirmed; raise if the token is bad."""
    try:
        payload = signing.loads(token, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_MAX_AGE)
    except signing.BadSignature as error:
        raise InvalidConfirmationError() from error
    user = (
        get_user_model()
        .objects.select_for_update()
        .filter(pk=payload.get("user"), email=payload.get("email"))
        .first()
    )
    if user is None:
        raise InvalidConfirmationError()
    if user.email_confirmed_at is None:
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["email_confirmed_at"])
    return user


def update_preferences(
    *,
    user: User,
    full_name: str | None = None,
    full_name_native: str | None = None,
    language: str | None = None,
    time_zone: str | None = None,
    calendar: str | None = None,
    email_frequency: str | None = None,
) -> User:
    """Change how a person reads Karvan; only the given values change."""
    changes = {
        "full_name": full_name,
        "full_name_native": full_name_native,
        "language": language,
        "time_zone": time_zone,
        "calendar": calendar,
        "email_frequency": email_frequency,
    }
    fields = [name for name, value in changes.items() if value is not None]
    for name in fields:
        setattr(user, name, changes[name])
    if fields:
        user.full_clean(exclude=["password", "email"])
        user.save(update_fields=fields)
    if {"full_name", "full_name_native"} & set(fields):
        send_identity_changed_on_commit(__name__, user_id=user.pk)
    return user


TOKEN_LIFETIMES_DAYS = (7, 30, 90, 365)


def create_api_token(
    *,
    user: User,
    name: str,
    scope: str = ApiToken.Scope.READ_WRITE,
    expires_in_days: int = 90,
) -> tuple[ApiToken, str]:
    """Make a token; return the row and the token text, which is never shown again.

    It lives `expires_in_days` (one of TOKEN_LIFETIMES_DAYS), and only until the person's password
    changes. The preferences page offers read-only first; programs calling this choose.
    """
    if scope not in ApiToken.Scope.values:
        raise InvalidTokenScopeError(field="scope")
    if expires_in_days not in TOKEN_LIFETIMES_DAYS:
        raise InvalidTokenLifetimeError(field="expires_in_days")
    key = f"kv_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100],
        prefix=key[:8],
        key_hash=ApiToken.hash_key(key),
        scope=scope,
        expires_at=timezone.now() + datetime.timedelta(days=expires_in_days),
        password_fingerprint=password_fingerprint(user),
    )
    return token, key


def revoke_api_token(*, user: User, token_id: int) -> None:
    """Delete one of the person's own tokens; another person's token is left alone."""
    ApiToken.objects.filter(user=user, pk=token_id).delete()


def authenticate_api_token(*, key: str, writes: bool = False) -> User:
    """The active person a live token belongs to; records its use.

    Raises InvalidTokenError for an unknown, expired or revoked token, or one made before its
    person's password last changed (such a token is deleted), and ReadOnlyTokenError when a
    read-only token is used to change something.
    """
    token = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash_key(key)).first()
    if token is None or not token.user.is_active or token.is_expired:
        raise InvalidTokenError()
    if not hmac.compare_digest(token.password_fingerprint, password_fingerprint(token.user)):
        token.delete()
        raise InvalidTokenError()
    if writes and token.is_read_only:
        raise ReadOnlyTokenError()
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def ensure_person(
    *,
    email: str,
    full_name: str,
    password: str,
    language: str,
    time_zone: str,
    calendar: str,
    full_name_native: str = "",
    is_staff: bool = False,
) -> User:
    """Create or update a confirmed account (the demo scenario and staff set-up); idempotent."""
    user_model = get_user_model()
    user = user_model.objects.filter(email__iexact=email).first()
    if user is None:
        user = user_model.objects.create_user(email=email, password=password, full_name=full_name)
    user.full_name, user.full_name_native = full_name, full_name_native
    user.language, user.time_zone, user.calendar = language, time_zone, calendar
    user.is_staff = user.is_superuser = is_staff
    user.email_confirmed_at = user.email_confirmed_at or timezone.now()
    user.save()
    return user


def set_compliance_hold(*, user: User, hold: str) -> User:
    """Record what the compliance screening holds against the person (a
    `core.models.ComplianceHold`); called only by `karvan.compliance`."""
    if user.compliance_hold != hold:
        type(user).objects.filter(pk=user.pk).update(compliance_hold=hold)
        user.compliance_hold = hold
    return user
