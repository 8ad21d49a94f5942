"""Client record rules, consent and bookability, through the services other apps call."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from clients.models import Client, Consent, ConsentPurpose
from clients.selectors import client_has_consent, client_is_bookable, consent_current, consent_history
from clients.services import (
    ClientNotBookable,
    ConsentMissing,
    ProbableDuplicate,
    client_archive,
    client_create,
    client_unarchive,
    client_update,
    consent_record,
    require_bookable,
    require_consent,
)
from core.exceptions import ApplicationError, ConflictError
from tests.factories import ClientFactory

from .conftest import NOW, TODAY

pytestmark = pytest.mark.django_db


def make(user, **fields):
    data = {"first_name": "Ada", "last_name": "Runner", "date_of_birth": date(1988, 4, 12), **fields}
    return client_create(created_by=user, today=TODAY, **data)


def test_create_keeps_the_intake_and_who_created_it(therapist):
    client = make(
        therapist, email=" ada@example.com ", pain_score=6, pain_region="foot (dorsum)", pain_side="LEFT",
        pain_location_detail="top of left foot, lateral three toes", weekly_distance_km="42.5",
        goal_race="Manchester Marathon",
    )
    client.refresh_from_db()
    assert client.created_by == therapist
    assert client.email == "ada@example.com"
    assert (client.pain_score, client.pain_location_detail) == (6, "top of left foot, lateral three toes")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"pain_score": 11}, "pain_score", "Pain score must be from 0 to 10."),
        ({"date_of_birth": TODAY + timedelta(days=1)}, "date_of_birth", "Date of birth cannot be in the future."),
        ({"date_of_birth": date(1850, 1, 1)}, "date_of_birth", "Date of birth must be after 1900."),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"first_name": "  "}, "first_name", "This field cannot be blank."),
        ({"sex": "Q"}, "sex", "Value 'Q' is not a valid choice."),
    ],
)
def test_bad_input_is_refused_field_by_field_and_nothing_is_saved(therapist, fields, field, message):
    with pytest.raises(ValidationError) as error:
        make(therapist, **fields)
    assert error.value.message_dict[field] == [message]
    assert Client.objects.count() == 0


def test_every_bad_field_is_reported_at_once(therapist):
    with pytest.raises(ValidationError) as error:
        make(therapist, pain_score=11, email="x@", date_of_birth=TODAY + timedelta(days=3))
    assert set(error.value.message_dict) == {"pain_score", "email", "date_of_birth"}


def test_probable_duplicate_is_refused_until_confirmed(receptionist):
    first = make(receptionist)
    with pytest.raises(ProbableDuplicate) as error:
        make(receptionist, first_name="ADA", last_name="runner ")
    assert error.value.extra["duplicate_ids"] == [first.pk]
    assert Client.objects.count() == 1
    second = make(receptionist, allow_duplicate=True)
    assert second.pk != first.pk
    # Same name, different date of birth: a different person, no warning.
    make(receptionist, date_of_birth=date(1990, 1, 1))


def test_reception_cannot_write_clinical_fields_even_through_the_service(receptionist):
    with pytest.raises(PermissionDenied):
        make(receptionist, presenting_complaint="Sore foot")
    client = make(receptionist)
    with pytest.raises(PermissionDenied):
        client_update(client=client, updated_by=receptionist, today=TODAY, data={"pain_score": 3})


def test_update_changes_only_given_fields_and_validates(therapist):
    client = make(therapist, presenting_complaint="Shin pain", phone="0161 000 0000")
    client_update(client=client, updated_by=therapist, today=TODAY, data={"phone": "07700 900001"})
    client.refresh_from_db()
    assert (client.phone, client.presenting_complaint) == ("07700 900001", "Shin pain")
    with pytest.raises(ValidationError):
        client_update(client=client, updated_by=therapist, today=TODAY, data={"pain_score": 12, "phone": "1"})
    client.refresh_from_db()
    assert client.phone == "07700 900001"  # nothing half-saved


def test_update_into_a_duplicate_is_warned(therapist):
    make(therapist)
    other = make(therapist, first_name="Bea")
    with pytest.raises(ProbableDuplicate):
        client_update(client=other, updated_by=therapist, today=TODAY, data={"first_name": "Ada"})
    # Editing something else on an existing duplicate pair does not warn again.
    client_update(client=other, updated_by=therapist, today=TODAY, data={"phone": "0123"})


def test_consent_history_is_kept_and_the_latest_decision_counts(receptionist):
    client = ClientFactory(consents={})
    assert client_has_consent(client, ConsentPurpose.VIDEO) is False
    consent_record(client=client, purpose=ConsentPurpose.VIDEO, granted=True, recorded_by=receptionist, now=NOW,
                   note="signed form")
    assert client_has_consent(client, ConsentPurpose.VIDEO) is True
    assert client_has_consent(client, ConsentPurpose.EMAIL_REPORTS) is False
    consent_record(client=client, purpose=ConsentPurpose.VIDEO, granted=False, recorded_by=receptionist,
                   now=NOW + timedelta(days=30), note="withdrawn by phone")
    assert client_has_consent(client, ConsentPurpose.VIDEO) is False
    history = list(consent_history(client))
    assert [(c.granted, c.note) for c in history] == [(False, "withdrawn by phone"), (True, "signed form")]
    assert history[0].recorded_by == receptionist
    assert consent_current(client, ConsentPurpose.VIDEO) == history[0]


def test_consent_for_an_unknown_purpose_is_refused(receptionist, client_record):
    before = Consent.objects.count()
    with pytest.raises(ValidationError):
        consent_record(client=client_record, purpose="MARKETING", granted=True, recorded_by=receptionist, now=NOW)
    assert Consent.objects.count() == before
    with pytest.raises(ValueError):
        client_has_consent(client_record, "MARKETING")


def test_require_consent_refuses_without_a_current_grant(receptionist, client_record):
    with pytest.raises(ConsentMissing) as error:
        require_consent(client_record, ConsentPurpose.VIDEO)
    assert isinstance(error.value, ApplicationError)
    assert error.value.code == "consent_missing"
    assert "Nothing is recorded or emailed without the matching consent" in error.value.message
    assert error.value.extra["purpose"] == "VIDEO"

    consent_record(client=client_record, purpose=ConsentPurpose.VIDEO, granted=True, recorded_by=receptionist, now=NOW)
    require_consent(client_record, ConsentPurpose.VIDEO)  # no error
    with pytest.raises(ConsentMissing):
        require_consent(client_record, ConsentPurpose.EMAIL_REPORTS)
    consent_record(client=client_record, purpose=ConsentPurpose.VIDEO, granted=False, recorded_by=receptionist,
                   now=NOW + timedelta(minutes=1))
    with pytest.raises(ConsentMissing):
        require_consent(client_record, ConsentPurpose.VIDEO)


def test_archive_hides_nothing_deletes_and_makes_the_client_unbookable(client_record):
    assert client_is_bookable(client_record)
    require_bookable(client_record)
    archived = client_archive(client=client_record, now=NOW)
    assert archived.archived_at == NOW and Client.objects.filter(pk=client_record.pk).exists()
    assert not client_is_bookable(archived)
    with pytest.raises(ClientNotBookable) as error:
        require_bookable(archived)
    assert isinstance(error.value, ConflictError) and "archived" in error.value.message
    with pytest.raises(ConflictError):
        client_archive(client=archived, now=NOW)
    active = client_unarchive(client=archived)
    assert active.archived_at is None and client_is_bookable(active)
    with pytest.raises(ConflictError):
        client_unarchive(client=active)
