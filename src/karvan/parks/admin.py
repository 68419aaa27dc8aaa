from django.contrib import admin

from karvan.parks.models import Inquiry, InquiryMessage, Park, Unit


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0


@admin.register(Park)
class ParkAdmin(admin.ModelAdmin):
    list_display = ["__str__", "is_free_zone", "total_land_ha", "available_land_ha"]
    list_filter = ["is_free_zone", "organisation__country"]
    raw_id_fields = ["organisation"]
    filter_horizontal = ["sectors"]
    inlines = [UnitInline]


class InquiryMessageInline(admin.TabularInline):
    model = InquiryMessage
    extra = 0
    readonly_fields = ["author", "body", "language", "created_at"]


@admin.register(Inquiry)
class InquiryAdmin(admin.ModelAdmin):
    list_display = ["subject", "park", "organisation", "status", "updated_at"]
    list_filter = ["status"]
    raw_id_fields = ["park", "organisation", "author", "unit", "opportunity"]
    inlines = [InquiryMessageInline]
