from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Progress reports"

    def ready(self):
        from clients.timeline import register_timeline_source

        from .selectors import client_reports_timeline

        register_timeline_source(client_reports_timeline)
