"""Offers and requests, the interest other organisations show in them, and quotations for RFQs."""

import secrets

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from karvan.core.files import private_storage
from karvan.core.models import HsCode, IsicCode, TimeStampedModel
from karvan.directory.models import Organisation


def quotation_attachment_path(instance: "Quotation", filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"quotations/{secrets.token_hex(12)}.{extension}"


def interest_attachment_path(instance: "InterestMessage", filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"interests/{secrets.token_hex(12)}.{extension}"


_PER_UNIT = {
    "t": pgettext_lazy("price per", "per tonne"),
    "kg": pgettext_lazy("price per", "per kilogram"),
    "pcs": pgettext_lazy("price per", "per piece"),
    "set": pgettext_lazy("price per", "per set"),
    "container": pgettext_lazy("price per", "per container (40 ft)"),
    "m2": pgettext_lazy("price per", "per square metre"),
    "m3": pgettext_lazy("price per", "per cubic metre"),
    "l": pgettext_lazy("price per", "per litre"),
    "ha": pgettext_lazy("price per", "per hectare"),
    "unit": pgettext_lazy("price per", "per unit"),
}


def per_unit(code: str) -> str:
    """A price unit as read after a price ("per tonne"); the unit choices name quantities."""
    return str(_PER_UNIT.get(code, "")) if code else ""


class Opportunity(TimeStampedModel):
    class Side(models.TextChoices):
        OFFER = "offer", _("Offer")
        REQUEST = "request", _("Request")

    class Kind(models.TextChoices):
        PRODUCT = "product", _("Product")
        TECHNOLOGY = "technology", _("Technology")
        INVESTMENT = "investment", _("Investment")
        PARTNERSHIP = "partnership", _("Partnership (R&D, joint venture)")
        SERVICE = "service", _("Service")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("Awaiting review")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Closed")

    class Unit(models.TextChoices):
        TONNE = "t", _("tonnes")
        KILOGRAM = "kg", _("kilograms")
        PIECE = "pcs", _("pieces")
        SET = "set", _("sets")
        CONTAINER = "container", _("containers (40 ft)")
        SQUARE_METRE = "m2", _("square metres")
        CUBIC_METRE = "m3", _("cubic metres")
        LITRE = "l", _("litres")
        HECTARE = "ha", _("hectares")
        UNIT = "unit", _("units")

    class Incoterm(models.TextChoices):
        EXW = "EXW", "EXW"
        FCA = "FCA", "FCA"
        FAS = "FAS", "FAS"
        FOB = "FOB", "FOB"
        CFR = "CFR", "CFR"
        CIF = "CIF", "CIF"
        CPT = "CPT", "CPT"
        CIP = "CIP", "CIP"
        DAP = "DAP", "DAP"
        DPU = "DPU", "DPU"
        DDP = "DDP", "DDP"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="opportunities"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    side = models.CharField(_("side"), max_length=8, choices=Side.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=8000)
    language = models.CharField(_("language"), max_length=10)
    hs_codes = models.ManyToManyField(
        HsCode, blank=True, related_name="opportunities", verbose_name=_("HS codes")
    )
    sectors = models.ManyToManyField(
        IsicCode, blank=True, related_name="opportunities", verbose_name=_("sectors (ISIC)")
    )
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=16,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    quantity_unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, blank=True)
    price_min = models.DecimalField(
        _("lowest price"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    price_max = models.DecimalField(
        _("highest price"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    price_unit = models.CharField(_("price per"), max_length=10, choices=Unit.choices, blank=True)
    incoterm = models.CharField(_("Incoterm"), max_length=3, choices=Incoterm.choices, blank=True)
    port = models.CharField(_("port or place"), max_length=120, blank=True)
    certifications = models.JSONField(_("certifications"), default=list, blank=True)
    target_countries = models.JSONField(_("target countries"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted for review"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    review_note = models.TextField(
        _("reason for sending it back"),
        blank=True,
        help_text=_("Written by the center's staff; the author reads it."),
    )
    reviewed_facts = models.JSONField(
        _("facts last made public"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_(
            "Title, description, codes, kind, side, certifications and the organisation's "
            "identity as they were when the opportunity was last published."
        ),
    )
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    is_rfq = models.BooleanField(
        _("request for quotation"),
        default=False,
        help_text=_("Suppliers send quotations until the deadline; you compare them side by side."),
    )
    quotation_deadline = models.DateTimeField(_("quotation deadline"), null=True, blank=True)
    search_document = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["-published_at", "-created_at"]
        indexes = [
            models.Index(fields=["status", "side", "kind"]),
            models.Index(fields=["organisation", "status"]),
            # The newest published first (lists without a query, the API's pages): read in order
            # until a page is full, not sorted after a scan of every published row.
            models.Index(
                F("published_at").desc(),
                "id",
                name="opportunities_published_newest",
                condition=Q(status="published"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(price_min__isnull=True)
                | Q(price_max__isnull=True)
                | Q(price_min__lte=models.F("price_max")),
                name="opportunities_price_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(is_rfq=False) | Q(side="request"),
                name="opportunities_rfq_is_a_request",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("opportunities:detail", args=[self.pk])

    @property
    def is_expired(self) -> bool:
        return self.expires_on is not None and self.expires_on < timezone.localdate()

    @property
    def price_per(self) -> str:
        """ "per tonne": the price unit in the singular, as prices are read."""
        return per_unit(self.price_unit)

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.PUBLISHED and not self.is_expired

    @property
    def accepts_quotations(self) -> bool:
        return (
            self.is_rfq
            and self.is_open
            and (self.quotation_deadline is None or self.quotation_deadline > timezone.now())
        )


class Interest(TimeStampedModel):
    """One organisation telling another that it is interested in one of its opportunities."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="interests")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="interests_shown"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("expression of interest")
        verbose_name_plural = _("expressions of interest")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "organisation"], name="opportunities_one_interest_each"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.opportunity}"

    def get_absolute_url(self) -> str:
        return reverse("opportunities:interest", args=[self.pk])


class InterestMessage(models.Model):
    """A message in the thread between the two organisations of an interest."""

    interest = models.ForeignKey(Interest, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("message"), max_length=5000)
    language = models.CharField(max_length=10, blank=True)
    attachment = models.FileField(
        _("attachment"), upload_to=interest_attachment_path, storage=private_storage, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.body[:60]

    @property
    def attachment_extension(self) -> str:
        name = self.attachment.name or ""
        return name.rsplit(".", 1)[-1] if "." in name else "bin"


class Quotation(TimeStampedModel):
    """A supplier's answer to a RFQ, one per supplier, revised before the deadline."""

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="quotations"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="quotations_sent"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    unit_price = models.DecimalField(
        _("unit price"), max_digits=16, decimal_places=2, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(_("currency"), max_length=3)
    price_unit = models.CharField(
        _("price per"), max_length=10, choices=Opportunity.Unit.choices, blank=True
    )
    quantity = models.DecimalField(
        _("quantity"), max_digits=16, decimal_places=3, validators=[MinValueValidator(0)]
    )
    quantity_unit = models.CharField(
        _("unit"), max_length=10, choices=Opportunity.Unit.choices, blank=True
    )
    lead_time_days = models.PositiveIntegerField(_("lead time (days)"))
    incoterm = models.CharField(
        _("Incoterm"), max_length=3, choices=Opportunity.Incoterm.choices, blank=True
    )
    terms = models.TextField(_("terms"), max_length=5000, blank=True)
    attachment = models.FileField(
        _("attachment"), upload_to=quotation_attachment_path, storage=private_storage, blank=True
    )

    @property
    def price_per(self) -> str:
        return per_unit(self.price_unit)

    class Meta:
        verbose_name = _("quotation")
        verbose_name_plural = _("quotations")
        ordering = ["unit_price"]
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "organisation"], name="opportunities_one_quotation_each"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.unit_price} {self.currency}"

    @property
    def total(self) -> object:
        return self.unit_price * self.quantity
