from django.db.models import QuerySet

from .models import User
from .roles import THERAPIST


def staff_list() -> QuerySet[User]:
    return User.objects.filter(is_active=True).prefetch_related("groups").order_by("last_name", "first_name")


def is_therapist(user) -> bool:
    """An active member of staff with the Therapist role."""
    return user is not None and user.is_active and user.groups.filter(name=THERAPIST).exists()


def therapist_list() -> QuerySet[User]:
    """Active therapists by name. Their roles are not prefetched: callers (calendars, free-slot
    search, dropdowns) need names and ids, and the prefetch cost more than the rest of a calendar."""
    return User.objects.filter(is_active=True, groups__name=THERAPIST).order_by("last_name", "first_name")
