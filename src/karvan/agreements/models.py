"""Agreements between organisations: templates, versions, comments, signatories and signatures.

An agreement's text lives in its versions (every change makes a new one); what a signatory signs
is the SHA-256 of the canonical document of one version (`document.py`). Signing events and the
other steps of an agreement are kept as a hash-chained audit trail.
"""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from karvan.core.files import private_storage
from karvan.core.models import TimeStampedModel
from karvan.core.text import MultilingualTextField, localize
from karvan.directory.models import Organisation

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by hand


def new_agreement_code() -> str:
    """A verification code such as KV-7XK2-9QPM (40 bits of randomness)."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"KV-{raw[:4]}-{raw[4:]}"


def sealed_pdf_path(instance: "Agreement", filename: str) -> str:
    """Unguessable, and the same for every sealing run of one agreement: a run that died after
    storing its file and before its commit leaves a file the next run replaces, not a second."""
    key = settings.SECRET_KEY.encode()
    token = hmac.new(key, f"sealed:{instance.code}".encode(), hashlib.sha256).hexdigest()[:16]
    return f"agreements/{instance.code}-{token}.pdf"


class AgreementKind(models.TextChoices):
    MOU = "mou", _("Memorandum of understanding")
    COOPERATION = "cooperation", _("Cooperation agreement")
    NDA = "nda", _("Non-disclosure agreement")
    DISTRIBUTION = "distribution", _("Distribution agreement")
    OTHER = "other", _("Other agreement")


class AgreementTemplate(TimeStampedModel):
    """A model text in the four languages, with {placeholders} the drafting form asks for."""

    key = models.SlugField(_("key"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=AgreementKind.choices)
    title = MultilingualTextField(_("title"))
    body = MultilingualTextField(
        _("text"),
        help_text=_(
            "The text in each language. Write placeholders in braces, e.g. {party_1}, "
            "{effective_date}, {place}; paragraphs are separated by an empty line."
        ),
    )
    placeholders = models.JSONField(_("placeholders"), default=list, blank=True)
    is_active = models.BooleanField(_("offered for new agreements"), default=True)

    class Meta:
        verbose_name = _("agreement template")
        verbose_name_plural = _("agreement templates")
        ordering = ["kind", "key"]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return localize(self.title, get_language() or "en", original="en")[0] or self.key


class Agreement(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SIGNING = "signing", _("Out for signature")
        SIGNED = "signed", _("Signed")
        CANCELLED = "cancelled", _("Cancelled")

    code = models.CharField(
        _("verification code"), max_length=16, unique=True, default=new_agreement_code
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AgreementKind.choices)
    template = models.ForeignKey(
        AgreementTemplate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("template"),
    )
    initiator = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("initiator")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    languages = models.JSONField(_("languages of the text"), default=list)
    prevailing_language = models.CharField(_("prevailing language"), max_length=10)
    is_ordered = models.BooleanField(
        _("sign in order"),
        default=False,
        help_text=_("Signatories sign one after the other, in the order they were named."),
    )
    sent_at = models.DateTimeField(_("sent for signing at"), null=True, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    # Ceremony: a signing ceremony held over video or at a fair. `ceremony_session_id` is the seam
    # for the events app: the id of the event session the ceremony belongs to, once it exists.
    ceremony_starts_at = models.DateTimeField(_("ceremony starts at"), null=True, blank=True)
    ceremony_room_url = models.URLField(_("video room"), blank=True)
    ceremony_session_id = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    sealed_pdf = models.FileField(
        upload_to=sealed_pdf_path, storage=private_storage, blank=True, editable=False
    )
    sealed_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    sealed_at = models.DateTimeField(_("sealed at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "signing", "signed", "cancelled"]),
                name="agreements_agreement_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="signed") | Q(sealed_at__isnull=True),
                name="agreements_agreement_sealed_only_when_signed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.display_title}"

    def get_absolute_url(self) -> str:
        return reverse("agreements:detail", args=[self.code])

    @property
    def is_locked(self) -> bool:
        return self.status != self.Status.DRAFT

    @property
    def is_sealed(self) -> bool:
        return self.sealed_at is not None and bool(self.sealed_pdf)

    @property
    def display_title(self) -> str:
        # Lists annotate `current_title` (selectors); a single row reads its latest version once.
        version = getattr(self, "current_title", None) or getattr(self, "_current_title", None)
        if version is None:
            latest = self.versions.order_by("-number").first()
            version = latest.title if latest else {}
            self._current_title = version
        return localize(version, get_language() or "en", original=self.prevailing_language)[0]


class AgreementParty(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="agreement_parties"
    )
    language = models.CharField(_("language of the party"), max_length=10)
    position = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "organisation"], name="agreements_party_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agreement.code}: {self.organisation}"


class AgreementVersion(models.Model):
    """The text as it stood after one change. Never edited: a change is a new version."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = MultilingualTextField(_("title"))
    texts = MultilingualTextField(_("text"))
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    document_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "number"], name="agreements_version_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agreement.code} v{self.number}"


