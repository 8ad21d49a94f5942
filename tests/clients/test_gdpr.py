"""GDPR: export everything held about a client as a ZIP; erase personal data, keep statistics."""

from __future__ import annotations

import io
import json
import logging
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from clients.models import Client, ClientDataEvent, Consent, ConsentPurpose, DataEventAction
from clients.selectors import client_is_bookable, client_list
from clients.services import ErasureNotConfirmed, client_erase, client_export, consent_record
from core.exceptions import ConflictError
from tests.factories import ClientFactory

from .conftest import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def ada(therapist):
    client = ClientFactory(
        first_name="Ada", last_name="Lovelace", date_of_birth=date(1988, 4, 12), sex="F",
        email="ada@example.com", phone="07700 900123", address="1 Analytical Way", goal_race="Berlin Marathon",
        presenting_complaint="Pain on top of the foot", pain_region="foot (dorsum)", pain_side="LEFT",
        pain_location_detail="top of left foot, lateral three toes", pain_score=6,
        injury_history="Stress fracture 2019", referral_source="Dr Babbage", alerts="Latex allergy",
        weekly_distance_km=40, consents={},
    )
    consent_record(client=client, purpose=ConsentPurpose.VIDEO, granted=True, recorded_by=therapist, now=NOW,
                   note="Signed by Ada Lovelace")
    return client


@pytest.fixture
def attachment(ada, related_models):
    Attachment, Comment = related_models
    row = Attachment(client=ada, title="Referral letter", notes="Letter about Ada Lovelace")
    row.upload.save("referral.txt", ContentFile(b"Dear colleague, please see Ada."), save=True)
    Comment.objects.create(attachment=row, text="Reviewed")
    return row


def open_zip(content: bytes) -> tuple[zipfile.ZipFile, dict]:
    archive = zipfile.ZipFile(io.BytesIO(content))
    return archive, json.loads(archive.read("client.json"))


# Export ------------------------------------------------------------------------------------
def test_export_holds_the_record_consents_related_rows_and_their_files(ada, attachment, clinic_admin):
    export = client_export(client=ada, exported_by=clinic_admin, now=NOW)
    archive, document = open_zip(export.file.read())
    assert export.filename.startswith(f"client-{ada.pk}-") and export.filename.endswith(".zip")

    assert document["client"]["pk"] == ada.pk
    fields = document["client"]["fields"]
    assert (fields["first_name"], fields["date_of_birth"], fields["pain_location_detail"]) == (
        "Ada", "1988-04-12", "top of left foot, lateral three toes")
    assert [(c["fields"]["purpose"], c["fields"]["granted"]) for c in document["consents"]] == [("VIDEO", True)]

    # Found generically: a hidden FK to Client, and a row pointing at that row.
    related = document["related"]
    assert [r["fields"]["notes"] for r in related["clients.testattachment"]] == ["Letter about Ada Lovelace"]
    assert [r["fields"]["text"] for r in related["clients.testattachmentcomment"]] == ["Reviewed"]
    assert "clients.consent" not in related  # consents have their own key

    [entry] = document["files"]
    assert entry["model"] == "clients.testattachment" and entry["pk"] == attachment.pk
    assert archive.read(entry["path"]) == b"Dear colleague, please see Ada."
    assert sorted(archive.namelist()) == sorted(["client.json", entry["path"]])

    event = ClientDataEvent.objects.get(client=ada)
    assert (event.action, event.by, event.at) == (DataEventAction.EXPORTED, clinic_admin, NOW)


def test_export_notes_a_missing_file_instead_of_failing(ada, attachment, clinic_admin):
    default_storage.delete(attachment.upload.name)
    _, document = open_zip(client_export(client=ada, exported_by=clinic_admin, now=NOW).file.read())
    assert document["files"] == [
        {"model": "clients.testattachment", "pk": attachment.pk, "field": "upload",
         "stored_as": attachment.upload.name, "missing": True}
    ]


