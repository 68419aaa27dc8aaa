from django.contrib import admin

from karvan.opportunities.models import Interest, InterestMessage, Opportunity, Quotation


class InterestMessageInline(admin.TabularInline):
    model = InterestMessage
    extra = 0
    readonly_fields = ["author", "organisation", "body", "language", "created_at"]


@admin.register(Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "side", "kind", "status", "language", "expires_on"]
    list_filter = ["status", "side", "kind", "language", "is_rfq"]
    search_fields = ["title", "search_document"]
    filter_horizontal = ["hs_codes", "sectors"]
    raw_id_fields = ["organisation", "author"]


@admin.register(Interest)
class InterestAdmin(admin.ModelAdmin):
    list_display = ["opportunity", "organisation", "status", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["opportunity", "organisation", "author"]
    inlines = [InterestMessageInline]


@admin.register(Quotation)
class QuotationAdmin(admin.ModelAdmin):
    list_display = ["opportunity", "organisation", "unit_price", "currency", "lead_time_days"]
    raw_id_fields = ["opportunity", "organisation", "author"]
