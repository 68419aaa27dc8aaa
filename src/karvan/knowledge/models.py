"""Questions and experiences the two sides' SMEs share, the answers and comments they get, and
the moderation that keeps the exchange clean."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from karvan.core.models import TimeStampedModel
from karvan.core.text import MultilingualTextField, localize
from karvan.directory.models import Organisation


class Expert(TimeStampedModel):
    """A person the center's staff recognise as an expert; their answers are marked as such."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expert_badge"
    )
    field = MultilingualTextField(_("field of expertise"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Question(TimeStampedModel):
    class Kind(models.TextChoices):
        QUESTION = "question", _("Question")
        EXPERIENCE = "experience", _("Experience")

    class Category(models.TextChoices):
        CUSTOMS = "customs", _("Customs")
        PAYMENTS = "payments", _("Payments")
        CERTIFICATION = "certification", _("Certification")
        STANDARDS = "standards", _("Standards")
        LOGISTICS = "logistics", _("Logistics")
        PARTNERS = "partners", _("Partners")

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="questions"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.QUESTION)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    title = MultilingualTextField(_("title"))
    body = MultilingualTextField(_("text"))
    language = models.CharField(_("language"), max_length=10)
    country = models.CharField(_("asked from"), max_length=2, blank=True)
    audience_country = models.CharField(
        _("asked to the community of"),
        max_length=2,
        blank=True,
        help_text=_("Empty: everyone. A country: the question is put to that side's community."),
    )
    accepted_answer = models.OneToOneField(
        "Answer", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    score = models.IntegerField(default=0)
    is_hidden = models.BooleanField(default=False)
    search_document = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["category", "is_hidden"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    category__in=[
                        "customs",
                        "payments",
                        "certification",
                        "standards",
                        "logistics",
                        "partners",
                    ]
                ),
                name="knowledge_question_category_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.display_title

    def get_absolute_url(self) -> str:
        return reverse("knowledge:detail", args=[self.pk])

    @property
    def display_title(self) -> str:
        return localize(self.title, get_language() or "en", original=self.language)[0]


class Answer(TimeStampedModel):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = MultilingualTextField(_("answer"))
    language = models.CharField(_("language"), max_length=10)
    is_by_expert = models.BooleanField(_("by an expert"), default=False)
    score = models.IntegerField(default=0)
    is_hidden = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"answer {self.pk} to question {self.question_id}"

    def get_absolute_url(self) -> str:
        return f"{self.question.get_absolute_url()}#answer-{self.pk}"

    @property
    def vote_key(self) -> str:
        return f"a{self.pk}"


class Comment(TimeStampedModel):
    """A short remark on a question or on one of its answers."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="comments")
    answer = models.ForeignKey(
        Answer, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("comment"), max_length=1000)
    language = models.CharField(_("language"), max_length=10)
    is_hidden = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"comment {self.pk}"


class Vote(models.Model):
    """One person's up or down vote on a question or an answer."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, null=True, blank=True, related_name="votes"
    )
    answer = models.ForeignKey(
        Answer, on_delete=models.CASCADE, null=True, blank=True, related_name="votes"
    )
    value = models.SmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "question"],
                condition=Q(answer__isnull=True),
                name="knowledge_vote_one_per_question",
            ),
            models.UniqueConstraint(
                fields=["user", "answer"],
                condition=Q(answer__isnull=False),
                name="knowledge_vote_one_per_answer",
            ),
            models.CheckConstraint(
                condition=Q(value__in=[-1, 1]), name="knowledge_vote_value_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.value:+d} by {self.user_id}"


class Report(TimeStampedModel):
    """Someone flagged a question, answer or comment for the moderators."""

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="reports")
    answer = models.ForeignKey(
        Answer, on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    reason = models.TextField(_("reason"), max_length=1000)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"report {self.pk}"


class ModerationAction(models.Model):
    """A moderator hid or restored a post, with the reason given (the moderation log)."""

    class Action(models.TextChoices):
        HIDE = "hide", _("hidden")
        RESTORE = "restore", _("restored")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=8, choices=Action.choices)
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="moderation")
    answer = models.ForeignKey(
        Answer, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.action} ({self.reason})"
