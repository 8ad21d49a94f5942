from django.contrib import admin

from .models import Report, ReportAccess, ReportDelivery


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Read-only: reports are made and sent from the report pages (clinical staff)."""

    list_display = ("__str__", "status", "created_at", "rendered_at", "attempts")
    list_filter = ("status",)
    readonly_fields = [f.name for f in Report._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReportDelivery)
class ReportDeliveryAdmin(admin.ModelAdmin):
    list_display = ("__str__", "to", "requested_at")
    readonly_fields = [f.name for f in ReportDelivery._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReportAccess)
class ReportAccessAdmin(admin.ModelAdmin):
    list_display = ("__str__", "kind", "user", "ip", "at")
    list_filter = ("kind",)
    readonly_fields = [f.name for f in ReportAccess._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
