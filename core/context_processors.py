from django.utils.functional import SimpleLazyObject

from .selectors import clinic_name


def clinic(request):
    # Lazy: read from the database once per page, and only by a page that shows it.
    return {"clinic_name": SimpleLazyObject(clinic_name)}
