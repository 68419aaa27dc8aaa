from django.contrib import admin

from karvan.core.models import HsCode, IsicCode


@admin.register(HsCode)
class HsCodeAdmin(admin.ModelAdmin[HsCode]):
    list_display = ["code", "name", "level", "section"]
    list_filter = ["level", "section"]
    search_fields = ["code", "names"]


@admin.register(IsicCode)
class IsicCodeAdmin(admin.ModelAdmin[IsicCode]):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "names"]
