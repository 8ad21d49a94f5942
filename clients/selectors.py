"""Reads about clients. Other apps call `client_has_consent`, `client_is_bookable`,
`client_not_bookable_reason` and `client_get`; the client pages and API call the rest."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from core.exceptions import NotFoundError

from .filters import ClientFilter, current_consent_subquery
from .models import Client, ClientDataEvent, Consent, ConsentPurpose
from .timeline import TIMELINE_LIMIT, client_timeline


def client_list(*, filters: dict | None = None) -> QuerySet[Client]:
    """Clients that are not erased, filtered by `ClientFilter` (q, archived, sex, has_consent,
    referral_source). Archived clients are hidden unless `archived` is "true" or "all".
    Raises ValidationError naming the bad filter."""
    base = Client.objects.filter(erased_at__isnull=True)
    filterset = ClientFilter(data=filters or {}, queryset=base)
    if not filterset.is_valid():
        raise ValidationError({field: [str(e) for e in errors] for field, errors in filterset.errors.items()})
    return filterset.qs


def client_get(*, client_id, include_archived: bool = True) -> Client:
    """One client by id. Erased clients no longer exist as far as staff are concerned."""
    clients = Client.objects.filter(erased_at__isnull=True)
    if not include_archived:
        clients = clients.filter(archived_at__isnull=True)
    try:
        return clients.get(pk=client_id)
    except (Client.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("No such client.") from None


def client_not_bookable_reason(client: Client) -> str | None:
    """Why no new appointments (or care plans) may be booked for this client, or None if they may.

    The one wording of the rule: booking, care plans and the clients app all refuse with it.
    """
    if client.erased_at is not None:
        return "This client's record has been erased and cannot be booked."
    if client.archived_at is not None:
        return "This client is archived; restore the client before booking."
    return None


def client_is_bookable(client: Client) -> bool:
    """May new appointments be booked for this client? Not when archived or erased."""
    return client_not_bookable_reason(client) is None


def bookable_client_list() -> QuerySet[Client]:
    """The clients `client_is_bookable` allows, by name (for choosing whom to book)."""
    return Client.objects.filter(archived_at__isnull=True, erased_at__isnull=True).order_by(
        "last_name", "first_name", "id"
    )


def bookable_client_search(*, query: str, limit: int = 20) -> list[Client]:
    """Up to `limit` bookable clients matching a search by name, phone, email or date of birth
    (the client list's search), for the booking form's client picker."""
    query = (query or "").strip()
    if len(query) < 2:
        return []
    return list(client_list(filters={"q": query}).order_by("last_name", "first_name", "id")[:limit])


def client_probable_duplicates(*, first_name: str, last_name: str, date_of_birth, exclude_id=None) -> QuerySet[Client]:
    """Other live clients with the same name (any case) and date of birth."""
    if not date_of_birth:
        return Client.objects.none()
    clients = Client.objects.filter(
        erased_at__isnull=True,
        first_name__iexact=(first_name or "").strip(),
        last_name__iexact=(last_name or "").strip(),
        date_of_birth=date_of_birth,
    )
    if exclude_id is not None:
        clients = clients.exclude(pk=exclude_id)
    return clients


def consent_current(client: Client, purpose: str) -> Consent | None:
    """The client's latest consent row for `purpose`, or None if it was never recorded."""
    return Consent.objects.filter(client=client, purpose=purpose).order_by("-recorded_at", "-id").first()


def client_has_consent(client: Client, purpose: str) -> bool:
    """True only if the latest recorded decision for `purpose` is a grant."""
    if purpose not in ConsentPurpose.values:
        raise ValueError(f"Unknown consent purpose {purpose!r}")
    current = consent_current(client, purpose)
    return bool(current and current.granted)


def consent_granted_expression(purpose: str, client_ref: str = "pk"):
    """For querysets: True where the client's current consent for `purpose` is a grant, e.g.
    `Appointment.objects.alias(ok=consent_granted_expression(CONTACT_EMAIL, "client_id")).filter(ok=True)`."""
    if purpose not in ConsentPurpose.values:
        raise ValueError(f"Unknown consent purpose {purpose!r}")
    return current_consent_subquery(purpose, client_ref)


def consent_summary(client: Client) -> list[dict]:
    """For each purpose: {"purpose", "label", "current": Consent | None}."""
    latest: dict[str, Consent] = {}
    for consent in Consent.objects.filter(client=client).select_related("recorded_by").order_by("-recorded_at", "-id"):
        latest.setdefault(consent.purpose, consent)
    return [
        {"purpose": purpose, "label": label, "current": latest.get(purpose)}
        for purpose, label in ConsentPurpose.choices
    ]


def consent_history(client: Client) -> QuerySet[Consent]:
    """Every consent decision for the client, newest first."""
    return Consent.objects.filter(client=client).select_related("recorded_by").order_by("-recorded_at", "-id")


def client_data_events(client: Client) -> QuerySet[ClientDataEvent]:
    return ClientDataEvent.objects.filter(client=client).select_related("by")


def client_profile(*, client_id, user, now: datetime, full_timeline: bool = False) -> dict:
    """What the client page shows this user: the client, their timeline (what this user may
    see of it; capped unless `full_timeline`) and, if they may see them, the current consents
    with their history and the export/erasure log."""
    client = client_get(client_id=client_id)
    profile = {
        "client": client,
        "clinical": user.has_perm("clients.view_clinical"),
        "timeline": client_timeline(client=client, user=user, now=now, limit=None if full_timeline else TIMELINE_LIMIT),
    }
    if user.has_perm("clients.view_consent"):
        profile["consents"] = consent_summary(client)
        profile["consent_history"] = list(consent_history(client))
    if user.has_perm("clients.export_client") or user.has_perm("clients.erase_client"):
        profile["data_events"] = list(client_data_events(client))
    return profile
