from django.contrib import admin

from karvan.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "kind", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind"]
