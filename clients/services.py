"""Writes about clients, and the consent and bookability checks other apps call.

Stable API for other apps:
    require_consent(client, purpose)   raises ConsentMissing unless the client's current consent
                                       for `purpose` (a ConsentPurpose) is a grant.
    require_bookable(client)           raises ClientNotBookable for archived or erased clients.
    consent_record(...)                records a consent decision (new row; history kept).
Reads live in selectors.py: client_has_consent(client, purpose), client_is_bookable(client),
client_not_bookable_reason(client) (the one refusal message, for other apps' own errors).

Models related to Client (directly or through a chain of foreign keys) are found generically
for the GDPR export and erasure. A related model may name free-text fields that erasure must
blank with a class attribute `GDPR_ERASE_FIELDS = ("notes", ...)`; files in its FileFields are
always deleted on erasure.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import tempfile
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO

from django.core import serializers
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction

from core.exceptions import ApplicationError, ConflictError
from core.services import emails_forget_recipient

from .models import CLINICAL_FIELDS, Client, ClientDataEvent, Consent, ConsentPurpose, DataEventAction
from .selectors import client_has_consent, client_not_bookable_reason, client_probable_duplicates

logger = logging.getLogger(__name__)

# Fields staff edit on the client record (clinical ones need clients.view_clinical).
ADMIN_FIELDS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "sex",
    "email",
    "phone",
    "address",
    "preferred_channel",
    "weekly_distance_km",
    "goal_race",
    "referral_source",
    "alerts",
)
EDITABLE_FIELDS = ADMIN_FIELDS + CLINICAL_FIELDS
EARLIEST_BIRTH_YEAR = 1900
ERASED_FIRST_NAME = "Erased"
ERASED_LAST_NAME = "Client"
# Blanked on erasure; sex, year of birth, pain region/side/score and weekly distance stay for statistics.
ERASED_FIELDS = (
    "email",
    "phone",
    "address",
    "goal_race",
    "presenting_complaint",
    "pain_location_detail",
    "injury_history",
    "referral_source",
    "alerts",
)


# Errors ------------------------------------------------------------------------------------
class ConsentMissing(ApplicationError):
    """The client has not (or no longer) consented to what is being attempted."""

    status_code = 409
    code = "consent_missing"


class ClientNotBookable(ConflictError):
    code = "client_not_bookable"


class ProbableDuplicate(ConflictError):
    code = "probable_duplicate"


class ErasureNotConfirmed(ApplicationError):
    code = "erasure_not_confirmed"


# Checks other apps call --------------------------------------------------------------------
def require_consent(client: Client, purpose: str) -> None:
    """Refuse (ConsentMissing) unless the client's current consent for `purpose` is a grant.

    Nothing is recorded or emailed without the matching consent: gait uploads call this with
    ConsentPurpose.VIDEO, report emails with ConsentPurpose.EMAIL_REPORTS, self-booking links
    with ConsentPurpose.CONTACT_EMAIL (the rule per purpose is in README.md, "Consent").
    """
    if not client_has_consent(client, purpose):
        label = ConsentPurpose(purpose).label.lower()
        raise ConsentMissing(
            f"{client.full_name} has no current consent for {label}: record it on the client page first. "
            "Nothing is recorded or emailed without the matching consent.",
            extra={"purpose": purpose, "client_id": client.pk},
        )


def require_bookable(client: Client) -> None:
    """Refuse (ClientNotBookable) to book appointments for archived or erased clients."""
    reason = client_not_bookable_reason(client)
    if reason is not None:
        raise ClientNotBookable(reason, extra={"client_id": client.pk})


# Client record -----------------------------------------------------------------------------
def _check_fields(fields: dict, user) -> None:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not client fields: {', '.join(sorted(unknown))}")
    clinical = [name for name in CLINICAL_FIELDS if name in fields]
    if clinical and user is not None and not user.has_perm("clients.view_clinical"):
        raise PermissionDenied("Only clinical staff may record clinical details.")


def _clean(client: Client, *, today: date) -> None:
    for name in ("first_name", "last_name", "phone", "email"):
        setattr(client, name, (getattr(client, name) or "").strip())
    errors: dict[str, list[str]] = {}
    try:
        client.full_clean()
    except ValidationError as error:
        errors.update(error.message_dict)
    dob = client.date_of_birth
    if dob and "date_of_birth" not in errors:
        if dob > today:
            errors["date_of_birth"] = ["Date of birth cannot be in the future."]
        elif dob.year < EARLIEST_BIRTH_YEAR:
            errors["date_of_birth"] = [f"Date of birth must be after {EARLIEST_BIRTH_YEAR}."]
    if errors:
        raise ValidationError(errors)


def _refuse_duplicates(client: Client) -> None:
    duplicates = list(
        client_probable_duplicates(
            first_name=client.first_name,
            last_name=client.last_name,
            date_of_birth=client.date_of_birth,
            exclude_id=client.pk,
        ).values_list("pk", flat=True)[:5]
    )
    if duplicates:
        raise ProbableDuplicate(
            "A client with the same name and date of birth already exists. "
            "Check it is not the same person, then confirm to save anyway.",
            extra={"duplicate_ids": duplicates},
        )


@transaction.atomic
def client_create(
    *,
    created_by,
    today: date,
    allow_duplicate: bool = False,
    consents: dict[str, bool] | None = None,
    consent_note: str = "",
    now: datetime | None = None,
    **fields,
) -> Client:
    """Create a client, with the consent decisions taken at intake ({purpose: granted}) recorded
    in the same transaction (`now` is their time). Raises ValidationError (field errors) or
    ProbableDuplicate (same name and date of birth as an existing client, unless allow_duplicate)."""
    _check_fields(fields, created_by)
    if consents and now is None:
        raise TypeError("Give `now` to record consents.")
    client = Client(**fields, created_by=created_by)
    _clean(client, today=today)
    if not allow_duplicate:
        _refuse_duplicates(client)
    client.save()
    for purpose, granted in (consents or {}).items():
        consent_record(
            client=client, purpose=purpose, granted=granted, recorded_by=created_by, now=now, note=consent_note
        )
    return client


@transaction.atomic
def client_update(*, client: Client, updated_by, today: date, data: dict, allow_duplicate: bool = False) -> Client:
    """Change the given fields of a client (only those in `data`)."""
    _check_fields(data, updated_by)
    client = Client.objects.select_for_update().get(pk=client.pk)
    if client.erased_at:
        raise ConflictError("This client's personal data has been erased.")
    identity_before = (client.first_name.lower(), client.last_name.lower(), client.date_of_birth)
    for name, value in data.items():
        setattr(client, name, value)
    _clean(client, today=today)
    identity_after = (client.first_name.lower(), client.last_name.lower(), client.date_of_birth)
    if identity_after != identity_before and not allow_duplicate:
        _refuse_duplicates(client)
    client.save()
    return client


@transaction.atomic
def client_archive(*, client: Client, now: datetime) -> Client:
    """Hide a client from lists and bookings; nothing is deleted."""
    client = Client.objects.select_for_update().get(pk=client.pk)
    if client.archived_at:
        raise ConflictError("This client is already archived.")
    client.archived_at = now
    client.save(update_fields=["archived_at", "updated_at"])
    return client


@transaction.atomic
def client_unarchive(*, client: Client) -> Client:
    client = Client.objects.select_for_update().get(pk=client.pk)
    if client.erased_at:
        raise ConflictError("An erased client cannot be unarchived.")
    if not client.archived_at:
        raise ConflictError("This client is not archived.")
    client.archived_at = None
    client.save(update_fields=["archived_at", "updated_at"])
    return client


# Consent -----------------------------------------------------------------------------------
@transaction.atomic
def consent_record(
    *, client: Client, purpose: str, granted: bool, recorded_by, now: datetime, note: str = ""
) -> Consent:
    """Record a client's decision about one purpose. Earlier decisions stay as history; the
    latest is the current one."""
    if client.erased_at:
        raise ConflictError("This client's personal data has been erased.")
    consent = Consent(
        client=client, purpose=purpose, granted=granted, recorded_at=now, recorded_by=recorded_by,
        note=(note or "").strip(),
    )
    consent.full_clean()
    consent.save()
    return consent


# GDPR: everything held about a client ------------------------------------------------------
def _reverse_relations(model):
    """Foreign keys and one-to-one links pointing at `model`, including hidden ones
    (related_name="+"), which `_meta.related_objects` leaves out."""
    return [
        field
        for field in model._meta.get_fields(include_hidden=True)
        if field.auto_created and not field.concrete and (field.one_to_many or field.one_to_one)
    ]


def client_related_rows(client: Client, *, max_depth: int = 4) -> list[models.Model]:
    """Every row that points at the client through foreign keys (or one-to-one links), directly
    or through other such rows (e.g. an appointment's history), found from `_meta`."""
    seen: set[tuple[str, object]] = set()
    found: list[models.Model] = []
    frontier: list[models.Model] = [client]
    for _ in range(max_depth):
        by_model: dict[type, list] = defaultdict(list)
        for row in frontier:
            by_model[type(row)].append(row)
        frontier = []
        for model, parents in by_model.items():
            for relation in _reverse_relations(model):
                if relation.related_model is Client:
                    continue
                child_model = relation.related_model
                children = child_model._base_manager.filter(**{f"{relation.field.name}__in": parents})
                for child in children.order_by("pk"):
                    key = (child_model._meta.label_lower, child.pk)
                    if key not in seen:
                        seen.add(key)
                        found.append(child)
                        frontier.append(child)
        if not frontier:
            break
    return found


def _file_fields(row: models.Model):
    for field in row._meta.concrete_fields:
        if isinstance(field, models.FileField):
            field_file = getattr(row, field.name)
            if field_file and field_file.name:
                yield field, field_file


def _serialise(rows) -> list[dict]:
    return serializers.serialize("python", rows)


@dataclass
class ClientExport:
    filename: str
    file: IO[bytes]


def client_export(*, client: Client, exported_by, now: datetime) -> ClientExport:
    """A ZIP of everything held about the client: client.json (the record, consents and every
    related row) and the related rows' files under files/. The export is logged."""
    ClientDataEvent.objects.create(client=client, action=DataEventAction.EXPORTED, at=now, by=exported_by)
    related = client_related_rows(client)
    consents = [row for row in related if isinstance(row, Consent)]
    others: dict[str, list] = defaultdict(list)
    for row in related:
        if not isinstance(row, Consent):
            others[row._meta.label_lower].append(row)

    archive_file = tempfile.TemporaryFile()  # noqa: SIM115 (returned to the caller, who closes it)
    manifest = []
    with zipfile.ZipFile(archive_file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for row in [client, *related]:
            for field, field_file in _file_fields(row):
                basename = field_file.name.rsplit("/", 1)[-1]
                arcname = f"files/{row._meta.label_lower}/{row.pk}/{field.name}/{basename}"
                entry = {"model": row._meta.label_lower, "pk": row.pk, "field": field.name, "stored_as": field_file.name}
                try:
                    with field_file.storage.open(field_file.name, "rb") as source, archive.open(
                        arcname, "w", force_zip64=True
                    ) as target:
                        shutil.copyfileobj(source, target, 1024 * 1024)
                    entry["path"] = arcname
                except FileNotFoundError:
                    entry["missing"] = True
                manifest.append(entry)
        document = {
            "format": "stridewell-client-export/1",
            "exported_at": now,
            "client": _serialise([client])[0],
            "consents": _serialise(consents),
            "related": {label: _serialise(rows) for label, rows in sorted(others.items())},
            "files": manifest,
        }
        archive.writestr("client.json", json.dumps(document, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False))
    archive_file.seek(0)
    logger.info("Client #%s exported by user #%s", client.pk, getattr(exported_by, "pk", None))
    return ClientExport(filename=f"client-{client.pk}-{now:%Y%m%d-%H%M}.zip", file=archive_file)


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", (text or "").strip()).casefold()


def _delete_files(files: list[tuple[object, str]]) -> None:
    for storage, name in files:
        try:
            storage.delete(name)
        except OSError:
            logger.exception("Could not delete an erased client's file %s", name)


@transaction.atomic
def client_erase(*, client: Client, erased_by, now: datetime, confirmation: str) -> Client:
    """Remove the client's personal data, keeping anonymised statistics.

    `confirmation` must be the client's full name as typed by the person erasing. Names become
    "Erased Client", the date of birth is reduced to the year, contact details and free text are
    blanked (also `GDPR_ERASE_FIELDS` of related rows), every file of a related row is deleted
    (after commit). Related rows such as appointments stay linked to the anonymised client.
    """
    client = Client.objects.select_for_update().get(pk=client.pk)
    if client.erased_at:
        raise ConflictError("This client has already been erased.")
    if _normalise(confirmation) != _normalise(client.full_name):
        raise ErasureNotConfirmed(
            "Type the client's full name exactly to confirm erasure.",
            extra={"errors": {"confirmation": ["Does not match the client's full name."]}},
        )

    files: list[tuple[object, str]] = []
    related = client_related_rows(client)
    for row in related:
        updates = {}
        for field, field_file in _file_fields(row):
            files.append((field_file.storage, field_file.name))
            updates[field.name] = ""
        for name in getattr(type(row), "GDPR_ERASE_FIELDS", ()):
            field = row._meta.get_field(name)
            updates[name] = None if field.null else ""
        if updates:
            type(row)._base_manager.filter(pk=row.pk).update(**updates)
    Consent.objects.filter(client=client).update(note="")
    emails_forget_recipient(address=client.email, now=now)

    for field, field_file in _file_fields(client):
        files.append((field_file.storage, field_file.name))
        setattr(client, field.name, "")
    if client.date_of_birth:
        client.birth_year = client.date_of_birth.year
    client.date_of_birth = None
    client.first_name = ERASED_FIRST_NAME
    client.last_name = ERASED_LAST_NAME
    for name in ERASED_FIELDS:
        setattr(client, name, "")
    client.archived_at = client.archived_at or now
    client.erased_at = now
    client.full_clean()
    client.save()

    ClientDataEvent.objects.create(client=client, action=DataEventAction.ERASED, at=now, by=erased_by)
    transaction.on_commit(lambda: _delete_files(files))
    logger.info(
        "Client #%s erased by user #%s (%d files removed)", client.pk, getattr(erased_by, "pk", None), len(files)
    )
    return client
