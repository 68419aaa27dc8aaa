"""Sanctions lists as loaded (versions, entries, history); screenings and their cases."""

from django.conf import settings
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
    # Progress of screening again what the version can change (a background task).
    rescreen_total = models.PositiveIntegerField(_("to screen again"), default=0)
    rescreen_done = models.PositiveIntegerField(_("screened again"), default=0)
    rescreened_at = models.DateTimeField(_("screened again at"), null=True, blank=True)

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


class Screening(models.Model):
    """One screening of an organisation or a person: what was asked, against which versions."""

    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    query = models.JSONField(_("what was screened"), default=dict)
    query_hash = models.CharField(max_length=64)
    versions = models.JSONField(_("list versions"), default=dict)
    matcher_version = models.CharField(_("matcher version"), max_length=40)
    candidates = models.PositiveIntegerField(_("potential matches"), default=0)
    screened_at = models.DateTimeField(_("screened at"))

    class Meta:
        ordering = ["-screened_at", "-pk"]
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False, person__isnull=True)
                | models.Q(organisation__isnull=True, person__isnull=False),
                name="compliance_screening_one_subject",
            )
        ]

    def __str__(self) -> str:
        return f"screening {self.pk} at {self.screened_at:%Y-%m-%d %H:%M}"


class Case(models.Model):
    """A potential match of an organisation or a person with a list entry, for review."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        IN_REVIEW = "in_review", _("in review")
        CONFIRMED = "confirmed", _("confirmed match")
        CLEARED = "cleared", _("false positive")

    organisation = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="screening_cases",
        verbose_name=_("organisation"),
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="screening_cases",
        verbose_name=_("person"),
    )
    entry = models.ForeignKey(
        ListEntry, on_delete=models.PROTECT, related_name="cases", verbose_name=_("list entry")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    proposed_decision = models.CharField(
        _("decision awaiting approval"), max_length=10, choices=Status.choices, blank=True
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    score = models.FloatField(_("score"))
    reasons = models.JSONField(_("explanation"), default=list)
    list_version = models.ForeignKey(
        ListVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("list version")
    )
    matcher_version = models.CharField(_("matcher version"), max_length=40)
    entry_hash = models.CharField(max_length=64)
    opened_at = models.DateTimeField(_("opened at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("screening case")
        verbose_name_plural = _("screening cases")
        permissions = [("review_case", _("Can review screening cases"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False, person__isnull=True)
                | models.Q(organisation__isnull=True, person__isnull=False),
                name="compliance_case_one_subject",
            ),
            models.UniqueConstraint(
                fields=["organisation", "entry"],
                condition=models.Q(organisation__isnull=False),
                name="compliance_case_organisation_entry",
            ),
            models.UniqueConstraint(
                fields=["person", "entry"],
                condition=models.Q(person__isnull=False),
                name="compliance_case_person_entry",
            ),
        ]

    def __str__(self) -> str:
        return f"case {self.pk}"

    @property
    def is_unresolved(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.IN_REVIEW)

    @property
    def subject_name(self) -> str:
        if self.organisation is not None:
            return self.organisation.display_name
        return self.person.display_name if self.person is not None else ""


class CaseEvent(models.Model):
    """The audit trail of a case: who did what, when, under which list and matcher version."""

    class Action(models.TextChoices):
        OPENED = "opened", _("opened")
        RESCORED = "rescored", _("scored again")
        REOPENED = "reopened", _("reopened: the list entry changed")
        REVIEW_STARTED = "review", _("review started")
        PROPOSED = "proposed", _("decision proposed")
        CONFIRMED = "confirmed", _("confirmed as a match")
        CLEARED = "cleared", _("cleared as a false positive")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=10, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    comment = models.TextField(_("comment"), blank=True)
    score = models.FloatField(null=True, blank=True)
    list_version = models.ForeignKey(
        ListVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    matcher_version = models.CharField(max_length=40)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self) -> str:
        return f"{self.case} {self.action}"
