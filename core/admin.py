from django.conf import settings
from django.contrib import admin

from .models import ClinicSettings


@admin.register(ClinicSettings)
class ClinicSettingsAdmin(admin.ModelAdmin):
    list_display = ("name", "reminder_hours_before", "late_cancellation_hours", "reassessment_interval_weeks")

    def get_changeform_initial_data(self, request):
        return {"name": settings.CLINIC_NAME, **super().get_changeform_initial_data(request)}

    def has_add_permission(self, request):
        return not ClinicSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False
