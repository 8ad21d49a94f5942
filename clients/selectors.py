from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import Client


def client_list(*, search: str = "", include_archived: bool = False) -> QuerySet[Client]:
    clients = Client.objects.filter(erased_at__isnull=True)
    if not include_archived:
        clients = clients.filter(archived_at__isnull=True)
    for term in search.split():
        clients = clients.filter(
            Q(first_name__icontains=term)
            | Q(last_name__icontains=term)
            | Q(email__icontains=term)
            | Q(phone__icontains=term)
        )
    return clients
