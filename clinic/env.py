"""Reading the environment with errors that name the variable.

django-environ parses; this module makes every failure an ImproperlyConfigured whose
message starts with the variable's name, so start-up says what to fix.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = env.str(name, default=str(default)).strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = env.str(name, default=str(default)).strip()
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {raw!r}") from None


def env_url(name: str, default: str | None, schemes: tuple[str, ...]) -> str | None:
    raw = env.str(name, default=default)
    if raw is None or raw == "":
        return None
    scheme = urlparse(raw).scheme
    if scheme not in schemes:
        raise ImproperlyConfigured(
            f"{name} must be a URL starting with {' or '.join(s + '://' for s in schemes)}, got {raw!r}"
        )
    return raw


def env_db(name: str, default: str) -> dict:
    url = env_url(name, default, ("sqlite", "postgres", "postgresql", "pgsql"))
    try:
        return environ.Env.db_url_config(url)
    except Exception as exc:  # django-environ raises assorted errors on bad URLs
        raise ImproperlyConfigured(f"{name} is not a valid database URL: {exc}") from None
