"""Organisations, the people who act for them, and their verification by the center's staff."""

import datetime
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from karvan.core.files import private_storage
from karvan.core.models import ComplianceHold, HsCode, IsicCode, TimeStampedModel
from karvan.core.storages import public_storage
from karvan.core.text import MultilingualTextField, localize


def logo_path(instance: "Organisation", filename: str) -> str:
    # Random names: an uploaded file's own name is never used, nor guessable.
    return f"logos/{secrets.token_hex(12)}.png"


class Organisation(TimeStampedModel):
    class Kind(models.TextChoices):
        SME = "sme", _("SME")
        INDUSTRIAL_UNIT = "industrial_unit", _("Industrial unit")
        INDUSTRIAL_PARK = "industrial_park", _("Industrial park")
        UNIVERSITY = "university", _("University or research center")
        ASSOCIATION = "association", _("Association or chamber")
        GOVERNMENT = "government", _("Government body")
        SERVICE_PROVIDER = "service_provider", _("Service provider")

    class Size(models.TextChoices):
        MICRO = "micro", _("Micro (fewer than 10 people)")
        SMALL = "small", _("Small (10–49 people)")
        MEDIUM = "medium", _("Medium (50–249 people)")
        LARGE = "large", _("Large (250 people or more)")

    class Verification(models.TextChoices):
        PENDING = "pending", _("Awaiting verification")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Verification refused")
        UNVERIFIED = "unverified", _("Not verified")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = MultilingualTextField(_("name"))
    description = MultilingualTextField(_("description"))
    original_language = models.CharField(_("language of the profile"), max_length=10)
    country = models.CharField(_("country"), max_length=2)
    province = MultilingualTextField(_("province or state"))
    city = MultilingualTextField(_("city"))
    sectors = models.ManyToManyField(
        IsicCode, blank=True, related_name="organisations", verbose_name=_("sectors (ISIC)")
    )
    products = models.ManyToManyField(
        HsCode, blank=True, related_name="organisations", verbose_name=_("products (HS)")
    )
    registry_id = models.CharField(
        _("registry identifier"),
        max_length=32,
        blank=True,
        help_text=_(
            "China: the 18-character Unified Social Credit Code. Iran: the 11-digit national "
            "identifier of the legal entity."
        ),
    )
    size = models.CharField(_("size"), max_length=10, choices=Size.choices, blank=True)
    founded_year = models.PositiveSmallIntegerField(
        _("founded in"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1800), MaxValueValidator(2100)],
    )
    certifications = models.JSONField(_("certifications"), default=list, blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = models.ImageField(_("logo"), upload_to=logo_path, storage=public_storage, blank=True)
    compliance_hold = models.CharField(
        _("compliance hold"),
        max_length=10,
        choices=ComplianceHold.choices,
        default=ComplianceHold.NONE,
        blank=True,
        editable=False,
    )
    verification = models.CharField(
        _("verification"),
        max_length=12,
        choices=Verification.choices,
        default=Verification.PENDING,
    )
    rejection_reason = models.TextField(_("reason for refusal"), blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    search_document = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "registry_id"],
                condition=~Q(registry_id=""),
                name="directory_organisation_unique_registry_id",
            ),
            models.CheckConstraint(
                condition=Q(verification__in=["pending", "verified", "rejected", "unverified"]),
                name="directory_organisation_verification_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["country", "kind"]),
            models.Index(fields=["verification"]),
            # Lists show the newest first: read in order until a page is full, not sorted after
            # a scan of every organisation (100,000 of them in the load test).
            models.Index(F("created_at").desc(), "id", name="directory_organisation_newest"),
            # The directory's order: verified first, then the latest updated.
            models.Index(
                F("verification").desc(),
                F("updated_at").desc(),
                name="directory_organisation_listed",
            ),
            # The home page's latest verified organisations.
            models.Index(
                F("verified_at").desc(),
                name="directory_organisation_recent",
                condition=Q(verification="verified"),
            ),
            # The few organisations whose listings every list leaves out.
            models.Index(
                fields=["id"],
                name="directory_organisation_held",
                condition=Q(compliance_hold="confirmed"),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("directory:detail", args=[self.pk])

    @property
    def display_name(self) -> str:
        return localize(self.name, get_language() or "en", original=self.original_language)[0]

    @property
    def is_verified(self) -> bool:
        return self.verification == self.Verification.VERIFIED


class Membership(TimeStampedModel):
    """A person acting for an organisation. Owners and admins manage it; signatories sign for it."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        ADMIN = "admin", _("Administrator")
        MEMBER = "member", _("Member")
        SIGNATORY = "signatory", _("Authorised signatory")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    title = models.CharField(_("job title"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="directory_membership_unique_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} ({self.get_role_display()})"

    @property
    def can_manage(self) -> bool:
        return self.role in {self.Role.OWNER, self.Role.ADMIN}


def _invitation_expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=14)


class Invitation(TimeStampedModel):
    """An e-mail invitation to join an organisation with a role."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(
        _("role"), max_length=10, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    token = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    expires_at = models.DateTimeField(default=_invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


class VerificationEvent(models.Model):
    """One step of an organisation's verification, kept as its history."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("submitted for verification")
        APPROVED = "approved", _("verified")
        REJECTED = "rejected", _("refused")
        UNDONE = "undone", _("verification undone")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="verification_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("verification step")
        verbose_name_plural = _("verification steps")

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_action_display()}"


class IdentityRevision(models.Model):
    """One version of an organisation's identity (names, country, registry identifier): the one
    staff verified, or a change its managers asked for, with the staff's decision.

    The organisation's own fields always hold the identity others see; a change asked for by a
    verified organisation waits here, pending, until staff approve (and it is copied there) or
    refuse it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting the center's decision")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="identity_revisions"
    )
    name = MultilingualTextField(_("name"))
    original_language = models.CharField(_("language of the profile"), max_length=10)
    country = models.CharField(_("country"), max_length=2)
    registry_id = models.CharField(_("registry identifier"), max_length=32, blank=True)
    previous = models.JSONField(
        _("identity before"),
        default=dict,
        blank=True,
        help_text=_("The identity others saw when the change was asked for."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason for refusal"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("identity revision")
        verbose_name_plural = _("identity revisions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(status="pending"),
                name="directory_identity_one_pending_change",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "refused", "withdrawn"]),
                name="directory_identity_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.get_status_display()}"

    @property
    def display_name(self) -> str:
        return localize(self.name, get_language() or "en", original=self.original_language)[0]

    def as_identity(self) -> dict[str, object]:
        return {
            "name": dict(self.name),
            "original_language": self.original_language,
            "country": self.country,
            "registry_id": self.registry_id,
        }


def verification_document_path(instance: "VerificationDocument", filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"verification/{secrets.token_hex(12)}.{extension}"


class VerificationDocument(models.Model):
    """Evidence an organisation gives the center for its verification (a business licence, a
    registration certificate): private, seen by its own members and the center's staff only,
    kept with the verification's history (never deleted, as the verification it supports)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="verification_documents"
    )
    title = models.CharField(_("what the document is"), max_length=160)
    file = models.FileField(
        _("file"), upload_to=verification_document_path, storage=private_storage
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("verification document")
        verbose_name_plural = _("verification documents")

    def __str__(self) -> str:
        return self.title

    @property
    def extension(self) -> str:
        name = self.file.name or ""
        return name.rsplit(".", 1)[-1] if "." in name else "bin"
