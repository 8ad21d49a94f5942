from django.db.models import QuerySet

from .models import User
from .roles import THERAPIST


def staff_list() -> QuerySet[User]:
    return User.objects.filter(is_active=True).prefetch_related("groups").order_by("last_name", "first_name")


def therapist_list() -> QuerySet[User]:
    return staff_list().filter(groups__name=THERAPIST)
