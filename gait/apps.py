from django.apps import AppConfig


class GaitConfig(AppConfig):
    name = "gait"
    verbose_name = "Gait analysis"

    def ready(self):
        from core.models import register_settings_validator

        from .validators import validate_threshold_overrides

        register_settings_validator(validate_threshold_overrides)
