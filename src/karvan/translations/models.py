"""Machine translations of what people wrote: a cache, one row per text version and language pair.

The original is never replaced: the row keeps its own copy of the source text (the task that
translates it takes the row's id) and the translation beside it.
"""

import hashlib

from django.db import models
from django.utils.translation import gettext_lazy as _

from karvan.core.models import TimeStampedModel


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class MachineTranslation(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Translating")
        DONE = "done", _("Translated")
        FAILED = "failed", _("Not translated")

    source_sha256 = models.CharField(max_length=64)
    source_language = models.CharField(max_length=10)
    target_language = models.CharField(max_length=10)
    source_text = models.TextField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    text = models.TextField(blank=True)
    failure = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("machine translation")
        verbose_name_plural = _("machine translations")
        constraints = [
            models.UniqueConstraint(
                fields=["source_sha256", "source_language", "target_language"],
                name="translations_one_per_text_version_and_pair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_language}→{self.target_language} {self.source_sha256[:8]}"
