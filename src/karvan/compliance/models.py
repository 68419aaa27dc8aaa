"""Sanctions lists as loaded (versions, entries and their history)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ListVersion(models.Model):
    """One load of a list file: which source, when, what it changed, the file's checksum."""

    source = models.CharField(_("list"), max_length=60)
    file_name = models.CharField(_("file"), max_length=255)
    file_format = models.CharField(_("format"), max_length=10)
    is_delta = models.BooleanField(_("changes only"), default=False)
    checksum = models.CharField(_("SHA-256 of the file"), max_length=64)
    loaded_at = models.DateTimeField(_("loaded at"))
    records = models.PositiveIntegerField(_("records read"), default=0)
    added = models.PositiveIntegerField(_("added"), default=0)
    changed = models.PositiveIntegerField(_("changed"), default=0)
    removed = models.PositiveIntegerField(_("removed"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    bad_records = models.JSONField(_("bad records"), default=list, blank=True)

    class Meta:
        ordering = ["-loaded_at", "-pk"]
        verbose_name = _("list version")
        verbose_name_plural = _("list versions")
        indexes = [models.Index(fields=["source", "checksum"], name="compliance_version_checksum")]

    def __str__(self) -> str:
        return f"{self.source} {self.loaded_at:%Y-%m-%d %H:%M} ({self.checksum[:12]})"


class ListEntry(models.Model):
    """An entity of a list, as its latest version holds it (or held it, when removed)."""

    source = models.CharField(_("list"), max_length=60)
    entity_id = models.CharField(_("list entity id"), max_length=200)
    schema = models.CharField(_("kind"), max_length=30)
    caption = models.CharField(_("name"), max_length=500)
    names = models.JSONField(_("names"), default=list)
    countries = models.JSONField(_("countries"), default=list, blank=True)
    birth_dates = models.JSONField(_("birth dates"), default=list, blank=True)
    identifiers = models.JSONField(_("identifiers"), default=list, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    content_hash = models.CharField(max_length=64)
    is_active = models.BooleanField(_("on the list"), default=True)
    first_version = models.ForeignKey(
        ListVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("first seen in")
    )
    last_version = models.ForeignKey(
        ListVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("last changed in")
    )

    class Meta:
        ordering = ["source", "entity_id"]
        verbose_name = _("list entry")
        verbose_name_plural = _("list entries")
        constraints = [
            models.UniqueConstraint(fields=["source", "entity_id"], name="compliance_entry_unique")
        ]

    def __str__(self) -> str:
        return f"{self.caption} ({self.source}:{self.entity_id})"


class ListEntryChange(models.Model):
    """The history of an entry: what each list version did to it, with the data it then had."""

    class Kind(models.TextChoices):
        ADDED = "added", _("added")
        CHANGED = "changed", _("changed")
        REMOVED = "removed", _("removed")

    entry = models.ForeignKey(ListEntry, on_delete=models.PROTECT, related_name="changes")
    version = models.ForeignKey(ListVersion, on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("list entry change")
        verbose_name_plural = _("list entry changes")

    def __str__(self) -> str:
        return f"{self.entry} {self.kind} in {self.version_id}"
