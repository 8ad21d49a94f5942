"""Uploaded files are health data: no file without login and a matching permission."""

from pathlib import Path

import pytest


@pytest.fixture
def client_document(settings):
    path = Path(settings.MEDIA_ROOT) / "clients" / "7" / "referral.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("Referral letter for client 7")
    yield "clients/7/referral.txt"
    path.unlink()


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_login(client, client_document):
    response = client.get(f"/media/{client_document}")
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.django_db
def test_staff_without_clinical_permission_are_refused(client, receptionist, client_document):
    client.force_login(receptionist)
    assert client.get(f"/media/{client_document}").status_code == 403


@pytest.mark.django_db
def test_therapist_gets_the_file_privately(client, therapist, client_document):
    client.force_login(therapist)
    response = client.get(f"/media/{client_document}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"Referral letter for client 7"
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_files_outside_registered_folders_are_never_served(client, therapist, settings):
    stray = Path(settings.MEDIA_ROOT) / "unregistered" / "x.txt"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_text("x")
    client.force_login(therapist)
    assert client.get("/media/unregistered/x.txt").status_code == 403
    assert client.get("/media/clients/../../etc/passwd").status_code == 404


@pytest.mark.django_db
def test_a_refusal_is_logged_in_one_line_without_a_traceback(client, receptionist, client_document, caplog):
    client.force_login(receptionist)
    with caplog.at_level("WARNING", logger="django.request"):
        assert client.get(f"/media/{client_document}").status_code == 403
    refusals = [r for r in caplog.records if r.name == "django.request"]
    assert refusals and all(r.exc_info is None for r in refusals)
