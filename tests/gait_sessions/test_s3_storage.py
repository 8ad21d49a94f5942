"""Media in an S3-compatible object store (MEDIA_STORAGE=s3 through django-storages): a local S3
server (moto in server mode) started by the test; upload -> analysis -> media served with range
requests, every file through the storage API and nothing on the local disk."""

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

from .conftest import NOW, as_upload, synthetic_landmarks

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
