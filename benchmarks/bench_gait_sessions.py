"""Upload to findings: `REDIS_URL=redis://... .venv/bin/python benchmarks/bench_gait_sessions.py`.

For the shared treadmill clip (12 s, 720x1280, 30 fps) and a 30 s 1920x1080 60 fps clip made from
it (as benchmarks/bench_gait.py makes it), uploads the video through the API to a real Celery
worker process (its own queue, Redis from REDIS_URL, PostgreSQL from BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/stridewell_bench_gait), and prints the time from the start of
the upload until the findings are stored, split into upload (request), waiting in the queue and
analysis, with the ratio to the clip's duration (goal: at most 1.0) and the machine's load.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/stridewell_bench_gait")


def configure_django(media_root: Path) -> dict:
    from benchmarks.bench_calendar import ensure_database

    os.environ["BENCH_DATABASE_URL"] = DB_URL
    import benchmarks.bench_calendar as calendar_bench

    calendar_bench.DB_URL = DB_URL
    ensure_database(fresh=False)
    if not os.environ.get("REDIS_URL"):
        sys.exit("Set REDIS_URL (e.g. redis://127.0.0.1:6379/14): the worker needs a broker.")
    env = {
        "DATABASE_URL": DB_URL,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-secret-key-not-for-production-0123456789"),
        "DEBUG": "false",
        "SECURE_COOKIES": "false",
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "testserver,localhost",
        "MEDIA_ROOT": str(media_root),
        "LOG_LEVEL": "WARNING",
        "GAIT_UPLOAD_MAX_MB": "4096",
    }
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return {**os.environ, **env}


def start_worker(env: dict, queue: str) -> subprocess.Popen:
    from clinic.celery import app

    name = f"{queue}@{socket.gethostname()}"
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "clinic", "worker", "-Q", queue, "--concurrency", "1",
         "--loglevel", "WARNING", "--without-gossip", "--without-mingle", "-n", name],
        cwd=ROOT, env=env, start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if app.control.ping(destination=[name], timeout=1):
            return worker
    worker.kill()
    sys.exit("the worker did not start")


def fixtures():
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from accounts.models import User
    from accounts.roles import THERAPIST
    from clients.models import Client, ConsentPurpose
    from clients.services import consent_record
    from gait import services

    user, _ = User.objects.get_or_create(username="bench-therapist", defaults={"first_name": "Bench"})
    user.groups.add(Group.objects.get(name=THERAPIST))
    client = Client.objects.create(first_name="Bench", last_name=f"Runner {uuid.uuid4().hex[:6]}")
    consent_record(client=client, purpose=ConsentPurpose.VIDEO, granted=True, recorded_by=user, now=timezone.now())
    session = services.session_create(client=client, therapist=user, created_by=user, date=timezone.localdate())
    trial = services.trial_create(session=session, kind="BASELINE", label="Baseline", by=user)
    return user, trial


def measure(name: str, path: Path, user, trial) -> None:
    from django.test import Client as HttpClient

    from gait.models import Finding, GaitVideo, VideoStatus

    http = HttpClient()
    http.force_login(user)
    http.get("/api/gait-videos/")  # warm up: the first request imports the URL conf and the API
    started = time.perf_counter()
    with open(path, "rb") as handle:
        response = http.post("/api/gait-videos/", {"trial": trial.pk, "view": "auto", "file": handle})
    uploaded = time.perf_counter()
    if response.status_code != 201:
        print(f"{name}: upload refused: {response.json()}")
        return
    video_id = response.json()["id"]
    picked = None
    while True:
        video = GaitVideo.objects.get(pk=video_id)
        if picked is None and video.status != VideoStatus.QUEUED:
            picked = time.perf_counter()
        if video.status in (VideoStatus.DONE, VideoStatus.FAILED):
            break
        time.sleep(0.1)
    done = time.perf_counter()
    picked = picked or done
    total = done - started
    findings = Finding.objects.filter(video_id=video_id).count()
    print(f"{name:<22} {video.duration_s:5.1f} s clip  {path.stat().st_size / 1e6:6.1f} MB  "
          f"upload {uploaded - started:5.1f} s  queue {picked - uploaded:4.1f} s  analysis {done - picked:6.1f} s  "
          f"total {total:6.1f} s = {total / video.duration_s:4.2f}x duration  {video.status}, {findings} findings"
          + (f" ({video.error})" if video.error else ""), flush=True)


def main() -> int:
    from benchmarks.bench_gait import TREADMILL, make_1080p60

    clips = [("treadmill 12s 30fps", TREADMILL), ("30s 1080p60", make_1080p60(TREADMILL, 30))]
    with tempfile.TemporaryDirectory(prefix="bench-gait-sessions-") as media:
        env = configure_django(Path(media))
        from clinic.celery import app

        queue = f"gait-bench-{uuid.uuid4().hex[:6]}"
        app.conf.task_routes = {"gait.tasks.analyse_video_task": {"queue": queue}}
        app.amqp.flush_routes()
        app.amqp.__dict__.pop("router", None)
        worker = start_worker(env, queue)
        try:
            print(f"load before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} "
                  f"on {os.cpu_count()} CPUs")
            for name, path in clips:
                user, trial = fixtures()
                measure(name, path, user, trial)
            print(f"load after:  {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
        finally:
            worker.terminate()
            worker.wait(timeout=60)
    return 0


if __name__ == "__main__":
    sys.exit(main())
