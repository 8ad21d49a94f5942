from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import connection

from .models import ClinicSettings


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
