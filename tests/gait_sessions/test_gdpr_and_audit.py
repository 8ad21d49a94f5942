"""GDPR export and erasure include every gait row and file; the access log is for clinic admins."""

from __future__ import annotations

import json
import zipfile
from datetime import timedelta

import pytest

from clients.services import client_erase, client_export
from gait import services
from gait.models import Amendment, Finding, GaitAccess, GaitSession, GaitVideo

from .conftest import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_and_amended(analysed, therapist):
    session = analysed.trial.session
    for finding in Finding.objects.filter(session=session):
        services.finding_review(finding=finding, action="accept", by=therapist, now=NOW, note="Seen on video.")
    services.session_sign_off(session=session, by=therapist, now=NOW)
    finding = Finding.objects.filter(session=session).first()
    services.finding_review(finding=finding, action="reject", by=therapist, now=NOW + timedelta(hours=1),
                            note="Second look.", reason="Mr X's knee brace hid the joint.")
    return analysed


def _files(video):
    files = [video.original, video.landmarks, video.overlay]
    files += [f.keyframe for f in Finding.objects.filter(video=video) if f.keyframe]
    return [(f.storage, f.name) for f in files]


def test_export_holds_the_gait_rows_and_files(signed_and_amended, clinic_admin):
    video = signed_and_amended
    export = client_export(client=video.client, exported_by=clinic_admin, now=NOW)
    with zipfile.ZipFile(export.file) as archive:
        document = json.loads(archive.read("client.json"))
        names = set(archive.namelist())
        original = archive.read(f"files/gait.gaitvideo/{video.pk}/original/{video.original.name.rsplit('/', 1)[-1]}")
    for label in ("gait.gaitsession", "gait.trial", "gait.gaitvideo", "gait.finding", "gait.amendment"):
        assert document["related"].get(label), label
    assert original == video.original.storage.open(video.original.name).read()
    assert any(name.startswith(f"files/gait.gaitvideo/{video.pk}/landmarks/") for name in names)
    assert any(name.startswith(f"files/gait.gaitvideo/{video.pk}/overlay/") for name in names)
    assert any(name.startswith("files/gait.finding/") for name in names)


def test_erasure_deletes_gait_files_and_clinical_text(signed_and_amended, clinic_admin,
                                                      django_capture_on_commit_callbacks):
    video = signed_and_amended
    client = video.client
    files = _files(video)
    assert all(storage.exists(name) for storage, name in files)
    with django_capture_on_commit_callbacks(execute=True):
        client_erase(client=client, erased_by=clinic_admin, now=NOW, confirmation=client.full_name)
    assert not any(storage.exists(name) for storage, name in files)
    session = GaitSession.objects.get(pk=video.trial.session_id)
    assert session.notes == "" and session.signed_off_record is None
    video = GaitVideo.objects.get(pk=video.pk)
    assert video.sha256 is None and video.original_name == "" and not video.original
    assert not Finding.objects.filter(session=session).exclude(note="").exists()
    amendment = Amendment.objects.get(session=session)
    assert amendment.reason == "" and "Mr X" not in json.dumps(amendment.after)


def test_clinic_admin_reads_the_access_log_in_the_admin_site(client, clinic_admin, therapist, analysed):
    client.force_login(therapist)
    client.get(f"/gait/videos/{analysed.pk}/media/original")
    assert GaitAccess.objects.filter(user=therapist).count() == 1
    client.force_login(clinic_admin)
    response = client.get("/admin/gait/gaitaccess/")
    assert response.status_code == 200
    assert f"video #{analysed.pk} original" in response.content.decode()
    assert client.get("/admin/gait/gaitvideo/").status_code == 404  # videos are not in the admin site
    client.force_login(therapist)
    assert client.get("/admin/gait/gaitaccess/").status_code == 302  # not staff: to the admin login