class Comment(TimeStampedModel):
    """A party's remark on a version; with `proposed_texts`, a proposed change to the text."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="comments")
    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("comment"), max_length=5000)
    language = models.CharField(_("language"), max_length=10)
    proposed_texts = MultilingualTextField(_("proposed text"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.agreement.code}: {self.body[:40]}"

    @property
    def is_proposal(self) -> bool:
        return bool(self.proposed_texts)


class Signatory(TimeStampedModel):
    """A person named by a party to sign for it."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="signatories")
    party = models.ForeignKey(AgreementParty, on_delete=models.CASCADE, related_name="signatories")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="agreement_signatories"
    )
    position = models.PositiveSmallIntegerField(_("place in the signing order"), default=1)
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Too many wrong signing codes lock signing for a while (see services.signing._check_code);
    # wrong codes are counted from the later of 24 hours ago, the last lock and the last unlock.
    code_locked_at = models.DateTimeField(_("signing locked at"), null=True, blank=True)
    code_unlocked_at = models.DateTimeField(_("signing unlocked at"), null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "user"], name="agreements_signatory_unique_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agreement.code}: {self.user}"


class SigningCode(models.Model):
    """A one-time code mailed to a signatory: kept hashed, expiring, with limited attempts."""

    signatory = models.ForeignKey(Signatory, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"code for {self.signatory}"


class Signature(models.Model):
    """One signing event: who, when (UTC), from where, and the SHA-256 of what they signed."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="signatures")
    signatory = models.ForeignKey(Signatory, on_delete=models.PROTECT, related_name="signatures")
    version = models.ForeignKey(AgreementVersion, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    typed_name = models.CharField(_("typed name"), max_length=150)
    drawing = models.BinaryField(null=True, blank=True, editable=False)  # PNG, re-encoded
    signed_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    document_sha256 = models.CharField(max_length=64)
    # The parties' identity this signature covers (part of the hashed document): per party its
    # organisation id, position, name as shown and its language, every version of the name, the
    # original language, country and registry identifier, as they stood at signing.
    parties = models.JSONField(default=list, blank=True, editable=False)
    voided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["signatory"],
                condition=Q(voided_at__isnull=True),
                name="agreements_signature_one_valid_per_signatory",
            )
        ]

    def __str__(self) -> str:
        return f"{self.agreement.code}: {self.typed_name}"

    @property
    def is_valid(self) -> bool:
        return self.voided_at is None


class AgreementEvent(models.Model):
    """One step in an agreement's life, chained: each event's hash covers the one before."""

    class Action(models.TextChoices):
        CREATED = "created", pgettext_lazy("agreement event", "created")
        REVISED = "revised", pgettext_lazy("agreement event", "text changed")
        COMMENTED = "commented", pgettext_lazy("agreement event", "commented")
        PROPOSED = "proposed", pgettext_lazy("agreement event", "proposed a change")
        SIGNATORY_NAMED = "signatory_named", pgettext_lazy("agreement event", "named a signatory")
        SIGNATORY_REMOVED = (
            "signatory_removed",
            pgettext_lazy("agreement event", "withdrew a signatory"),
        )
        SENT = "sent", pgettext_lazy("agreement event", "sent for signing")
        CODE_SENT = "code_sent", pgettext_lazy("agreement event", "one-time code sent")
        CODE_FAILED = "code_failed", pgettext_lazy("agreement event", "wrong one-time code")
        CODE_LOCKED = "code_locked", pgettext_lazy("agreement event", "signing locked")
        CODE_UNLOCKED = "code_unlocked", pgettext_lazy("agreement event", "signing unlocked")
        SIGNED = "signed", pgettext_lazy("agreement event", "signed")
        VOIDED = "voided", pgettext_lazy("agreement event", "signatures voided")
        COMPLETED = "completed", pgettext_lazy("agreement event", "all signatures collected")
        SEALED = "sealed", pgettext_lazy("agreement event", "sealed")
        CANCELLED = "cancelled", pgettext_lazy("agreement event", "cancelled")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    actor_name = models.CharField(max_length=200, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    created_at = models.DateTimeField()
    previous_hash = models.CharField(max_length=64, blank=True)
    event_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.agreement.code}: {self.action}"
