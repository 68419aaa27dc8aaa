from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from karvan.accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "language", "is_staff", "email_confirmed_at"]
    list_filter = ["is_staff", "is_active", "language", "calendar"]
    search_fields = ["email", "full_name", "full_name_native"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Person"),
            {
                "fields": [
                    "full_name",
                    "full_name_native",
                    "language",
                    "time_zone",
                    "calendar",
                    "email_frequency",
                ]
            },
        ),
        (
            _("Status"),
            {"fields": ["is_active", "is_staff", "is_superuser", "email_confirmed_at", "groups"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})
    ]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "scope", "expires_at", "last_used_at"]
    readonly_fields = ["prefix", "key_hash", "password_fingerprint", "last_used_at"]
