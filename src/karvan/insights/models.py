"""Figures the center publishes, and bilateral trade imported from UN Comtrade exports."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from karvan.core.models import TimeStampedModel
from karvan.core.text import MultilingualTextField


class PublishedFigure(TimeStampedModel):
    """A headline figure staff keep up to date and choose to show on the public statistics page
    (e.g. "industrial parks in Iran: 900")."""

    key = models.SlugField(_("key"), max_length=60, unique=True)
    label = MultilingualTextField(_("label"))
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=2)
    unit = MultilingualTextField(_("unit"))
    period = models.CharField(_("period"), max_length=60, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("published figure")
        verbose_name_plural = _("published figures")
        ordering = ["position", "key"]

    def __str__(self) -> str:
        return self.key


class TradeFlow(models.Model):
    """One Comtrade figure: what a reporter declared trading with a partner in a period."""

    class Flow(models.TextChoices):
        IMPORT = "M", _("Import")
        EXPORT = "X", _("Export")
        RE_IMPORT = "RM", _("Re-import")
        RE_EXPORT = "RX", _("Re-export")

    reporter = models.CharField(_("reporter"), max_length=2)
    partner = models.CharField(_("partner"), max_length=2)
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"), default=0, help_text=_("0: the year"))
    flow = models.CharField(_("flow"), max_length=2, choices=Flow.choices)
    commodity_code = models.CharField(_("HS code"), max_length=6)
    trade_value_usd = models.DecimalField(_("trade value (USD)"), max_digits=20, decimal_places=2)
    net_weight_kg = models.DecimalField(
        _("net weight (kg)"), max_digits=20, decimal_places=2, null=True, blank=True
    )
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("trade flow")
        verbose_name_plural = _("trade flows")
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "partner", "year", "month", "flow", "commodity_code"],
                name="insights_tradeflow_unique_figure",
            ),
            models.CheckConstraint(
                condition=Q(month__gte=0, month__lte=12), name="insights_tradeflow_month_valid"
            ),
        ]
        indexes = [models.Index(fields=["reporter", "partner", "year"])]

    def __str__(self) -> str:
        return f"{self.reporter}→{self.partner} {self.year} {self.flow} {self.commodity_code}"

    @property
    def chapter(self) -> str:
        return self.commodity_code[:2]


class TradeImport(models.Model):
    """One run of `karvan trade import` over a file, with what it found."""

    file_name = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64)
    rows_read = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    bad = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return self.file_name
