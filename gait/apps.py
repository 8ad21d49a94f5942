from django.apps import AppConfig


class GaitConfig(AppConfig):
    name = "gait"
    verbose_name = "Gait analysis"

    def ready(self):
        from clients.timeline import register_timeline_source
        from core.models import register_settings_validator

        from .selectors import client_gait_sessions_timeline
        from .validators import validate_threshold_overrides

        register_settings_validator(validate_threshold_overrides)
        register_timeline_source(client_gait_sessions_timeline)
