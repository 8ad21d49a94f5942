from django.contrib import admin

from .models import CarePlan, SelfBookingInvite


@admin.register(CarePlan)
class CarePlanAdmin(admin.ModelAdmin):
    list_display = ("id", "client", "therapist", "status", "start_date", "next_reassessment_due")
    list_filter = ("status",)
    raw_id_fields = ("client", "therapist", "last_assessment", "created_by")
    readonly_fields = ("created_at", "updated_at")


@admin.register(SelfBookingInvite)
class SelfBookingInviteAdmin(admin.ModelAdmin):
    list_display = ("id", "client", "created_at", "expires_at", "email", "used_at", "appointment")
    # The token hash is never shown or edited; invites are made by staff from the plan page.
    exclude = ("token_hash",)
    readonly_fields = (
        "client",
        "plan",
        "offered_slots",
        "created_at",
        "expires_at",
        "email",
        "used_at",
        "appointment",
        "confirmation_email",
        "created_by",
    )

    def has_add_permission(self, request):
        return False
