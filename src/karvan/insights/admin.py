from django.contrib import admin

from karvan.insights.models import PublishedFigure, TradeFlow, TradeImport


@admin.register(PublishedFigure)
class PublishedFigureAdmin(admin.ModelAdmin):
    list_display = ["key", "value", "period", "is_published", "position"]
    list_filter = ["is_published"]
    readonly_fields = ["updated_by"]


@admin.register(TradeFlow)
class TradeFlowAdmin(admin.ModelAdmin):
    """Imported from Comtrade files (`karvan trade import`): read here, corrected by importing."""

    list_display = [
        "reporter",
        "partner",
        "year",
        "month",
        "flow",
        "commodity_code",
        "trade_value_usd",
    ]
    list_filter = ["reporter", "partner", "year", "flow"]
    search_fields = ["commodity_code"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(TradeImport)
class TradeImportAdmin(admin.ModelAdmin):
    list_display = [
        "file_name",
        "started_at",
        "rows_read",
        "created",
        "updated",
        "unchanged",
        "bad",
    ]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
