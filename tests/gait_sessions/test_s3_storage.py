"""Media in an S3-compatible object store (MEDIA_STORAGE=s3 through django-storages): a local S3
server (moto in server mode) started by the test; upload -> analysis -> media served with range
requests, every file through the storage API and nothing on the local disk. One test runs the
analysis in a separate `celery worker` process configured only through its environment, with a
local media folder of its own: web and worker share media through the object store alone."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from django.core.management import call_command

from gait import analysis
from gait.models import Finding, VideoStatus

from .conftest import NOW, TREADMILL_CLIP, GaitWorker, _route_gait_to, as_upload, synthetic_landmarks

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)  # noqa: S310 - local test server
            break
        except OSError:
            time.sleep(0.3)
    else:
        server.kill()
        raise RuntimeError("moto server did not start")
    yield url
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture
def s3_media(settings, s3_server, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "local-media-must-stay-empty"
    settings.MEDIA_STORAGE = "s3"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": "stridewell-test", "endpoint_url": s3_server, "access_key": "test",
                        "secret_key": "test", "region_name": "us-east-1", "default_acl": None,
                        "file_overwrite": False},
        },
    }
    call_command("ensure_media_bucket", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return settings.MEDIA_ROOT


@pytest.mark.django_db
def test_upload_analysis_and_media_on_s3(s3_media, trial, therapist, clip, client):
    from gait import services

    video = services.video_upload(trial=trial, upload=as_upload(clip), view="auto", uploaded_by=therapist, now=NOW)
    assert type(video.original.storage._wrapped).__name__ == "S3Storage"
    assert video.original.storage.open(video.original.name).read() == clip.read_bytes()

    assert analysis.analyse_video(video.pk, landmark_source=synthetic_landmarks(overstride=18)) == "done"
    video.refresh_from_db()
    assert video.status == VideoStatus.DONE
    finding = Finding.objects.get(video=video, code="overstride")
    for field in (video.landmarks, video.overlay, finding.keyframe):
        assert field.storage.exists(field.name), field.name
    assert not s3_media.exists() or not any(s3_media.rglob("*"))  # nothing went to the local disk

    client.force_login(therapist)
    part = client.get(f"/gait/videos/{video.pk}/media/overlay", HTTP_RANGE="bytes=0-1023")
    assert part.status_code == 206 and len(b"".join(part.streaming_content)) == 1024
    assert client.get(f"/gait/findings/{finding.pk}/keyframe").status_code == 200


def _dead_storage(settings):
    from botocore.config import Config

    options = {**settings.STORAGES["default"]["OPTIONS"], "endpoint_url": "http://127.0.0.1:1",
               "client_config": Config(connect_timeout=1, retries={"max_attempts": 1})}
    settings.STORAGES = {**settings.STORAGES, "default": {**settings.STORAGES["default"], "OPTIONS": options}}


@pytest.mark.django_db
def test_storage_unreachable_at_upload_is_a_clear_503(s3_media, settings, trial, therapist, clip, api_as):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gait.models import GaitVideo

    _dead_storage(settings)
    response = api_as(therapist).post("/api/gait-videos/", {"trial": trial.pk, "view": "auto", "file": SimpleUploadedFile(
        "run.mp4", clip.read_bytes(), content_type="video/mp4")}, format="multipart")
    assert response.status_code == 503 and response.json()["code"] == "storage_unavailable"
    assert not GaitVideo.objects.exists()


@pytest.mark.django_db
def test_storage_unreachable_in_the_worker_is_retried_then_failed(s3_media, settings, trial, therapist, clip):
    from gait import services

    video = services.video_upload(trial=trial, upload=as_upload(clip), view="auto", uploaded_by=therapist, now=NOW)
    _dead_storage(settings)
    for attempt in range(1, settings.GAIT_MAX_ATTEMPTS):
        with pytest.raises(analysis.RetryLater):
            analysis.analyse_video(video.pk, landmark_source=synthetic_landmarks())
        video.refresh_from_db()
        assert video.status == VideoStatus.QUEUED and f"Attempt {attempt} failed" in video.error
    assert analysis.analyse_video(video.pk, landmark_source=synthetic_landmarks()) == "failed"
    video.refresh_from_db()
    assert video.status == VideoStatus.FAILED and "failed 3 times" in video.error


@pytest.fixture
def s3_worker(transactional_db, s3_media, s3_server, settings, tmp_path):
    """A real worker process, on a queue of its own, whose storage settings come from the
    environment as in production (MEDIA_STORAGE=s3 and the S3_* variables), with a local media
    folder different from the web's: anything not shared through S3 would be missing."""
    import os
    import uuid

    from django.db import connection

    from clinic.celery import app

    queue = f"gait-s3-test-{uuid.uuid4().hex[:8]}"
    routes = app.conf.task_routes
    _route_gait_to(app, {"gait.tasks.analyse_video_task": {"queue": queue}})
    db = connection.settings_dict
    worker_media = tmp_path / "worker-local-media-must-stay-empty"
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "MEDIA_ROOT": str(worker_media),
        "MEDIA_STORAGE": "s3",
        "S3_BUCKET": settings.STORAGES["default"]["OPTIONS"]["bucket_name"],
        "S3_ENDPOINT_URL": s3_server,
        "S3_ACCESS_KEY_ID": "test",
        "S3_SECRET_ACCESS_KEY": "test",
        "S3_REGION": "us-east-1",
    }
    worker = GaitWorker(queue, env, tmp_path / "worker.log")
    try:
        worker.start()
        yield worker, worker_media
    finally:
        worker.stop()
        _route_gait_to(app, routes)


