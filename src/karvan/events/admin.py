"""Staff administration: holidays (editable reference data), events and what hangs on them."""

from django.contrib import admin

from karvan.events.models import (
    Delegation,
    Event,
    Holiday,
    Meeting,
    MeetingParticipant,
    MeetingPoint,
    MeetingRequest,
    Registration,
    ScheduleRun,
    Session,
)


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["observed_on", "country", "display_name", "is_working_day"]
    list_filter = ["country", "is_working_day"]
    date_hierarchy = "observed_on"
    search_fields = ["name"]
    ordering = ["observed_on", "country"]


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0


class MeetingPointInline(admin.TabularInline):
    model = MeetingPoint
    extra = 0


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["display_title", "kind", "organiser", "starts_on", "ends_on", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "venue", "city"]
    date_hierarchy = "starts_on"
    raw_id_fields = ["organiser"]
    inlines = [SessionInline, MeetingPointInline]


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = ["name", "event", "leader"]
    raw_id_fields = ["leader", "members"]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["person", "organisation", "event", "status", "checked_in_at"]
    list_filter = ["status", "event"]
    search_fields = ["person__email", "person__full_name", "badge_code"]
    raw_id_fields = ["person", "organisation", "delegation", "registered_by"]
    readonly_fields = ["badge_code", "calendar_token"]


@admin.register(MeetingRequest)
class MeetingRequestAdmin(admin.ModelAdmin):
    list_display = ["sender", "recipient", "event", "status", "expires_at"]
    list_filter = ["status", "event"]
    raw_id_fields = ["sender", "recipient"]


class MeetingParticipantInline(admin.TabularInline):
    model = MeetingParticipant
    extra = 0
    raw_id_fields = ["registration"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["pk", "event", "slot", "table", "status", "is_published"]
    list_filter = ["status", "is_published", "event"]
    raw_id_fields = ["request", "slot"]
    readonly_fields = ["room_name"]
    inlines = [MeetingParticipantInline]


@admin.register(ScheduleRun)
class ScheduleRunAdmin(admin.ModelAdmin):
    list_display = ["event", "status", "placed", "unplaced", "idle_gaps", "created_at"]
    list_filter = ["status"]
    readonly_fields = [field.name for field in ScheduleRun._meta.fields]
