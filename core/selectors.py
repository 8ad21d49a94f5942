from __future__ import annotations

import os
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection

from .models import ClinicSettings, Heartbeat, JobStatus, OutboundEmail


def clinic_settings() -> ClinicSettings:
    """The clinic's settings; until a clinic admin saves them, the defaults, named settings.CLINIC_NAME."""
    return ClinicSettings.objects.first() or ClinicSettings(name=settings.CLINIC_NAME)


def clinic_name() -> str:
    """The clinic's name, as a clinic admin set it in Clinic settings: pages and emails show this one."""
    return clinic_settings().name


def database_check() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


# Other apps add sections to the home page with `register_today_section`; each is a
# callable (user, today) -> dict | None with "title", "template" and its own context.
_today_sections = []


def register_today_section(section) -> None:
    if section not in _today_sections:
        _today_sections.append(section)


def today_overview(*, user, today: date) -> list[dict]:
    sections = (section(user, today) for section in _today_sections)
    return [section for section in sections if section]


# Health ------------------------------------------------------------------------------------
# The worker stamps its heartbeat every minute (core.tasks.sweep_background_jobs).
WORKER_SILENT_AFTER = timedelta(minutes=3)
# Without these, requests fail: the health check answers 503. The others only delay background work.
REQUEST_PATH_NEEDS = ("database", "storage")


def _broker_check() -> tuple[str, str]:
    url = settings.CELERY_BROKER_URL
    if url.startswith("filesystem://"):
        folder = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"])
        return ("ok", "") if os.access(folder, os.W_OK) else ("down", "broker folder is not writable")
    import redis

    timeout = settings.REDIS_TIMEOUT_SECONDS
    client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        client.ping()
    except redis.RedisError:
        return "down", "broker unreachable"
    finally:
        client.close()
    return "ok", ""


def _storage_check() -> tuple[str, str]:
    from django.core.files.storage import FileSystemStorage, default_storage

    if isinstance(default_storage, FileSystemStorage):
        # A fresh install has no media folder until the first upload: the folder it would create
        # must be writable, not already there.
        root = Path(settings.MEDIA_ROOT)
        while not root.exists() and root != root.parent:
            root = root.parent
        return ("ok", "") if os.access(root, os.W_OK) else ("down", "media storage is not writable")
    try:  # an object store (MEDIA_STORAGE=s3): reachable and answering
        default_storage.exists("healthz-probe")
    except Exception as error:  # noqa: BLE001 - any failure of the store means "down", with its reason
        return "down", f"media storage unreachable ({type(error).__name__})"
    return "ok", ""


def _worker_check(now: datetime) -> tuple[str, str]:
    beat = Heartbeat.objects.filter(name="worker").first()
    if beat is None:
        return "down", "no worker heartbeat yet"
    if now - beat.at > WORKER_SILENT_AFTER:
        return "down", f"no worker heartbeat for {int((now - beat.at).total_seconds() // 60)} min"
    return "ok", ""


def health_report(*, now: datetime) -> dict:
    """Each dependency's state, for load balancers and the compose health check.

    "down" when the request path cannot work (database or storage), "degraded" when only
    background work is held up (broker or worker: their jobs wait in the database), else "ok".
    Reveals no versions, hosts or engines.
    """
    checks: dict[str, dict] = {}
    try:
        database_check()
        checks["database"] = {"status": "ok"}
    except Exception:  # noqa: BLE001 - any database failure means the same thing here
        checks["database"] = {"status": "down", "detail": "database unreachable"}
    for name, check in (("broker", _broker_check), ("storage", _storage_check)):
        state, detail = check()
        checks[name] = {"status": state, **({"detail": detail} if detail else {})}
    if checks["database"]["status"] == "ok":
        state, detail = _worker_check(now)
        checks["worker"] = {"status": state, **({"detail": detail} if detail else {})}
        checks["email_queue"] = {
            "status": "ok",
            "queued": OutboundEmail.objects.filter(status=JobStatus.QUEUED).count(),
            "failed": OutboundEmail.objects.filter(status=JobStatus.FAILED).count(),
        }
    else:
        checks["worker"] = {"status": "unknown", "detail": "needs the database"}
    if any(checks[name]["status"] != "ok" for name in REQUEST_PATH_NEEDS):
        status = "down"
    elif any(check["status"] != "ok" for check in checks.values()):
        status = "degraded"
    else:
        status = "ok"
    return {"status": status, "checks": checks}
