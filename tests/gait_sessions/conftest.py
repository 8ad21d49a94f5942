"""Fixtures for gait sessions: a client who consented to video, a session with a trial, and small
generated clips (the real treadmill clip is used only where MediaPipe itself is under test)."""

from __future__ import annotations

from datetime import date, datetime
from fractions import Fraction
from pathlib import Path
from zoneinfo import ZoneInfo

import av
import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile

from clients.models import ConsentPurpose
from clients.services import consent_record
from gait import services
from gait.engine import synthetic
from tests.conftest import GAIT_TEST_DATA

NOW = datetime(2026, 3, 2, 10, 30, tzinfo=ZoneInfo("Europe/London"))
TODAY = date(2026, 3, 2)
TREADMILL_CLIP = GAIT_TEST_DATA / "treadmill_side_male.mp4"


def make_clip(path: Path, seconds: float = 3.0, fps: int = 60, codec: str = "libx264", size=(320, 240), seed=0) -> Path:
    """A small clip of a moving box (no person in it). `seed` makes clips with different bytes."""
    width, height = size
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=Fraction(fps))
        stream.width, stream.height = width, height
        stream.pix_fmt = "yuv420p"
        for i in range(int(seconds * fps)):
            rgb = np.full((height, width, 3), 40 + seed % 200, dtype=np.uint8)
            x = (i * 3) % (width - 40)
            rgb[100:140, x : x + 40] = (200, 60, 60)
            container.mux(stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")))
        container.mux(stream.encode())
    return path


def as_upload(path: Path, name: str | None = None, on_disk: bool = True):
    """The file as Django's upload handlers hand it over: big files as a temporary file on disk."""
    data = Path(path).read_bytes()
    name = name or Path(path).name
    if not on_disk:
        return SimpleUploadedFile(name, data, content_type="video/mp4")
    upload = TemporaryUploadedFile(name, "video/mp4", len(data), None)
    upload.write(data)
    upload.seek(0)
    # The local storage moves the temporary file into place (as with a real request); the
    # tempfile wrapper must then not try to delete it again.
    upload.file._closer.delete = False
    return upload


def synthetic_landmarks(view="side", **deviations):
    """A landmark source for gait.analysis.analyse_video: a synthetic runner the length of the clip."""

    def source(path, job):
        from gait.engine.video import probe

        info = probe(path)
        return synthetic.generate(view=view, fps=info.fps, duration=info.duration_s, width=info.width,
                                  height=info.height, body_height_px=info.height * 0.8, **deviations)

    return source


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def consenting_client(client_record, therapist):
    consent_record(client=client_record, purpose=ConsentPurpose.VIDEO, granted=True, recorded_by=therapist, now=NOW)
    return client_record


@pytest.fixture
def gait_session(consenting_client, therapist):
    return services.session_create(client=consenting_client, therapist=therapist, created_by=therapist, date=TODAY,
                                   treadmill_speed_kmh=11, footwear="SHOES", pain_today=2, notes="Left knee pain.")


@pytest.fixture
def trial(gait_session, therapist):
    return services.trial_create(session=gait_session, kind="BASELINE", label="Baseline", by=therapist)


@pytest.fixture
def clip(tmp_path):
    return make_clip(tmp_path / "box.mp4")


@pytest.fixture
def analysed(media_root, trial, therapist, clip):
    """A video analysed in-process with a synthetic overstriding runner as its landmarks."""
    from gait import analysis

    video = services.video_upload(trial=trial, upload=as_upload(clip), view="auto", uploaded_by=therapist, now=NOW)
    assert analysis.analyse_video(video.pk, landmark_source=synthetic_landmarks(overstride=18)) == "done"
    video.refresh_from_db()
    return video


class GaitWorker:
    """A real `celery worker` process of its own, on a queue of its own (so no other test's worker
    takes its jobs), started in its own process group so it can be killed whole with SIGKILL."""

    def __init__(self, queue: str, env: dict, log_path: Path):
        self.queue = queue
        self.env = env
        self.log_path = log_path
        self.process = None

    def start(self):
        import socket
        import subprocess
        import sys
        import time

        from clinic.celery import app
        from tests.conftest import PROJECT_ROOT

        name = f"{self.queue}@{socket.gethostname()}"
        log = open(self.log_path, "a")  # noqa: SIM115 - closed when the process is gone
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "clinic", "worker", "-Q", self.queue, "--concurrency", "1",
             "--pool", "prefork", "--loglevel", "INFO", "--without-gossip", "--without-mingle", "-n", name],
            cwd=PROJECT_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited; see {self.log_path}")
            if app.control.ping(destination=[name], timeout=1):
                return
        raise RuntimeError(f"worker did not answer; see {self.log_path}")

    def kill(self):
        """SIGKILL the worker, its pool child and the pose processes: nothing can clean up."""
        import os
        import signal

        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self):
        import os
        import signal

        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except Exception:  # noqa: BLE001
                self.kill()


def _route_gait_to(app, routes):
    app.conf.task_routes = routes
    app.amqp.flush_routes()
    app.amqp.__dict__.pop("router", None)  # a cached property built from the old routes


@pytest.fixture
def gait_worker(transactional_db, settings, tmp_path):
    import os
    import uuid

    from django.db import connection

    from clinic.celery import app

    settings.MEDIA_ROOT = tmp_path / "media"
    queue = f"gait-test-{uuid.uuid4().hex[:8]}"
    routes = app.conf.task_routes
    _route_gait_to(app, {"gait.tasks.analyse_video_task": {"queue": queue}})
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "GAIT_LEASE_SECONDS": "3",
    }
    worker = GaitWorker(queue, env, tmp_path / "worker.log")
    worker.start()
    yield worker
    worker.stop()
    _route_gait_to(app, routes)
