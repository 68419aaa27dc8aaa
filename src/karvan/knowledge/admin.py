"""Staff browse the exchange here; hiding, restoring and the expert badge go through the pages
(`/knowledge/moderation/`, `/knowledge/experts/`), whose services keep the log and tell people."""

from django.contrib import admin

from karvan.knowledge.models import Answer, Expert, ModerationAction, Question, Report


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "category", "kind", "language", "country", "is_hidden", "created_at"]
    list_filter = ["category", "kind", "language", "is_hidden"]
    search_fields = ["search_document"]
    readonly_fields = ["is_hidden", "score", "accepted_answer", "search_document"]
    raw_id_fields = ["author", "organisation"]


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ["__str__", "language", "is_by_expert", "is_hidden", "created_at"]
    list_filter = ["language", "is_by_expert", "is_hidden"]
    readonly_fields = ["is_hidden", "is_by_expert", "score"]
    raw_id_fields = ["question", "author", "organisation"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["__str__", "question", "reporter", "created_at", "resolved_at"]
    readonly_fields = ["reporter", "question", "answer", "comment", "reason", "resolved_at"]


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    list_display = ["action", "question", "actor", "reason", "created_at"]
    readonly_fields = ["action", "question", "answer", "comment", "actor", "reason", "created_at"]


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
    list_display = ["user", "granted_by", "created_at", "revoked_at"]
    readonly_fields = ["user", "granted_by", "revoked_at"]
