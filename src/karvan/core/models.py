"""Shared building blocks and the reference taxonomies (HS products, ISIC sectors)."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from karvan.core.text import MultilingualTextField, localize


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class ComplianceHold(models.TextChoices):
    """What the center's compliance screening holds against an organisation or a person, kept on
    its own row (set only by `karvan.compliance`), so that the apps that act on it read their own
    field and never import compliance: under review stops verification and signing; a confirmed
    match also hides the organisation from the directory and matching."""

    NONE = "", _("none")
    REVIEW = "review", _("under review")
    CONFIRMED = "confirmed", _("confirmed match")


class TaxonomyCode(models.Model):
    """A code of a published classification with its names in the interface languages."""

    code = models.CharField(_("code"), max_length=8, primary_key=True)
    names = MultilingualTextField(_("names"))

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        return localize(self.names, get_language() or "en", original="en")[0]


class HsCode(TaxonomyCode):
    """A Harmonized System chapter (2 digits) or heading (4 digits)."""

    class Level(models.TextChoices):
        CHAPTER = "chapter", _("chapter")
        HEADING = "heading", _("heading")

    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    section = models.CharField(_("HS section"), max_length=5, blank=True)

    class Meta(TaxonomyCode.Meta):
        verbose_name = _("HS code")
        verbose_name_plural = _("HS codes")

    @property
    def chapter(self) -> str:
        return self.code[:2]


class IsicCode(TaxonomyCode):
    """An ISIC Rev.4 section (letter) or division (2 digits)."""

    class Level(models.TextChoices):
        SECTION = "section", _("section")
        DIVISION = "division", _("division")

    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )

    class Meta(TaxonomyCode.Meta):
        verbose_name = _("ISIC sector")
        verbose_name_plural = _("ISIC sectors")


class PendingTask(models.Model):
    """A task that could not be handed to the broker (Redis down): kept here, sent again by
    `core.tasks.send_pending_tasks` once the broker is back. Tasks are idempotent, so a task
    sent twice (the broker took it, then the answer was lost) does its work once."""

    name = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list)
    kwargs = models.JSONField(_("keyword arguments"), default=dict)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name
