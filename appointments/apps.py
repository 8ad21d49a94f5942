from django.apps import AppConfig
from django.db.models.signals import post_migrate


def today_section(user, today):
    """Home page: the therapist's own appointments today, or the whole clinic's for other staff."""
    if not user.has_perm("appointments.view_appointment"):
        return None
    from accounts.selectors import is_therapist

    from .selectors import appointments_today

    appointments = appointments_today(user=user, today=today)
    own = is_therapist(user)
    return {
        "title": "Your appointments today" if own else "Appointments today",
        "template": "appointments/_today.html",
        "appointments": appointments,
        "show_therapist": not own,
    }


class AppointmentsConfig(AppConfig):
    name = "appointments"
    verbose_name = "Appointments and calendar"

    def ready(self):
        from clients.timeline import register_timeline_source
        from core.selectors import register_today_section

        from .defaults import ensure_defaults
        from .selectors import client_appointments_timeline

        register_today_section(today_section)
        register_timeline_source(client_appointments_timeline)
        # Transactional tests flush tables; this restores the defaults like migrate does.
        post_migrate.connect(ensure_defaults, sender=self, dispatch_uid="appointments.ensure_defaults")
