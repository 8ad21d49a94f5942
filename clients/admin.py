from django.contrib import admin

from .models import CLINICAL_FIELDS, Client, ClientDataEvent, Consent


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ("last_name", "first_name", "date_of_birth", "email", "archived_at", "erased_at")
    search_fields = ("last_name", "first_name", "email", "phone")
    list_filter = ("archived_at", "erased_at")
    readonly_fields = ("birth_year", "archived_at", "erased_at")

    def get_exclude(self, request, obj=None):
        # Clinic admins see the admin site but never clinical content.
        excluded = tuple(super().get_exclude(request, obj) or ())
        if not request.user.has_perm("clients.view_clinical"):
            excluded += CLINICAL_FIELDS
        return excluded


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    """Consent history is evidence: read-only here, recorded through the client page."""

    list_display = ("client", "purpose", "granted", "recorded_at", "recorded_by")
    list_filter = ("purpose", "granted")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ClientDataEvent)
class ClientDataEventAdmin(admin.ModelAdmin):
    list_display = ("client_id", "action", "at", "by")
    list_filter = ("action",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
