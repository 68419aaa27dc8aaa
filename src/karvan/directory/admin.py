from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from karvan.accounts.http import AuthenticatedHttpRequest
from karvan.core.errors import DomainError
from karvan.directory.models import (
    IdentityRevision,
    Invitation,
    Membership,
    Organisation,
    VerificationEvent,
)
from karvan.directory.services.verification import approve_organisation


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "country", "verification", "created_at"]
    list_filter = ["verification", "kind", "country"]
    search_fields = ["search_document", "registry_id"]
    readonly_fields = ["verification", "verified_at", "rejection_reason"]
    filter_horizontal = ["sectors", "products"]
    inlines = [MembershipInline]
    actions = ["approve"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # as the profile form

    def get_readonly_fields(
        self, request: HttpRequest, obj: Organisation | None = None
    ) -> list[str]:
        # A verified identity changes through the verification queue, where it is kept as a version.
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.is_verified:
            fields += ["name", "original_language", "country", "registry_id"]
        return fields

    @admin.action(description=_("Verify the selected organisations"))
    def approve(self, request: AuthenticatedHttpRequest, queryset: QuerySet[Organisation]) -> None:
        done = 0
        for organisation in queryset:
            try:
                approve_organisation(organisation=organisation, actor=request.user)
                done += 1
            except DomainError as error:
                self.message_user(request, f"{organisation}: {error.text}", messages.WARNING)
        self.message_user(request, _("%(count)d organisations verified.") % {"count": done})


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "created_at", "accepted_at"]
    readonly_fields = ["token"]


@admin.register(VerificationEvent)
class VerificationEventAdmin(admin.ModelAdmin):
    list_display = ["organisation", "action", "actor", "created_at"]
    list_filter = ["action"]


@admin.register(IdentityRevision)
class IdentityRevisionAdmin(admin.ModelAdmin):
    """The versions of organisations' identities: read here, decided in the verification queue."""

    list_display = ["organisation", "status", "requested_by", "decided_by", "created_at"]
    list_filter = ["status"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: IdentityRevision | None = None
    ) -> bool:
        return False
