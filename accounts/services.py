from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction

from .models import User
from .roles import CLINIC_ADMIN, ROLES


@transaction.atomic
def user_create(
    *, username: str, password: str, roles: list[str], first_name: str = "", last_name: str = "", email: str = ""
) -> User:
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"Unknown role(s): {', '.join(sorted(unknown))}")
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    # Clinic admins manage users and settings in the admin site.
    user.is_staff = CLINIC_ADMIN in roles
    user.set_password(password)
    user.full_clean()
    user.save()
    user.groups.set(Group.objects.filter(name__in=roles))
    return user
