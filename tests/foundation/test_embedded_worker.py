"""`make run` mode: no PostgreSQL, no Redis, and still a real worker process runs the jobs."""

import os
import subprocess
import sys

import pytest

from tests.conftest import PROJECT_ROOT


@pytest.mark.worker
def test_a_task_runs_in_a_real_worker_on_embedded_defaults(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "MEDIA_ROOT")}
    env.update(VAR_DIR=str(tmp_path), SECRET_KEY="x" * 50)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=PROJECT_ROOT, env=env, check=True)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "clinic", "worker", "-Q", "celery,gait", "--concurrency", "1",
         "--loglevel", "INFO", "--without-gossip", "--without-mingle"],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        send = "from core.tasks import ping; print(ping.delay('local').get(timeout=60))"
        result = subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); {send}"],
            cwd=PROJECT_ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "clinic.settings"},
            capture_output=True, text=True, timeout=90,
        )
    finally:
        worker.terminate()
        log = worker.communicate(timeout=30)[0]
    assert result.returncode == 0, result.stderr + log
    assert result.stdout.strip() == "{'echo': 'local', 'database': 'sqlite'}"
    assert "filesystem" in log and "core.tasks.ping" in log
    assert (tmp_path / "stridewell.sqlite3").exists()
