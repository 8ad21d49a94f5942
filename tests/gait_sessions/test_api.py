"""The gait API: upload, status and progress, review, sign-off and amendments; permissions per
role; media only through permission-checked views, with range requests and access logging."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gait.models import AccessKind, Amendment, Finding, GaitAccess, VideoStatus

from .conftest import make_clip

pytestmark = pytest.mark.django_db


def post_video(api, trial, path, name=None, **extra):
    with open(path, "rb") as handle:
        return api.post("/api/gait-videos/", {"trial": trial.pk, "view": "side", "file": SimpleUploadedFile(
            name or path.name, handle.read(), content_type="video/mp4")}, format="multipart", **extra)


def test_upload_then_status_and_progress(api_as, therapist, media_root, trial, clip):
    api = api_as(therapist)
    response = post_video(api, trial, clip)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == VideoStatus.QUEUED and body["percent"] == 0 and body["view"] == "side"
    assert (body["width"], body["height"], round(body["fps"])) == (320, 240, 60)
    detail = api.get(f"/api/gait-videos/{body['id']}/").json()
    assert {"status", "stage", "percent", "attempts", "error", "report"} <= set(detail)
    listed = api.get(f"/api/gait-videos/?session={trial.session_id}").json()
    assert [v["id"] for v in listed["results"]] == [body["id"]]


def test_upload_refusals_are_clear(api_as, therapist, media_root, trial, clip, tmp_path, settings):
    api = api_as(therapist)
    assert post_video(api, trial, clip).status_code == 201
    duplicate = post_video(api, trial, clip, name="again.mp4")
    assert duplicate.status_code == 409 and duplicate.json()["code"] == "duplicate_video"
    assert duplicate.json()["session_url"] == f"/gait/sessions/{trial.session_id}/"
    text = tmp_path / "notes.mp4"
    text.write_text("not a video")
    refused = post_video(api, trial, text)
    assert refused.status_code == 400 and refused.json()["code"] == "video_rejected"
    settings.GAIT_UPLOAD_MAX_BYTES = 10_000
    too_big = post_video(api, trial, make_clip(tmp_path / "big.mp4", seed=9))
    assert too_big.status_code == 413 and too_big.json()["limit_bytes"] == 10_000


def test_upload_without_recording_consent(api_as, therapist, media_root, gait_session, clip):
    from clients.models import Consent

    Consent.objects.filter(client=gait_session.client).delete()
    trial = gait_session.trials.create(kind="BASELINE", label="Baseline")
    response = post_video(api_as(therapist), trial, clip)
    assert response.status_code == 409 and response.json()["code"] == "consent_missing"


def test_therapist_sees_clinical_content_and_access_is_logged(api_as, therapist, analysed):
    session_id = analysed.trial.session_id
    body = api_as(therapist).get(f"/api/gait-sessions/{session_id}/").json()
    assert body["notes"] == "Left knee pain." and body["findings"] and body["trials"][0]["videos"]
    assert GaitAccess.objects.filter(user=therapist, kind=AccessKind.FINDINGS, client=analysed.client).count() == 1


@pytest.mark.parametrize("role", ["receptionist", "clinic_admin"])
def test_reception_and_admin_see_only_that_a_session_exists_and_its_status(api_as, request, role, analysed):
    user = request.getfixturevalue(role)
    api = api_as(user)
    session_id = analysed.trial.session_id
    listed = api.get(f"/api/gait-sessions/?client={analysed.client_id}")
    assert listed.status_code == 200
    row = listed.json()["results"][0]
    assert set(row) == {"id", "client", "therapist", "therapist_name", "date", "status", "status_label",
                        "signed_off_at"}
    assert row["status"] == "IN_REVIEW"
    detail = api.get(f"/api/gait-sessions/{session_id}/").json()
    assert "notes" not in detail and "findings" not in detail and "clinical_tests" not in detail
    finding = Finding.objects.filter(session_id=session_id).first()
    for url in (f"/api/gait-videos/?session={session_id}", f"/api/gait-videos/{analysed.pk}/",
                f"/api/gait-findings/{finding.pk}/", f"/api/gait-sessions/{session_id}/trials/"):
        assert api.get(url).status_code == 403, url
    assert api.patch(f"/api/gait-findings/{finding.pk}/", {"action": "accept"}, format="json").status_code == 403
    assert api.post(f"/api/gait-sessions/{session_id}/sign-off/").status_code == 403
    assert not GaitAccess.objects.filter(user=user).exists()


def test_no_role_sees_nothing(api_as, no_role_user, analysed):
    api = api_as(no_role_user)
    assert api.get("/api/gait-sessions/").status_code == 403
    assert api.get(f"/api/gait-sessions/{analysed.trial.session_id}/").status_code == 403


def test_review_sign_off_and_amendment_through_the_api(api_as, therapist, analysed):
    api = api_as(therapist)
    session_id = analysed.trial.session_id
    findings = list(Finding.objects.filter(session_id=session_id))
    early = api.post(f"/api/gait-sessions/{session_id}/sign-off/")
    assert early.status_code == 409 and early.json()["pending_findings"] == len(findings)
    for finding in findings:
        response = api.patch(f"/api/gait-findings/{finding.pk}/", {"action": "accept", "note": "Agree."}, format="json")
        assert response.status_code == 200 and response.json()["review"] == "ACCEPTED"
    added = api.post(f"/api/gait-sessions/{session_id}/findings/",
                     {"code": "crossover_gait", "severity": "mild", "summary": "Narrow step width."}, format="json")
    assert added.status_code == 201 and added.json()["source"] == "THERAPIST"
    signed = api.post(f"/api/gait-sessions/{session_id}/sign-off/")
    assert signed.status_code == 200 and signed.json()["status"] == "SIGNED_OFF"
    target = findings[0]
    locked = api.patch(f"/api/gait-findings/{target.pk}/", {"action": "reject"}, format="json")
    assert locked.status_code == 409 and locked.json()["code"] == "session_signed_off"
    amended = api.patch(f"/api/gait-findings/{target.pk}/", {"action": "reject", "reason": "Shoe glare."},
                        format="json")
    assert amended.status_code == 200
    detail = api.get(f"/api/gait-sessions/{session_id}/").json()
    assert detail["amendments"][0]["reason"] == "Shoe glare."
    assert detail["amendments"][0]["before"]["review"] == "ACCEPTED"
    assert [f["review"] for f in detail["signed_off_record"]["findings"] if f["id"] == target.pk] == ["ACCEPTED"]
    assert Amendment.objects.count() == 1


def test_session_create_with_clinical_tests(api_as, therapist, consenting_client):
    response = api_as(therapist).post("/api/gait-sessions/", {
        "client": consenting_client.pk, "date": "2026-03-02", "treadmill_speed_kmh": "11.5", "pain_today": 3,
        "clinical_tests": [
            {"kind": "HIP_ABDUCTION_STRENGTH", "side": "LEFT", "strength_grade": "4.0"},
            {"kind": "TRENDELENBURG", "side": "RIGHT", "trendelenburg_positive": True},
        ]}, format="json")
    assert response.status_code == 201, response.json()
    assert len(response.json()["clinical_tests"]) == 2
    trial = api_as(therapist).post(f"/api/gait-sessions/{response.json()['id']}/trials/",
                                   {"kind": "WITH_CUES", "label": "With cues", "cues": "run quietly"}, format="json")
    assert trial.status_code == 201 and trial.json()["cues"] == "run quietly"


def test_retry_only_a_failed_video(api_as, therapist, analysed):
    response = api_as(therapist).post(f"/api/gait-videos/{analysed.pk}/retry/")
    assert response.status_code == 409
    type(analysed).objects.filter(pk=analysed.pk).update(status=VideoStatus.FAILED, error="no person found")
    response = api_as(therapist).post(f"/api/gait-videos/{analysed.pk}/retry/")
    assert response.status_code == 200 and response.json()["status"] == VideoStatus.QUEUED


# Media -----------------------------------------------------------------------------------------
def test_video_range_requests_and_access_log(client, therapist, analysed):
    client.force_login(therapist)
    url = f"/gait/videos/{analysed.pk}/media/original"
    original = analysed.original.storage.open(analysed.original.name).read()
    whole = client.get(url)
    assert whole.status_code == 200 and b"".join(whole.streaming_content) == original
    assert whole["Accept-Ranges"] == "bytes" and whole["Cache-Control"] == "private, no-store"
    part = client.get(url, HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206 and part["Content-Range"] == f"bytes 100-199/{len(original)}"
    assert b"".join(part.streaming_content) == original[100:200]
    tail = client.get(url, HTTP_RANGE="bytes=-50")
    assert b"".join(tail.streaming_content) == original[-50:]
    assert client.get(url, HTTP_RANGE=f"bytes={len(original) + 10}-").status_code == 416
    # One viewing = one log entry (the request from the start), not one per range request.
    assert GaitAccess.objects.filter(user=therapist, kind=AccessKind.VIDEO).count() == 1
    assert client.get(f"/gait/videos/{analysed.pk}/media/landmarks").status_code == 200
    assert GaitAccess.objects.filter(user=therapist, kind=AccessKind.LANDMARKS).count() == 1
    finding = Finding.objects.filter(video=analysed).exclude(keyframe="").first()
    keyframe = client.get(f"/gait/findings/{finding.pk}/keyframe")
    assert keyframe.status_code == 200 and keyframe["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize("role", ["receptionist", "clinic_admin", "no_role_user"])
def test_media_refused_without_clinical_permission(client, request, role, analysed):
    user = request.getfixturevalue(role)
    client.force_login(user)
    for kind in ("original", "playable", "overlay", "landmarks"):
        assert client.get(f"/gait/videos/{analysed.pk}/media/{kind}").status_code == 403
    finding = Finding.objects.filter(video=analysed).first()
    assert client.get(f"/gait/findings/{finding.pk}/keyframe").status_code == 403
    assert not GaitAccess.objects.exists()


def test_gait_files_are_not_served_by_the_generic_media_view(client, therapist, analysed):
    client.force_login(therapist)
    assert client.get(f"/media/{analysed.original.name}").status_code == 403


def test_anonymous_media_goes_to_login(client, analysed):
    response = client.get(f"/gait/videos/{analysed.pk}/media/original")
    assert response.status_code == 302 and "login" in response["Location"]


def test_schema_lists_the_gait_endpoints(api_client):
    paths = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]
    for path in ("/api/gait-sessions/", "/api/gait-sessions/{session_id}/trials/", "/api/gait-videos/",
                 "/api/gait-videos/{video_id}/retry/", "/api/gait-findings/{finding_id}/",
                 "/api/gait-sessions/{session_id}/sign-off/"):
        assert path in paths, path
