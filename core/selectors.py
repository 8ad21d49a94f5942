from __future__ import annotations

from datetime import date

from django.db import connection

from .models import ClinicSettings


def clinic_settings() -> ClinicSettings:
    settings_row, _ = ClinicSettings.objects.get_or_create(singleton=1)
    return settings_row


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
