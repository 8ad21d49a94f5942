from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Staff accounts"

    def ready(self):
        from .roles import sync_roles

        # Permissions of every app exist only after its migrations ran, so roles are
        # (re)built after each migrate; it is idempotent.
        post_migrate.connect(sync_roles, dispatch_uid="accounts.sync_roles")
