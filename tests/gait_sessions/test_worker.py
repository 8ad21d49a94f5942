"""The analysis in a real Celery worker process on Redis and PostgreSQL, MediaPipe on the shared
treadmill clip: upload -> processing (progress moves) -> findings through the API and the page;
a worker killed with SIGKILL mid-job completes the job exactly once after a restart; the broker
down at upload: the video is analysed once it is back."""

from __future__ import annotations

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from clients.models import ConsentPurpose
from clients.services import consent_record
from gait import analysis, services
from gait.models import Finding, GaitVideo, VideoStatus

from .conftest import NOW, TODAY, TREADMILL_CLIP, make_clip

pytestmark = [pytest.mark.worker, pytest.mark.slow]


@pytest.fixture
def live_trial(gait_worker, client_record, therapist):
    consent_record(client=client_record, purpose=ConsentPurpose.VIDEO, granted=True, recorded_by=therapist, now=NOW)
    session = services.session_create(client=client_record, therapist=therapist, created_by=therapist, date=TODAY)
    return services.trial_create(session=session, kind="BASELINE", label="Baseline", by=therapist)


def upload(api, trial, path):
    with open(path, "rb") as handle:
        response = api.post("/api/gait-videos/", {"trial": trial.pk, "view": "auto", "file": SimpleUploadedFile(
            path.name, handle.read(), content_type="video/mp4")}, format="multipart")
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def wait_for(video_id, done, timeout=300, seen=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        video = GaitVideo.objects.get(pk=video_id)
        if seen is not None:
            seen.add((video.status, video.percent))
        if done(video):
            return video
        time.sleep(0.3)
    raise AssertionError(f"video {video_id} still {video.status} {video.stage} {video.percent}% after {timeout} s")


def test_killed_worker_mid_job_completes_exactly_once_after_restart(gait_worker, live_trial, api_as, therapist, client):
    api = api_as(therapist)
    video_id = upload(api, live_trial, TREADMILL_CLIP)
    seen = set()
    wait_for(video_id, lambda v: v.status == VideoStatus.PROCESSING and 10 <= v.percent < 75, seen=seen, timeout=240)
    status = api.get(f"/api/gait-videos/{video_id}/").json()
    assert status["status"] == "PROCESSING" and status["stage"] and 0 < status["percent"] < 100

    gait_worker.kill()  # worker, pool child and pose processes: SIGKILL, no clean-up
    killed = GaitVideo.objects.get(pk=video_id)
    assert killed.status == VideoStatus.PROCESSING and killed.attempts == 1
    gait_worker.start()
    # Its lease (3 s here) runs out; the beat sweeper sends the job again.
    wait_for(video_id, lambda v: v.lease_until < analysis.timezone.now(), timeout=30)
    assert analysis.sweep_stuck_videos() == [video_id]
    video = wait_for(video_id, lambda v: v.status in (VideoStatus.DONE, VideoStatus.FAILED), seen=seen)
    assert video.status == VideoStatus.DONE, video.error
    assert video.attempts == 2
    percents = sorted({p for s, p in seen if s == VideoStatus.PROCESSING})
    assert len(percents) >= 3 and percents[0] < 50 < percents[-1], percents  # progress moved

    findings = list(Finding.objects.filter(video=video))
    assert video.detected_view == "side" and video.report["steps"]["left"] > 5
    # The message of the killed run is redelivered one day; running it again changes nothing.
    assert analysis.analyse_video(video_id) == "skipped"
    assert Finding.objects.filter(video=video).count() == len(findings)
    assert GaitVideo.objects.get(pk=video_id).attempts == 2

    body = api.get(f"/api/gait-sessions/{live_trial.session_id}/").json()
    assert [f["code"] for f in body["findings"]] == [f.code for f in findings]
    assert body["trials"][0]["videos"][0]["status"] == "DONE" and body["status"] == "IN_REVIEW"
    client.force_login(therapist)
    page = client.get(f"/gait/sessions/{live_trial.session_id}/").content.decode()
    assert "Annotated" in page and "Metrics, left" in page
    for finding in findings:
        assert f'id="finding-{finding.pk}"' in page
    assert video.overlay and video.landmarks


def test_broker_down_at_upload_is_analysed_when_it_is_back(gait_worker, live_trial, api_as, therapist, tmp_path,
                                                           settings):
    """The upload is saved and stays queued while Redis is unreachable, without a long wait; the
    sweeper sends it once the broker is back. A clip without a person fails cleanly and is kept."""
    from clinic.celery import app

    clip = make_clip(tmp_path / "nobody.mp4", seconds=2.5)
    real_broker = app.conf.broker_url
    _use_broker(app, "redis://127.0.0.1:1/0")  # nothing listens there: the broker is down
    try:
        video_id = upload(api_as(therapist), live_trial, clip)  # saved: 201
        started = time.monotonic()
        assert services.send_for_analysis(video_id) is False  # what the upload's on-commit hook did
        assert time.monotonic() - started < 2  # publishing gives up at once: no request hangs
    finally:
        _use_broker(app, real_broker)
    time.sleep(2)
    assert GaitVideo.objects.get(pk=video_id).status == VideoStatus.QUEUED  # nothing was sent

    settings.GAIT_REQUEUE_AFTER_SECONDS = 0
    assert analysis.sweep_stuck_videos() == [video_id]
    video = wait_for(video_id, lambda v: v.status in (VideoStatus.DONE, VideoStatus.FAILED), timeout=120)
    assert video.status == VideoStatus.FAILED and "no person" in video.error
    assert video.original.storage.open(video.original.name).read() == clip.read_bytes()  # kept unchanged


def _use_broker(app, url):
    # New connection and producer pools for the new URL (the old ones stay usable for later).
    app._pool = None
    app.amqp._producer_pool = None
    app.conf.broker_url = url
