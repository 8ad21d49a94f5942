from django.conf import settings
from django.contrib import admin

from .models import ClinicSettings, OutboundEmail

# The admin site is the clinic's settings area: branded, and without the plumbing of
# third-party apps (login-attempt logs, API tokens), which only superusers see.
admin.site.site_header = "Stridewell settings"
admin.site.site_title = "Stridewell settings"
admin.site.index_title = "Clinic settings"
INTERNAL_APPS = ("axes", "authtoken")


class SuperuserOnly:
    """Mixin for a ModelAdmin that only superusers may see or use."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request, *args):
        return self.has_module_permission(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request) and super().has_delete_permission(request, obj)


for model, model_admin in list(admin.site._registry.items()):
    if model._meta.app_label in INTERNAL_APPS:
        admin.site.unregister(model)
        admin.site.register(model, type(type(model_admin).__name__, (SuperuserOnly, type(model_admin)), {}))


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
