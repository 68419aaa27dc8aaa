from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from karvan.core.errors import DomainError
from karvan.directory.models import Invitation, Membership, Organisation, VerificationEvent
from karvan.directory.services import approve_organisation


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

    @admin.action(description=_("Verify the selected organisations"))
    def approve(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> None:
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
