"""Calendar, free-slot and booking-race benchmark: `.venv/bin/python benchmarks/bench_calendar.py`.

Creates (first run) its own PostgreSQL database `stridewell_bench` on the local server
(BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/stridewell_bench), migrates it and
bulk-creates 50 therapists with working hours, 5,000 clients and 100,000 appointments over two
years (one year back, one ahead) without overlaps. Later runs reuse the data; --fresh rebuilds it.

Prints:
* the whole-clinic week calendar's server time (Django test Client GET, as reception) and query count
  (targets: < 150 ms, a constant number of queries), plus one therapist's week and the clinic's day;
* free-slot search time for one therapist and for any therapist (target < 50 ms);
* 50 concurrent bookings of the same slot (threads, each with its own connection, through the
  booking service): exactly one must succeed.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/stridewell_bench")
THERAPISTS, CLIENTS, APPOINTMENTS = 50, 5_000, 100_000
RUNS = 15


def ensure_database(fresh: bool) -> None:
    """Create the benchmark database with psycopg (never touches any other database)."""
    import psycopg
    from psycopg import sql

    url = urlparse(DB_URL)
    name = url.path.lstrip("/")
    admin_url = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = None
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")


def configure_django() -> None:
    os.environ.update(
        {
            "DATABASE_URL": DB_URL,
            "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-secret-key-not-for-production-0123456789"),
            "DEBUG": "false",
            "SECURE_COOKIES": "false",
            "SECURE_SSL_REDIRECT": "false",
            "ALLOWED_HOSTS": "testserver,localhost",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "LOG_LEVEL": "WARNING",
        }
    )
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
    import django

    django.setup()


def seed() -> None:
    from django.contrib.auth.models import Group
    from django.db import connection, transaction

    from accounts.models import User
    from accounts.roles import RECEPTION, THERAPIST
    from appointments.models import Appointment, AppointmentStatus, AppointmentType, WorkingHours
    from clients.models import Client
    from core.clinic_time import clinic_tz

    if Appointment.objects.count() >= APPOINTMENTS:
        print(f"reusing {Appointment.objects.count():,} appointments (use --fresh to rebuild)")
        ensure_consents()
        return
    started = time.perf_counter()
    rng = random.Random(20261125)
    tz = clinic_tz()
    with transaction.atomic():
        Appointment.objects.all().delete()
        therapist_group, reception_group = Group.objects.get(name=THERAPIST), Group.objects.get(name=RECEPTION)
        therapists = User.objects.bulk_create(
            [
                User(username=f"bench-therapist-{i}", first_name="Therapist", last_name=f"{i:02d}")
                for i in range(THERAPISTS)
            ]
        )
        therapist_group.user_set.add(*therapists)
        reception = User.objects.create(username="bench-reception", first_name="Bench", last_name="Reception")
        reception_group.user_set.add(reception)
        WorkingHours.objects.bulk_create(
            [
                WorkingHours(therapist=t, weekday=d, start_time=dtime(8), end_time=dtime(18))
                for t in therapists
                for d in range(5)
            ]
        )
        clients = Client.objects.bulk_create(
            [
                Client(first_name=f"Client{i}", last_name=f"Bench{i % 977}", email=f"client{i}@example.com")
                for i in range(CLIENTS)
            ],
            batch_size=2_000,
        )
        types = list(AppointmentType.objects.all())
        now = datetime.now(UTC)
        first_day = (now - timedelta(days=365)).astimezone(tz).date()
        workdays = [first_day + timedelta(days=i) for i in range(731) if (first_day + timedelta(days=i)).weekday() < 5]
        # Each therapist-day has ten one-hour slots (08:00-18:00 local); every appointment fits in its slot.
        cells = [(t, day, hour) for t in therapists for day in workdays for hour in range(8, 18)]
        rows = []
        for therapist, day, hour in rng.sample(cells, APPOINTMENTS):
            kind = rng.choice(types)
            starts_at = datetime.combine(day, dtime(hour), tzinfo=tz)
            if starts_at < now:
                status = rng.choices(
                    [AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW, AppointmentStatus.CANCELLED], [85, 5, 10]
                )[0]
            else:
                status = rng.choices([AppointmentStatus.BOOKED, AppointmentStatus.CANCELLED], [92, 8])[0]
            rows.append(
                Appointment(
                    client=rng.choice(clients),
                    therapist=therapist,
                    appointment_type=kind,
                    starts_at=starts_at,
                    ends_at=starts_at + timedelta(minutes=kind.duration_minutes),
                    status=status,
                    cancel_reason="bench" if status == AppointmentStatus.CANCELLED else "",
                )
            )
        Appointment.objects.bulk_create(rows, batch_size=5_000)
        ensure_consents()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"seeded {THERAPISTS} therapists, {CLIENTS:,} clients, {len(rows):,} appointments "
        f"in {time.perf_counter() - started:.1f} s"
    )


def ensure_consents() -> None:
    """Every bench client has consented to treatment and appointment emails, as after intake
    (booking a treatment needs it; see README.md, "Consent")."""
    from clients.models import Client, Consent, ConsentPurpose

    if Consent.objects.filter(purpose=ConsentPurpose.TREATMENT).exists():
        return
    now = datetime.now(UTC)
    Consent.objects.bulk_create(
        [
            Consent(client_id=client_id, purpose=purpose, granted=True, recorded_at=now, note="bench")
            for client_id in Client.objects.values_list("id", flat=True)
            for purpose in (ConsentPurpose.TREATMENT, ConsentPurpose.CONTACT_EMAIL)
        ],
        batch_size=5_000,
    )


def timed(fn, runs=RUNS, warmup=2):
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), min(samples), max(samples)


def line(label, stats, target=None, extra=""):
    median, low, high = stats
    verdict = "" if target is None else ("  OK" if median < target else f"  OVER TARGET ({target} ms)")
    print(f"  {label:<44} median {median:7.1f} ms  (min {low:6.1f}, max {high:6.1f}){extra}{verdict}")


def bench_calendar():
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from core.clinic_time import clinic_tz

    web = Client()
    web.force_login(User.objects.get(username="bench-reception"))
    today = datetime.now(UTC).astimezone(clinic_tz()).date()
    therapist = User.objects.get(username="bench-therapist-7")
    print("\nCalendar (server time of a GET through the whole Django stack, as reception)")
    for label, url, target in [
        ("whole-clinic week", f"/appointments/?view=week&date={today}&therapist=all", 150),
        (
            "whole-clinic week, a year ago",
            f"/appointments/?view=week&date={today - timedelta(days=364)}&therapist=all",
            150,
        ),
        ("one therapist's week", f"/appointments/?view=week&date={today}&therapist={therapist.id}", 150),
        ("whole-clinic day (column per therapist)", f"/appointments/?view=day&date={today}&therapist=all", 150),
    ]:

        def get(url=url):
            response = web.get(url)
            assert response.status_code == 200, response.status_code
            return response

        reset_queries()  # the log is a bounded deque: start empty so the capture counts correctly
        with CaptureQueriesContext(connection) as queries:
            response = get()
        count = len(queries.captured_queries)  # read now: the property slices the live log
        shown = response.content.decode().count(" data-colour=")
        line(label, timed(get), target, f"  {count} queries, {shown} appointments shown")


def bench_slots():
    from accounts.models import User
    from appointments.models import AppointmentKind, AppointmentType
    from appointments.selectors import free_slots

    now = datetime.now(UTC)
    therapist = User.objects.get(username="bench-therapist-7")
    treatment = AppointmentType.objects.filter(kind=AppointmentKind.TREATMENT).first()
    gait = AppointmentType.objects.filter(kind=AppointmentKind.REASSESSMENT).first()
    print("\nFree-slot search (selectors.free_slots, next 10 slots from now)")
    line(
        "one therapist, treatment",
        timed(lambda: free_slots(appointment_type=treatment, after=now, therapist=therapist)),
        50,
    )
    line("any therapist, treatment", timed(lambda: free_slots(appointment_type=treatment, after=now)), 50)
    line("any therapist, gait reassessment (room)", timed(lambda: free_slots(appointment_type=gait, after=now)), 50)


def bench_race():
    from django.db import connection

    from accounts.models import User
    from appointments.models import Appointment, AppointmentKind, AppointmentType
    from appointments.selectors import free_slots
    from appointments.services import appointment_book
    from clients.models import Client
    from core.exceptions import ConflictError

    therapist = User.objects.get(username="bench-therapist-7")
    treatment = AppointmentType.objects.filter(kind=AppointmentKind.TREATMENT).first()
    now = datetime.now(UTC)
    slot = free_slots(appointment_type=treatment, after=now + timedelta(days=7), therapist=therapist, count=1)[0]
    clients = list(Client.objects.order_by("id")[:50])
    barrier = threading.Barrier(50)
    outcomes, lock = [], threading.Lock()

    def attempt(client):
        try:
            barrier.wait()
            appointment_book(
                client=client, therapist=therapist, appointment_type=treatment, starts_at=slot.starts_at, now=now
            )
            result = "booked"
        except ConflictError:
            result = "clash (409)"
        except Exception as exc:  # noqa: BLE001 - reported, not hidden
            result = f"error: {type(exc).__name__}: {exc}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    started = time.perf_counter()
    threads = [threading.Thread(target=attempt, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = (time.perf_counter() - started) * 1000
    booked = Appointment.objects.filter(therapist=therapist, starts_at=slot.starts_at, status="BOOKED")
    summary = {o: outcomes.count(o) for o in sorted(set(outcomes))}
    count = booked.count()
    print("\nBooking race (50 threads, own connections, appointment_book, same slot)")
    print(f"  slot {slot.starts_at:%Y-%m-%d %H:%M} UTC: {summary} in {elapsed:.0f} ms")
    print(f"  appointments in the database for that slot: {count}  {'OK: exactly one' if count == 1 else 'FAIL'}")
    Appointment.objects.filter(pk__in=list(booked.values_list("pk", flat=True))).delete()  # keep reruns identical


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="drop and rebuild the benchmark database")
    args = parser.parse_args()
    ensure_database(args.fresh)
    configure_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    seed()
    bench_calendar()
    bench_slots()
    bench_race()


if __name__ == "__main__":
    main()
