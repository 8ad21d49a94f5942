from django.apps import AppConfig


class ExercisesConfig(AppConfig):
    name = "exercises"
    verbose_name = "Exercises and programmes"

    def ready(self):
        from clients.timeline import register_timeline_source

        from .selectors import client_programmes_timeline

        register_timeline_source(client_programmes_timeline)
