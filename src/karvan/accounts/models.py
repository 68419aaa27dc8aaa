"""People: log-in by e-mail, and how each reads the platform (language, zone, calendar)."""

import hashlib
import zoneinfo
from typing import ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from karvan.core.models import ComplianceHold, TimeStampedModel
from karvan.core.names import name_for_reader, name_versions


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone: %(zone)s."), params={"zone": value})


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: object) -> "User":
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> "User":
        """The operator's account (`karvan createsuperuser`): its address counts as confirmed,
        since whoever runs the command owns it, so it can log in at once."""
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("email_confirmed_at", timezone.now())
        return self.create_user(email, password, **fields)


class User(AbstractUser):
    class Calendar(models.TextChoices):
        JALALI = "jalali", _("Solar Hijri (Jalali)")
        GREGORIAN = "gregorian", _("Gregorian")

    class EmailFrequency(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediately")
        DAILY = "daily", _("Daily digest")
        NEVER = "never", _("Never")

    # Removing AbstractUser's fields is what Django documents; the stubs type them as str.
    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    full_name_native = models.CharField(
        _("name in your own script"),
        max_length=150,
        blank=True,
        help_text=_("For example رضا محمدی or 王伟, shown beside the name in Latin letters."),
    )
    language = models.CharField(_("language"), max_length=10, default="en")
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    calendar = models.CharField(
        _("calendar"), max_length=10, choices=Calendar.choices, default=Calendar.GREGORIAN
    )
    email_frequency = models.CharField(
        _("e-mail notifications"),
        max_length=10,
        choices=EmailFrequency.choices,
        default=EmailFrequency.IMMEDIATE,
    )
    compliance_hold = models.CharField(
        _("compliance hold"),
        max_length=10,
        choices=ComplianceHold.choices,
        default=ComplianceHold.NONE,
        blank=True,
        editable=False,
    )
    email_confirmed_at = models.DateTimeField(_("e-mail confirmed"), null=True, blank=True)
    digest_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]  # the stubs expect auth's manager

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def has_confirmed_email(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def display_name(self) -> str:
        """The person's name as the current reader can read it (`core.names`)."""
        return self.name_for(translation.get_language())

    def name_for(self, language: str | None) -> str:
        """The person's name for a reader of `language` (e-mails: the recipient's language)."""
        return name_for_reader(self.full_name, self.full_name_native, language) or self.email

    @property
    def name_versions(self) -> dict[str, str]:
        """The name for a reader of each language, for texts rendered later (notifications)."""
        return name_versions(self.full_name or self.email, self.full_name_native)


def password_fingerprint(user: User) -> str:
    """A keyed digest of the person's password hash: it changes whenever the password does."""
    return salted_hmac(
        "karvan.accounts.api-token", user.password or "", algorithm="sha256"
    ).hexdigest()


class ApiToken(TimeStampedModel):
    """A personal API token; only its SHA-256 is kept, the token itself is shown once.

    A token works until it expires, is revoked, or its person's password changes (the fingerprint
    of the password it was made under no longer matches); a read-only one only reads.
    """

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        READ_WRITE = "read_write", _("Read and write")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.READ)
    expires_at = models.DateTimeField(_("expires"))
    password_fingerprint = models.CharField(max_length=64, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_read_only(self) -> bool:
        return self.scope == self.Scope.READ
