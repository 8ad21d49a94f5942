import subprocess

import pytest
import yaml
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from appointments.models import Appointment
from careplans.selectors import recall_list
from clients.models import Client
from tests.conftest import PROJECT_ROOT


@pytest.mark.django_db
def test_seed_demo_prints_known_passwords_and_can_run_twice(capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "username: therapist" in out and "password: stride-physio-2026" in out
    assert User.objects.get(username="therapist").check_password("stride-physio-2026")
    assert User.objects.get(username="admin").is_staff
    assert Client.objects.count() == 3
    # A living diary: bookings this week, and one client overdue for reassessment.
    assert Appointment.objects.filter(therapist__username="therapist", status="BOOKED").count() == 4
    assert [row.client.first_name for row in recall_list(now=timezone.now())] == ["Priya"]


def test_compose_file_has_the_whole_stack_with_health_checks():
    compose = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"web", "worker", "gait-worker", "beat", "postgres", "redis", "minio"}
    assert all("healthcheck" in service for service in services.values())
    assert set(compose["volumes"]) == {"pgdata", "media", "redisdata", "miniodata"}
    assert "gunicorn" in services["web"]["command"]
    assert "celery -A clinic worker" in services["worker"]["command"]
    # Video analysis has its own worker, so reminders and email never wait behind a video.
    assert "-Q gait " in services["gait-worker"]["command"] and "gait" not in services["worker"]["command"]
    assert services["web"]["environment"]["MEDIA_STORAGE"] == "${MEDIA_STORAGE:-s3}"


def _compose_command() -> list[str] | None:
    """`docker compose` (v2 plugin), else the standalone `docker-compose`, else None."""
    for command in (["docker", "compose"], ["docker-compose"]):
        try:
            if subprocess.run([*command, "version"], capture_output=True, timeout=30).returncode == 0:
                return command
        except FileNotFoundError:
            continue
    return None


COMPOSE = _compose_command()


@pytest.mark.skipif(COMPOSE is None, reason="no docker compose client on this machine")
def test_docker_compose_accepts_the_file():
    result = subprocess.run([*COMPOSE, "config", "--quiet"], cwd=PROJECT_ROOT, capture_output=True,
                            text=True, timeout=60, env={"SECRET_KEY": "x", "MINIO_ROOT_PASSWORD": "x", "PATH": "/usr/bin:/bin:/usr/local/bin"})
    assert result.returncode == 0, result.stderr
