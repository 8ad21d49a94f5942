from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """A member of the clinic's staff. Roles are groups (see accounts.roles)."""

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def role_names(self) -> list[str]:
        return sorted(group.name for group in self.groups.all())

    def __str__(self):
        return self.display_name