def test_export_page_downloads_the_zip_for_a_clinic_admin_only(client, ada, clinic_admin, receptionist, therapist):
    url = f"/clients/{ada.pk}/export/"
    assert client.get(url).status_code == 302  # anonymous: to login
    for user in (receptionist, therapist):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(clinic_admin)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Cache-Control"] == "private, no-store"
    _, document = open_zip(b"".join(response.streaming_content))
    assert document["client"]["fields"]["last_name"] == "Lovelace"


def test_export_api_for_a_clinic_admin_only(api_as, api_client, ada, clinic_admin, receptionist, therapist):
    url = f"/api/clients/{ada.pk}/export/"
    assert api_client.get(url).status_code in (401, 403)
    assert api_as(receptionist).get(url).status_code == 403
    assert api_as(therapist).get(url).status_code == 403
    response = api_as(clinic_admin).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    _, document = open_zip(b"".join(response.streaming_content))
    assert document["client"]["pk"] == ada.pk
    assert api_as(clinic_admin).get("/api/clients/999999/export/").status_code == 404


# Erasure -----------------------------------------------------------------------------------
def test_erasure_removes_personal_data_and_files_but_keeps_statistics(
    ada, attachment, clinic_admin, django_capture_on_commit_callbacks, caplog
):
    file_path = Path(default_storage.path(attachment.upload.name))
    assert file_path.exists()
    with caplog.at_level(logging.INFO, logger="clients.services"), \
            django_capture_on_commit_callbacks(execute=True):
        client_erase(client=ada, erased_by=clinic_admin, now=NOW, confirmation="  ada   LOVELACE ")

    ada.refresh_from_db()
    assert (ada.first_name, ada.last_name, ada.date_of_birth) == ("Erased", "Client", None)
    for name in ("email", "phone", "address", "goal_race", "presenting_complaint", "pain_location_detail",
                 "injury_history", "referral_source", "alerts"):
        assert getattr(ada, name) == "", name
    # Anonymised statistics stay.
    assert (ada.sex, ada.birth_year, ada.pain_region, ada.pain_side, ada.pain_score) == (
        "F", 1988, "foot (dorsum)", "LEFT", 6)
    assert ada.weekly_distance_km == 40
    assert ada.erased_at == NOW and not client_is_bookable(ada)

    # Related rows stay linked (still counted); their files and listed free text are gone.
    attachment.refresh_from_db()
    assert attachment.client_id == ada.pk and attachment.upload.name == "" and attachment.notes == ""
    assert attachment.title == "Referral letter"
    assert not file_path.exists()
    assert type(attachment).objects.filter(client=ada).count() == 1
    assert Consent.objects.filter(client=ada).values_list("note", "granted").get() == ("", True)

    event = ClientDataEvent.objects.get(client=ada, action=DataEventAction.ERASED)
    assert (event.by, event.at) == (clinic_admin, NOW)
    assert "erased by user" in caplog.text
    assert "Ada" not in caplog.text and "Lovelace" not in caplog.text

    # Erased clients vanish from every list.
    assert ada not in client_list(filters={"archived": "all"})
    assert not client_list(filters={"q": "Erased", "archived": "all"}).exists()


def test_erasure_needs_the_typed_full_name_and_changes_nothing_otherwise(ada, attachment, clinic_admin):
    with pytest.raises(ErasureNotConfirmed):
        client_erase(client=ada, erased_by=clinic_admin, now=NOW, confirmation="Ada")
    ada.refresh_from_db()
    assert ada.first_name == "Ada" and ada.erased_at is None and ada.email == "ada@example.com"
    assert attachment.upload.storage.exists(attachment.upload.name)
    assert not ClientDataEvent.objects.exists()


def test_erasing_twice_is_refused(ada, clinic_admin):
    client_erase(client=ada, erased_by=clinic_admin, now=NOW, confirmation="Ada Lovelace")
    with pytest.raises(ConflictError):
        client_erase(client=ada, erased_by=clinic_admin, now=NOW, confirmation="Erased Client")


