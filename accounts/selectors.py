from django.db.models import QuerySet

from core.exceptions import ApplicationError

from .models import User
from .roles import THERAPIST

# Said whenever someone who is not an active therapist is given where a therapist is needed.
THERAPIST_REQUIRED = "Choose an active member of staff with the Therapist role."


class UnknownTherapist(ApplicationError):
    """An id that is not an active therapist's: bad input (400) wherever it came from."""

    code = "unknown_therapist"


def staff_list() -> QuerySet[User]:
    return User.objects.filter(is_active=True).prefetch_related("groups").order_by("last_name", "first_name")


def is_therapist(user) -> bool:
    """An active member of staff with the Therapist role."""
    return user is not None and user.is_active and user.groups.filter(name=THERAPIST).exists()


def therapist_list() -> QuerySet[User]:
    """Active therapists by name. Their roles are not prefetched: callers (calendars, free-slot
    search, dropdowns) need names and ids, and the prefetch cost more than the rest of a calendar."""
    return User.objects.filter(is_active=True, groups__name=THERAPIST).order_by("last_name", "first_name")


def therapist_get(*, therapist_id) -> User:
    """The active therapist with this id: the one way from an id (form, query, API, stored slot) to a therapist.

    Raises UnknownTherapist for an unknown or malformed id, or anyone who is not an active therapist.
    """
    try:
        return therapist_list().get(pk=therapist_id)
    except (User.DoesNotExist, ValueError, TypeError):
        raise UnknownTherapist(f"Unknown therapist: {therapist_id}. {THERAPIST_REQUIRED}") from None
