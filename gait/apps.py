from django.apps import AppConfig


class GaitConfig(AppConfig):
    name = "gait"
    verbose_name = "Gait analysis"
