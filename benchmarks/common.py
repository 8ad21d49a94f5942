"""What the page and report benchmarks share: a PostgreSQL database of their own, and Django
configured for timing (no debug, no HTTPS redirects, quiet logs, in-memory email and cache)."""

from __future__ import annotations

import os
from urllib.parse import urlparse


def ensure_database(db_url: str) -> None:
    """Create the benchmark's database if it does not exist yet."""
    import psycopg
    from psycopg import sql

    url = urlparse(db_url)
    name = url.path.lstrip("/")
    with psycopg.connect(url._replace(path="/postgres").geturl(), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")


def configure_django(db_url: str, **extra: str) -> None:
    """Set up Django as in production but on `db_url` (migrated), with the local-memory cache
    (charts are cached in-process) and local media; `extra` adds environment variables."""
    os.environ.update({
        "DATABASE_URL": db_url,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-secret-key-not-for-production-0123456789"),
        "DEBUG": "false", "SECURE_COOKIES": "false", "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "testserver,localhost", "LOG_LEVEL": "WARNING",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        **extra,
    })  # fmt: skip
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("S3_BUCKET", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def timed(fn) -> tuple[float, float, int]:
    """Wall time and this process's CPU time (ms; CPU time is less disturbed by a loaded machine,
    but leaves out PostgreSQL's share), and the number of queries."""
    import time

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started, started_cpu = time.perf_counter(), time.process_time()
        fn()
        elapsed, cpu = (time.perf_counter() - started) * 1000, (time.process_time() - started_cpu) * 1000
    return elapsed, cpu, len(queries)


def report(name: str, samples: list[tuple[float, float, int]], width: int = 52) -> float:
    """Print the median, p90, CPU median and query count of timed() samples; return the median."""
    import statistics

    times = sorted(ms for ms, _, _ in samples)
    cpu = statistics.median(c for _, c, _ in samples)
    median = statistics.median(times)
    print(f"{name:<{width}} median {median:7.1f} ms  p90 {times[int(len(times) * .9)]:7.1f} ms"
          f"  (cpu {cpu:6.1f} ms)  queries {samples[-1][2]}  n={len(samples)}")  # fmt: skip
    return median
