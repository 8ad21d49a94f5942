from django.conf import settings
from django.contrib import admin

from .models import ClinicSettings, OutboundEmail


@admin.register(ClinicSettings)
class ClinicSettingsAdmin(admin.ModelAdmin):
    list_display = ("name", "reminder_hours_before", "late_cancellation_hours", "reassessment_interval_weeks")

    def get_changeform_initial_data(self, request):
        return {"name": settings.CLINIC_NAME, **super().get_changeform_initial_data(request)}

    def has_add_permission(self, request):
        return not ClinicSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    """Every email the app has sent or promised to send (read-only: the worker owns these rows)."""

    list_display = ("created_at", "purpose", "to", "subject", "status", "attempts", "finished_at", "last_error")
    list_filter = ("status", "purpose")
    search_fields = ("to", "subject", "message_id")
    date_hierarchy = "created_at"
    exclude = ("attachments",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