def test_files_survive_if_the_erasure_is_rolled_back(ada, attachment, clinic_admin, monkeypatch):
    """Files are only deleted after the erasure commits."""
    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(ClientDataEvent.objects, "create", fail)
    with pytest.raises(RuntimeError):
        client_erase(client=ada, erased_by=clinic_admin, now=NOW, confirmation="Ada Lovelace")
    ada.refresh_from_db()
    assert ada.first_name == "Ada"
    assert attachment.upload.storage.exists(attachment.upload.name)


def test_erase_page_needs_permission_and_the_typed_name(client, ada, clinic_admin, receptionist, therapist):
    url = f"/clients/{ada.pk}/erase/"
    assert client.get(url).status_code == 302
    for user in (receptionist, therapist):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {"confirmation": "Ada Lovelace"}).status_code == 403
    client.force_login(clinic_admin)
    page = client.get(url)
    assert page.status_code == 200 and "Type the client&#x27;s full name to confirm" in page.content.decode()
    wrong = client.post(url, {"confirmation": "Ada"})
    assert wrong.status_code == 200 and "Type the client&#x27;s full name exactly" in wrong.content.decode()
    assert Client.objects.get(pk=ada.pk).erased_at is None
    response = client.post(url, {"confirmation": "Ada Lovelace"})
    assert response.status_code == 302 and response["Location"] == "/clients/"
    assert Client.objects.get(pk=ada.pk).erased_at is not None
    assert client.get(f"/clients/{ada.pk}/").status_code == 404
    assert "Lovelace" not in client.get("/clients/?archived=all").content.decode()


def test_erase_api(api_as, api_client, ada, clinic_admin, receptionist, therapist):
    url = f"/api/clients/{ada.pk}/erase/"
    assert api_client.post(url, {"confirmation": "Ada Lovelace"}).status_code in (401, 403)
    assert api_as(receptionist).post(url, {"confirmation": "Ada Lovelace"}).status_code == 403
    assert api_as(therapist).post(url, {"confirmation": "Ada Lovelace"}).status_code == 403
    wrong = api_as(clinic_admin).post(url, {"confirmation": "Ada"}, format="json")
    assert wrong.status_code == 400
    assert wrong.json()["code"] == "erasure_not_confirmed"
    assert wrong.json()["errors"] == {"confirmation": ["Does not match the client's full name."]}
    missing = api_as(clinic_admin).post(url, {}, format="json")
    assert missing.status_code == 400 and "confirmation" in missing.json()["errors"]
    response = api_as(clinic_admin).post(url, {"confirmation": "ada lovelace"}, format="json")
    assert response.status_code == 200 and response.json()["id"] == ada.pk
    assert api_as(clinic_admin).post(url, {"confirmation": "Erased Client"}, format="json").status_code == 404
    assert api_as(clinic_admin).get(f"/api/clients/{ada.pk}/").status_code == 404


def test_real_appointments_are_exported_and_still_counted_after_erasure(ada, therapist, clinic_admin):
    from datetime import timedelta

    from appointments.models import Appointment, AppointmentKind, AppointmentType

    kind, _ = AppointmentType.objects.get_or_create(
        name="Test gait assessment", defaults={"kind": AppointmentKind.INITIAL_ASSESSMENT, "duration_minutes": 60})
    for days in (0, 42):
        Appointment.objects.create(client=ada, therapist=therapist, appointment_type=kind,
                                   starts_at=NOW + timedelta(days=days), ends_at=NOW + timedelta(days=days, hours=1))
    _, document = open_zip(client_export(client=ada, exported_by=clinic_admin, now=NOW).file.read())
    assert len(document["related"]["appointments.appointment"]) == 2

    client_erase(client=ada, erased_by=clinic_admin, now=NOW, confirmation="Ada Lovelace")
    assert Appointment.objects.filter(client=ada).count() == 2
    assert Appointment.objects.filter(client__sex="F", client__pain_region="foot (dorsum)").count() == 2
