"""Staff edit the agreement templates (one box per language) and read agreements' records."""

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from karvan.agreements.documents.rendering import LANGUAGE_NAMES
from karvan.agreements.models import Agreement, AgreementEvent, AgreementTemplate, Signature
from karvan.agreements.templates_data import template_placeholders
from karvan.core.text import CONTENT_LANGUAGES


def _language_fields() -> dict[str, forms.Field]:
    fields: dict[str, forms.Field] = {}
    for code in CONTENT_LANGUAGES:
        name = LANGUAGE_NAMES[code]
        fields[f"title_{code}"] = forms.CharField(
            label=_("Title (%(language)s)") % {"language": name},
            required=code == "en",
            max_length=300,
        )
        fields[f"body_{code}"] = forms.CharField(
            label=_("Text (%(language)s)") % {"language": name},
            required=code == "en",
            widget=forms.Textarea(attrs={"rows": 14, "dir": "auto", "cols": 100}),
            help_text=AgreementTemplate._meta.get_field("body").help_text,
        )
    return fields


class _TemplateFormBase(forms.ModelForm):
    """The title and text in each language as their own fields, stored in the JSON columns."""

    class Meta:
        model = AgreementTemplate
        fields = ["key", "kind", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code in CONTENT_LANGUAGES:
            self.fields[f"title_{code}"].initial = self.instance.title.get(code, "")
            self.fields[f"body_{code}"].initial = self.instance.body.get(code, "")

    def save(self, commit: bool = True) -> AgreementTemplate:
        template = super().save(commit=False)
        template.title = {
            code: self.cleaned_data[f"title_{code}"].strip()
            for code in CONTENT_LANGUAGES
            if self.cleaned_data.get(f"title_{code}", "").strip()
        }
        template.body = {
            code: self.cleaned_data[f"body_{code}"].strip()
            for code in CONTENT_LANGUAGES
            if self.cleaned_data.get(f"body_{code}", "").strip()
        }
        template.placeholders = template_placeholders(template.body)
        if commit:
            template.save()
        return template


AgreementTemplateForm = type("AgreementTemplateForm", (_TemplateFormBase,), _language_fields())


@admin.register(AgreementTemplate)
class AgreementTemplateAdmin(admin.ModelAdmin):
    form = AgreementTemplateForm
    list_display = ["key", "kind", "display_title", "is_active", "updated_at"]
    list_filter = ["kind", "is_active"]
    readonly_fields = ["placeholders"]

    fields = [
        "key",
        "kind",
        "is_active",
        *(f"{prefix}_{code}" for code in CONTENT_LANGUAGES for prefix in ("title", "body")),
        "placeholders",
    ]


class SignatureInline(admin.TabularInline):
    model = Signature
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "typed_name",
        "user",
        "organisation",
        "signed_at",
        "ip_address",
        "document_sha256",
        "voided_at",
    )

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False


class EventInline(admin.TabularInline):
    model = AgreementEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ("created_at", "action", "actor_name", "ip_address", "event_hash")

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    """Read-only: agreements change only through their parties' actions."""

    list_display = ["code", "display_title", "kind", "status", "created_at", "sealed_at"]
    list_filter = ["status", "kind"]
    search_fields = ["code"]
    inlines = [SignatureInline, EventInline]
    readonly_fields = [
        "code",
        "kind",
        "template",
        "initiator",
        "created_by",
        "status",
        "languages",
        "prevailing_language",
        "is_ordered",
        "sent_at",
        "signed_at",
        "ceremony_starts_at",
        "ceremony_room_url",
        "ceremony_session_id",
        "sealed_sha256",
        "sealed_at",
    ]
    exclude = ["sealed_pdf"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
