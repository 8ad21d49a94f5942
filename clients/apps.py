from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "clients"

    def ready(self):
        from core.media import permission_rule, register_media_rule

        # Client documents are clinical records.
        register_media_rule("clients", permission_rule("clients.view_clinical"))
