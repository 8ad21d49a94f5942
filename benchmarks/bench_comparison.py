"""Comparison and gait timeline benchmark: `.venv/bin/python benchmarks/bench_comparison.py`.

Uses its own PostgreSQL database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/stridewell_bench_comparison; created and migrated on first run)
and a client with 12 gait sessions, six weeks apart, each with a baseline and a cued run filmed
from the side and from behind (48 analysed videos whose reports the engine made from synthetic
runners of 10 s at 60 fps, so reports have their real size). Prints medians over RUNS requests
through Django's test Client as a therapist, with this process's CPU time and the query count:

* the comparison page of today's baseline and cued runs, and of today against the first session;
* the API answer for the same comparison;
* the client's gait timeline (trend charts drawn by matplotlib): the first request (charts not
  cached) and then cached.

Goal: the comparison page in under 300 ms with 12 sessions. The machine may be shared: `uptime`
is printed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import configure_django, ensure_database, report, timed  # noqa: E402

DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/stridewell_bench_comparison")
RUNS = 30
SESSIONS = 12
GOAL_MS = 300








def _report(view: str, seed: int, **deviations) -> dict:
    from gait.engine import synthetic
    from gait.engine.analyze import analyze

    series = synthetic.generate(view=view, fps=60, duration=10, width=720, height=1280, body_height_px=1000,
                                noise_px=1.5, seed=seed, **deviations)  # fmt: skip
    return {key: value for key, value in analyze(series, view=view).items() if key != "findings"}


def seed():
    from django.contrib.auth.models import Group

    from accounts.models import User
    from accounts.roles import THERAPIST
    from clients.models import Client
    from gait.models import GaitSession, GaitVideo, Trial, VideoStatus

    therapist, _ = User.objects.get_or_create(username="bench-comparison-therapist",
                                              defaults={"first_name": "Bench", "last_name": "Therapist"})  # fmt: skip
    therapist.groups.add(Group.objects.get(name=THERAPIST))
    client, created = Client.objects.get_or_create(first_name="Bench", last_name="Comparer",
                                                   email="comparer@example.com")  # fmt: skip
    if created or not GaitSession.objects.filter(client=client).exists():
        now = datetime.now(UTC)
        reports = {  # the engine is slow-ish: a few distinct runners, reused across sessions
            (view, kind): _report(view, seed, overstride=18 if kind == "BASELINE" else 8, pelvic_drop=7.0)
            for seed, (view, kind) in enumerate(
                (v, k) for v in ("side", "rear") for k in ("BASELINE", "WITH_CUES")
            )
        }  # fmt: skip
        for i in range(SESSIONS):
            session = GaitSession.objects.create(
                client=client, therapist=therapist, date=date(2026, 12, 1) - timedelta(weeks=6 * (SESSIONS - 1 - i)),
                treadmill_speed_kmh=11, height_cm=176,
            )  # fmt: skip
            for kind, label in (("BASELINE", "Baseline"), ("WITH_CUES", "With cues")):
                trial = Trial.objects.create(session=session, kind=kind, label=label, cues="run quietly")
                for view in ("side", "rear"):
                    body = reports[view, kind]
                    GaitVideo.objects.create(
                        trial=trial, client=client, view=view, uploaded_by=therapist, uploaded_at=now,
                        original=f"gait/client-{client.pk}/bench-{trial.pk}-{view}/original.mp4",
                        original_name=f"{view}.mp4", size_bytes=50_000_000, duration_s=10.0, fps=60.0, width=720,
                        height=1280, codec="h264", status=VideoStatus.DONE, queued_at=now, finished_at=now,
                        report=body, detected_view=view,
                    )  # fmt: skip
    sessions = list(GaitSession.objects.filter(client=client).order_by("date", "id").prefetch_related("trials"))
    first = sessions[0].trials.get(kind="BASELINE")
    baseline, cues = (sessions[-1].trials.get(kind=k) for k in ("BASELINE", "WITH_CUES"))
    return therapist, client, first, baseline, cues








def main() -> None:
    ensure_database(DB_URL)
    configure_django(DB_URL)
    from django.core.cache import cache
    from django.test import Client as HttpClient

    therapist, client, first, baseline, cues = seed()
    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    print(f"client with {SESSIONS} sessions, 2 runs each, side and rear videos analysed")
    http = HttpClient()
    http.force_login(therapist)

    def get(url):
        def run():
            response = http.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return run

    compare_cues = f"/gait/compare/?a={baseline.pk}&b={cues.pk}"
    compare_first = f"/gait/compare/?a={first.pk}&b={baseline.pk}"
    get(compare_cues)()  # warm up templates and URL resolvers
    medians = [
        report("GET comparison page (baseline vs cues, today)", [timed(get(compare_cues)) for _ in range(RUNS)]),
        report("GET comparison page (first session vs today)", [timed(get(compare_first)) for _ in range(RUNS)]),
    ]
    report("GET /api/gait-comparisons/ (baseline vs cues)",
           [timed(get(f"/api/gait-comparisons/?a={baseline.pk}&b={cues.pk}")) for _ in range(RUNS)])  # fmt: skip
    timeline = f"/gait/clients/{client.pk}/timeline/"

    def cold():
        cache.clear()
        get(timeline)()

    report("GET gait timeline, charts drawn (cache cleared)", [timed(cold) for _ in range(max(5, RUNS // 3))])
    report("GET gait timeline, charts cached", [timed(get(timeline)) for _ in range(RUNS)])
    worst = max(medians)
    print(
        f"comparison page goal < {GOAL_MS} ms: {'met' if worst < GOAL_MS else 'NOT met'} (worst median {worst:.1f} ms)"
    )


if __name__ == "__main__":
    main()
