"""Configuration: production-like settings pass Django's deploy checks; bad variables fail clearly."""

import os
import subprocess
import sys

import pytest

from tests.conftest import PROJECT_ROOT

PRODUCTION_ENV = {
    "SECRET_KEY": "k" * 20 + "Zx9!-production-like-secret-value-for-check-deploy",
    "DEBUG": "false",
    "ALLOWED_HOSTS": "clinic.example",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/stridewell",
    "REDIS_URL": "redis://127.0.0.1:6379/15",
}


def manage(*args, env):
    inherited = os.environ.items()
    clean = {k: v for k, v in inherited if k not in PRODUCTION_ENV and not k.startswith(("SECURE_", "DJANGO_ALLOW"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT_ROOT, env={**clean, **env},
        capture_output=True, text=True, timeout=120,
    )


def test_check_deploy_passes_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "variable,value,message",
    [
        ("SECRET_KEY", "", "SECRET_KEY is not set"),
        ("DEBUG", "maybe", "DEBUG must be true or false, got 'maybe'"),
        ("DATABASE_URL", "mysql://x@y/z", "DATABASE_URL must be a URL starting with"),
        ("REDIS_URL", "localhost:6379", "REDIS_URL must be a URL starting with redis://"),
        ("LOGIN_FAILURE_LIMIT", "five", "LOGIN_FAILURE_LIMIT must be a whole number, got 'five'"),
    ],
)
def test_bad_environment_variables_fail_at_start_up_naming_the_variable(variable, value, message):
    result = manage("check", env={**PRODUCTION_ENV, variable: value})
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1


@pytest.mark.django_db
def test_unknown_urls_get_the_styled_404(client, therapist):
    client.force_login(therapist)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"Back to today" in response.content


@pytest.mark.django_db
def test_security_headers_are_sent(client):
    response = client.get("/accounts/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]


def test_embedded_defaults_need_no_services(tmp_path):
    """Without DATABASE_URL/REDIS_URL: SQLite in WAL mode, a folder broker, mail to files."""
    code = (
        "import django; django.setup();"
        "from django.conf import settings; from django.db import connection;"
        "c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0]);"
        "print(settings.DATABASES['default']['ENGINE']); print(settings.CELERY_BROKER_URL);"
        "print(settings.EMAIL_BACKEND)"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "EMAIL_BACKEND")}
    env.update(DJANGO_SETTINGS_MODULE="clinic.settings", SECRET_KEY="x" * 50)
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "wal", "django.db.backends.sqlite3", "filesystem://", "django.core.mail.backends.filebased.EmailBackend",
    ]


@pytest.mark.django_db
def test_health_check_answers_over_plain_http_and_reveals_nothing(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/accounts/login/").status_code == 301  # everything else goes to https
    from django.utils import timezone

    from core.models import Heartbeat

    Heartbeat.objects.create(name="worker", at=timezone.now())
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and set(body["checks"]) == {"database", "broker", "storage", "worker", "email_queue"}
    assert "postgres" not in response.content.decode() and "redis" not in response.content.decode()


@pytest.mark.django_db
def test_healthz_storage_ok_on_a_fresh_install_before_the_media_folder_exists(client, settings, tmp_path):
    """`make run` creates var/media only at the first upload: until then storage is not "down"."""
    settings.MEDIA_ROOT = tmp_path / "var" / "media"
    body = client.get("/healthz").json()
    assert body["checks"]["storage"]["status"] == "ok"
    assert not (tmp_path / "var").exists()  # the check writes nothing
