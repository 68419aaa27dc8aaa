"""Industrial parks offered to investors: the park's profile beside its directory organisation,
its units and plots as listings, and investors' inquiries with their threads."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from karvan.core.models import IsicCode, TimeStampedModel
from karvan.core.text import MultilingualTextField
from karvan.directory.models import Organisation
from karvan.opportunities.models import Opportunity


class Park(TimeStampedModel):
    """The investor-facing profile of an organisation of kind industrial park."""

    class Utility(models.TextChoices):
        POWER = "power", _("Electricity")
        GAS = "gas", _("Natural gas")
        WATER = "water", _("Water")
        WASTEWATER = "wastewater", _("Wastewater treatment")
        FIBRE = "fibre", _("Fibre internet")
        STEAM = "steam", _("Steam")

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="park")
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        validators=[MinValueValidator(Decimal(-90)), MaxValueValidator(Decimal(90))],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        validators=[MinValueValidator(Decimal(-180)), MaxValueValidator(Decimal(180))],
    )
    total_land_ha = models.DecimalField(
        _("total land (hectares)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    available_land_ha = models.DecimalField(
        _("land available (hectares)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    utilities = models.JSONField(_("utilities"), default=list, blank=True)
    logistics = models.JSONField(
        _("logistics links"),
        default=list,
        blank=True,
        help_text=_("Ports, railway stations, airports and roads, with their distance in km."),
    )
    incentives = MultilingualTextField(_("incentives"))
    is_free_zone = models.BooleanField(_("free zone"), default=False)
    sectors = models.ManyToManyField(
        IsicCode, blank=True, related_name="parks", verbose_name=_("sectors welcome (ISIC)")
    )
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact telephone"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("industrial park")
        verbose_name_plural = _("industrial parks")
        ordering = ["organisation__country", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(available_land_ha__lte=F("total_land_ha")),
                name="parks_park_available_within_total",
            ),
        ]

    def __str__(self) -> str:
        return str(self.organisation)

    def get_absolute_url(self) -> str:
        return reverse("parks:detail", args=[self.pk])

    @property
    def utility_labels(self) -> list[str]:
        return [str(self.Utility(v).label) for v in self.utilities if v in self.Utility.values]

    @property
    def logistics_display(self) -> list[dict[str, object]]:
        """The logistics links with their kind named in the viewer's language."""
        names = {
            "port": _("Port"),
            "rail": _("Railway"),
            "airport": _("Airport"),
            "road": _("Road"),
        }
        return [
            {**link, "kind": str(names.get(link["kind"], link["kind"]))} for link in self.logistics
        ]


class Unit(TimeStampedModel):
    """A ready-made unit or a plot of a park, listed for rent or sale."""

    class Kind(models.TextChoices):
        PLOT = "plot", _("Plot of land")
        FACTORY = "factory", _("Ready-made factory building")
        WAREHOUSE = "warehouse", _("Warehouse")
        OFFICE = "office", _("Office")

    class Status(models.TextChoices):
        AVAILABLE = "available", _("Available")
        RESERVED = "reserved", _("Reserved")
        TAKEN = "taken", _("Taken")

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="units")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    reference = models.CharField(_("reference"), max_length=40)
    area_m2 = models.DecimalField(
        _("area (m²)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(1)]
    )
    rent_per_m2_month = models.DecimalField(
        _("rent per m² and month"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    sale_price = models.DecimalField(
        _("sale price"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    description = MultilingualTextField(_("description"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.AVAILABLE
    )

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["park", "kind", "area_m2"]
        constraints = [
            models.UniqueConstraint(fields=["park", "reference"], name="parks_unit_unique_ref"),
        ]

    def __str__(self) -> str:
        return f"{self.park} · {self.reference}"

    def get_absolute_url(self) -> str:
        return f"{self.park.get_absolute_url()}#unit-{self.pk}"


class Inquiry(TimeStampedModel):
    """An investor's question to a park, about the park, one of its units or an investment
    opportunity; read only by the park's administrators and the inquirer's side."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="inquiries")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="park_inquiries"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="inquiries"
    )
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=200)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)

    class Meta:
        verbose_name = _("investor inquiry")
        verbose_name_plural = _("investor inquiries")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("parks:inquiry", args=[self.pk])


class InquiryMessage(models.Model):
    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("message"), max_length=5000)
    language = models.CharField(max_length=10)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"message {self.pk}"
