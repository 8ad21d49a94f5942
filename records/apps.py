from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = "Clinical record"

    def ready(self):
        from appointments.selectors import register_appointment_section
        from clients.timeline import register_timeline_source

        from .selectors import appointment_note_section, client_notes_timeline

        register_appointment_section(appointment_note_section)
        register_timeline_source(client_notes_timeline)
