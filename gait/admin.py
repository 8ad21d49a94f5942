from django.contrib import admin

from .models import GaitAccess


@admin.register(GaitAccess)
class GaitAccessAdmin(admin.ModelAdmin):
    """Who saw which client's gait videos, landmarks, key frames and findings: for clinic admins'
    audits. Written only by the app, never edited."""

    list_display = ("at", "user", "client_id", "kind", "what")
    list_filter = ("kind", "at")
    search_fields = ("user__username", "user__last_name", "what")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
