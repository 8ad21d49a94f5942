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


def schedule_next_reassessment(sender, *, appointment, now, **kwargs):
    """An assessment or reassessment was attended: book (or recall) the next reassessment."""
    from .services import reassessment_schedule_next

    return reassessment_schedule_next(appointment=appointment, now=now)


class CareplansConfig(AppConfig):
    name = "careplans"
    verbose_name = "Care plans and reassessments"

    def ready(self):
        from appointments.signals import assessment_attended
        from clients.timeline import register_timeline_source
        from core.selectors import register_today_section

        from .selectors import client_care_plans_timeline

        register_today_section(today_section)
        assessment_attended.connect(schedule_next_reassessment, dispatch_uid="careplans.schedule_next_reassessment")
        register_timeline_source(client_care_plans_timeline)