@pytest.mark.worker
def test_a_separate_worker_shares_media_with_the_web_only_through_s3(s3_worker, s3_media, trial, therapist, api_as,
                                                                        client, settings):
    import boto3
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gait.models import GaitVideo

    worker, worker_media = s3_worker
    api = api_as(therapist)
    response = api.post("/api/gait-videos/", {"trial": trial.pk, "view": "auto", "file": SimpleUploadedFile(
        TREADMILL_CLIP.name, TREADMILL_CLIP.read_bytes(), content_type="video/mp4")}, format="multipart")
    assert response.status_code == 201, response.json()
    video_id = response.json()["id"]

    deadline = time.monotonic() + 420  # MediaPipe on the 12 s clip, on a loaded machine
    while time.monotonic() < deadline:
        video = GaitVideo.objects.get(pk=video_id)
        if video.status in (VideoStatus.DONE, VideoStatus.FAILED):
            break
        time.sleep(0.5)
    log = worker.log_path.read_text()[-3000:]
    assert video.status == VideoStatus.DONE, (video.status, video.stage, video.error, log)
    assert "analyse_video_task" in log and "succeeded" in log  # the worker process did the job

    findings = api.get(f"/api/gait-sessions/{trial.session_id}/").json()["findings"]
    assert findings and all(f["video"] == video_id for f in findings)
    options = settings.STORAGES["default"]["OPTIONS"]
    bucket = boto3.client("s3", endpoint_url=options["endpoint_url"], aws_access_key_id="test",
                          aws_secret_access_key="test", region_name="us-east-1")
    keys = {item["Key"] for item in bucket.list_objects_v2(Bucket=options["bucket_name"])["Contents"]}
    for field in (video.original, video.landmarks, video.overlay):
        assert field.name in keys, (field.name, keys)
    for finding in Finding.objects.filter(video=video).exclude(keyframe=""):
        assert finding.keyframe.name in keys
    for local in (s3_media, worker_media):  # neither side kept a file of its own
        assert not local.exists() or not any(local.rglob("*")), list(local.rglob("*"))

    client.force_login(therapist)  # the web serves what the worker wrote, with range requests
    part = client.get(f"/gait/videos/{video_id}/media/overlay", HTTP_RANGE="bytes=0-1023")
    assert part.status_code == 206 and len(b"".join(part.streaming_content)) == 1024
