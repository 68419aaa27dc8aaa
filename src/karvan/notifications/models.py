from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from karvan.notifications.kinds import get_kind, render_params


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=64)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title

    def _render(self, template: object) -> str:
        language = translation.get_language() or "en"
        return str(template) % render_params(self.params, language) if template else ""

    @property
    def title(self) -> str:
        """The title in the active language (callers render inside the reader's language)."""
        return self._render(get_kind(self.kind).title)

    @property
    def body(self) -> str:
        return self._render(get_kind(self.kind).body)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class OutgoingMail(models.Model):
    """One e-mail, rendered when queued, sent at most once: the outbox.

    Tasks run at least once, so a mail is queued under a key naming what it is about (a
    notification, a digest) and sent by whichever worker claims it first. A claim lasts
    `CLAIM_SECONDS`; a mail whose worker died before sending it is sent by the next sweep.
    """

    CLAIM_SECONDS = 300
    KEEP_DAYS = 90

    key = models.CharField(max_length=120, unique=True)
    to = models.EmailField()
    subject = models.TextField()
    text = models.TextField()
    html = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.key} to {self.to}"
