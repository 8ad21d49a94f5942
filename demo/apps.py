from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data (`manage.py seed_demo`). At the top of the layers: it uses every app's services."""

    name = "demo"
    verbose_name = "Demo data"
