import subprocess
from datetime import datetime, timedelta

import pytest
import time_machine
import yaml
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from appointments.models import Appointment
from careplans.selectors import recall_list
from clients.models import Client
from core.clinic_time import clinic_tz
from demo.services import demo_data_seed
from exercises.models import Programme
from gait.models import ClinicalSuggestion, Finding, GaitSession, GaitVideo
from tests.conftest import PROJECT_ROOT


@pytest.fixture(autouse=True)
def demo_media(settings, tmp_path):
    """The demo's gait videos go to MEDIA_ROOT: a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _gait_rows() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (GaitSession, GaitVideo, Finding, ClinicalSuggestion, Programme)
    }


@pytest.mark.django_db
def test_seed_demo_prints_known_passwords_and_can_run_twice(capsys):
    call_command("seed_demo")
    first_run = _gait_rows()
    call_command("seed_demo")
    assert _gait_rows() == first_run  # the second run adds no gait data
    out = capsys.readouterr().out
    assert "username: therapist" in out and "password: stride-physio-2026" in out
    assert User.objects.get(username="therapist").check_password("stride-physio-2026")
    assert User.objects.get(username="admin").is_staff
    assert Client.objects.count() == 3
    # A living diary: three visits today, three more this week, and one client overdue for reassessment.
    assert Appointment.objects.filter(therapist__username="therapist").count() == 6
    assert [row.client.first_name for row in recall_list(now=timezone.now())] == ["Priya"]
    _assert_priyas_gait_demo(today=timezone.localdate(timezone.now(), clinic_tz()))


def _assert_priyas_gait_demo(*, today):
    """Two signed-off rear-view sessions six weeks apart, every video analysed from the synthetic
    runner and said to be one, the triad's findings accepted, the suggestion confirmed, and a
    programme issued from the second session."""
    sessions = list(GaitSession.objects.filter(client__first_name="Priya").order_by("date"))
    assert [s.date for s in sessions] == [today - timedelta(weeks=6), today - timedelta(days=1)]
    assert all(s.is_signed_off and s.height_cm == 168 and "synthetic runner" in s.notes for s in sessions)
    assert [[t.kind for t in s.trials.order_by("pk")] for s in sessions] == [["BASELINE", "WITH_CUES"], ["BASELINE"]]
    videos = GaitVideo.objects.filter(client__first_name="Priya")
    assert [(v.view, v.status) for v in videos] == [("rear", "DONE")] * 3
    assert all("synthetic runner" in v.trial.label for v in videos)
    triad = {("knee_valgus", "left"), ("pelvic_drop", "right"), ("foot_turn_out", "left")}
    for session in sessions:
        baseline = session.findings.filter(video__trial__kind="BASELINE")
        assert {(f.code, f.side) for f in baseline} == triad
        assert not session.findings.exclude(review="ACCEPTED").exists()
        assert session.suggestions.get(code="weak_gluteus_medius", side="left").status == "CONFIRMED"
    first, second = ({f.code: f.value for f in s.findings.filter(video__trial__kind="BASELINE")} for s in sessions)
    assert all(second[code] < first[code] for code in first), "the second session is the milder one"
    (programme,) = Programme.objects.filter(client__first_name="Priya")
    assert programme.status == "ISSUED" and programme.exercises.exists()


SUNDAY_NOON = datetime(2026, 11, 8, 12, 0, tzinfo=clinic_tz())


def _today_screen(client, username: str) -> str:
    client.force_login(User.objects.get(username=username))
    with time_machine.travel(SUNDAY_NOON, tick=False):
        return client.get("/").content.decode()


@pytest.mark.django_db
def test_demo_data_fills_the_today_screen_of_the_day_it_is_seeded(client):
    demo_data_seed(now=SUNDAY_NOON)
    today = Appointment.objects.filter(starts_at__date=SUNDAY_NOON.date()).order_by("starts_at")
    assert [(a.client.first_name, a.appointment_type.kind, a.status) for a in today] == [
        ("Jamie", "INITIAL_ASSESSMENT", "BOOKED"),  # for staff to mark: that books the reassessment
        ("Sam", "TREATMENT", "ATTENDED"),  # 11:00, already under way at noon
        ("Priya", "TREATMENT", "BOOKED"),
    ]
    for username, heading in [("therapist", "Your appointments today"), ("reception", "Appointments today")]:
        page = _today_screen(client, username)
        assert heading in page and "No appointments today" not in page
        assert all(name in page for name in ("Jamie Rivers", "Sam Okafor", "Priya Shah")), username


@pytest.mark.django_db
def test_seeding_again_on_a_later_day_books_that_day_too():
    demo_data_seed(now=SUNDAY_NOON)
    later = SUNDAY_NOON + timedelta(days=9)
    demo_data_seed(now=later)
    assert Appointment.objects.filter(starts_at__date=later.date()).count() == 3
    assert Appointment.objects.filter(starts_at__date=SUNDAY_NOON.date()).count() == 3


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


def test_docker_compose_accepts_the_file():
    # `make test` installs the client (scripts/ensure-test-tools.sh): a missing one is a failure.
    assert COMPOSE is not None, "no docker compose client: run scripts/ensure-test-tools.sh"
    result = subprocess.run([*COMPOSE, "config", "--quiet"], cwd=PROJECT_ROOT, capture_output=True,
                            text=True, timeout=60, env={"SECRET_KEY": "x", "MINIO_ROOT_PASSWORD": "x", "PATH": "/usr/bin:/bin:/usr/local/bin"})
    assert result.returncode == 0, result.stderr
