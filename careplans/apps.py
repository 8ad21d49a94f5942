from django.apps import AppConfig

RECALL_PERMS = ("careplans.view_careplan", "appointments.add_appointment")


def today_section(user, today):
    """Home page: unbooked reassessments, for staff who can book them."""
    if not user.has_perms(RECALL_PERMS):
        return None
    from .selectors import recall_counts

    counts = recall_counts(today=today)
    if not counts["due_soon"]:
        return None
    return {"title": "Reassessments to book", "template": "careplans/_today.html", **counts}


class CareplansConfig(AppConfig):
    name = "careplans"
    verbose_name = "Care plans and reassessments"

    def ready(self):
        from clients.timeline import register_timeline_source
        from core.selectors import register_today_section

        from .selectors import client_care_plans_timeline

        register_today_section(today_section)
        register_timeline_source(client_care_plans_timeline)
