from django.contrib import admin

from accounts.selectors import therapist_list

from .models import (
    Appointment,
    AppointmentStatusChange,
    AppointmentType,
    AvailabilityException,
    Reminder,
    Room,
    WorkingHours,
)


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ("name", "has_treadmill")
    list_filter = ("has_treadmill",)
    search_fields = ("name",)


@admin.register(AppointmentType)
class AppointmentTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "duration_minutes", "needs_treadmill", "colour")
    list_filter = ("kind", "needs_treadmill")
    search_fields = ("name",)


class TherapistChoiceMixin:
    """Hours and leave belong to therapists: the dropdown offers therapists, not all staff."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "therapist":
            kwargs["queryset"] = therapist_list()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(WorkingHours)
class WorkingHoursAdmin(TherapistChoiceMixin, admin.ModelAdmin):
    list_display = ("therapist", "weekday_name", "start_time", "end_time")
    list_filter = ("weekday", "therapist")
    ordering = ("therapist__last_name", "weekday", "start_time")
    autocomplete_fields = ()

    @admin.display(description="weekday", ordering="weekday")
    def weekday_name(self, obj):
        return obj.get_weekday_display()


@admin.register(AvailabilityException)
class AvailabilityExceptionAdmin(TherapistChoiceMixin, admin.ModelAdmin):
    list_display = ("therapist", "kind", "starts_at", "ends_at", "note")
    list_filter = ("kind", "therapist")
    date_hierarchy = "starts_at"


class StatusChangeInline(admin.TabularInline):
    model = AppointmentStatusChange
    extra = 0
    can_delete = False
    fields = ("changed_at", "from_status", "to_status", "changed_by", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class ReminderInline(admin.TabularInline):
    model = Reminder
    extra = 0
    can_delete = False
    fields = ("kind", "for_starts_at", "recipient", "status_label", "claimed_at", "sent_at", "error")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    """Read-only here: bookings, moves and cancellations go through the calendar or the API,
    which apply the booking rules."""

    list_display = ("id", "starts_at", "therapist", "client", "appointment_type", "room", "status")
    list_filter = ("status", "appointment_type", "therapist")
    date_hierarchy = "starts_at"
    list_select_related = ("therapist", "client", "appointment_type", "room")
    search_fields = ("client__last_name", "client__first_name")
    inlines = [StatusChangeInline, ReminderInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("appointment", "kind", "for_starts_at", "recipient", "status_label", "sent_at")
    list_filter = ("email__status", "kind")
    list_select_related = ("appointment__client", "appointment__appointment_type", "email")
    date_hierarchy = "claimed_at"
    readonly_fields = (
        "appointment", "kind", "for_starts_at", "recipient", "status_label", "claimed_at", "sent_at", "error", "email"
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
