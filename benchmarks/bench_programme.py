"""Programme suggestion benchmark: `.venv/bin/python benchmarks/bench_programme.py`.

Uses its own PostgreSQL database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/stridewell_bench_programme; created and migrated on first run),
a client with a care plan and 20 issued programme versions of history. Prints medians over RUNS:

* `suggest_programme()` for a typical assessment (four focus areas, two of them sided, cadence);
* the programme page: GET of the client's programmes page (the focus form), POST of the form that
  builds the suggested draft (suggestion + draft saved, redirect), and GET of the draft editor,
  each through Django's test Client as a therapist, with query counts;
* prescribing from a gait session (the left triad and a heavy heel landing recorded and accepted,
  weak left gluteus medius and low cadence confirmed): `programme_focus()`, GET of the prescribe
  page, POST of it (focus -> suggestion -> draft saved, redirect) and GET of the draft it opens.

Goal: the page suggests a programme in under 200 ms. The machine may be shared: `uptime` is printed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import configure_django, ensure_database, report, timed  # noqa: E402

DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/stridewell_bench_programme")
RUNS = 30
FOCUS = [
    {"code": "weak_gluteus_medius", "side": "left"},
    {"code": "knee_valgus", "side": "left"},
    {"code": "low_cadence"},
    {"code": "arm_crossover"},
]








def seed():
    from django.contrib.auth.models import Group

    from accounts.models import User
    from accounts.roles import THERAPIST
    from careplans.models import CarePlan
    from clients.models import Client
    from exercises import services
    from exercises.suggestions import suggest_programme

    therapist, created = User.objects.get_or_create(username="bench-programme-therapist",
                                                    defaults={"first_name": "Bench", "last_name": "Therapist"})
    therapist.groups.add(Group.objects.get(name=THERAPIST))
    client, _ = Client.objects.get_or_create(first_name="Bench", last_name="Runner", email="runner@example.com")
    if created:
        CarePlan.objects.create(client=client, therapist=therapist, start_date=date(2026, 1, 5),
                                reassessment_interval_weeks=6, next_reassessment_due=date(2027, 1, 11))
        for _ in range(20):
            draft = services.programme_create_draft(
                client=client, therapist=therapist, start_date=date(2026, 1, 5), measured_cadence=162,
                suggestion=suggest_programme(focus=FOCUS, measured_cadence=162))
            services.programme_issue(programme=draft, issued_by=therapist, now=datetime.now(UTC))
    return therapist, client


def seed_session(therapist, client):
    """A gait session whose findings were recorded and accepted by the therapist (no video: the
    cadence then comes from the form), with its two suggestions confirmed."""
    from gait import services
    from gait.models import ClinicalSuggestion, GaitSession

    session = GaitSession.objects.filter(client=client).first()
    if session:
        return session
    now = datetime.now(UTC)
    session = services.session_create(client=client, therapist=therapist, created_by=therapist, date=now.date(),
                                       treadmill_speed_kmh=11)
    for code, side in (("knee_valgus", "left"), ("pelvic_drop", "right"), ("foot_turn_out", "left"),
                       ("overstride", ""), ("heel_strike", "")):
        services.finding_add(session=session, code=code, side=side, severity="moderate", summary="", by=therapist,
                             now=now)
    for suggestion in ClinicalSuggestion.objects.filter(session=session, current=True):
        services.suggestion_decide(suggestion=suggestion, decision="confirm", by=therapist, now=now)
    return session








def main() -> None:
    ensure_database(DB_URL)
    configure_django(DB_URL)
    from django.test import Client as HttpClient

    from exercises.models import Programme
    from exercises.suggestions import suggest_programme

    therapist, client = seed()
    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    report("suggest_programme (4 focus areas, cadence)",
           [timed(lambda: suggest_programme(focus=FOCUS, measured_cadence=162)) for _ in range(RUNS)])

    http = HttpClient()
    http.force_login(therapist)
    page_url = f"/exercises/clients/{client.pk}/programmes/"
    form = {"focus_weak_gluteus_medius": "on", "side_weak_gluteus_medius": "left", "focus_knee_valgus": "on",
            "side_knee_valgus": "left", "focus_low_cadence": "on", "focus_arm_crossover": "on",
            "measured_cadence": "162", "start_date": "2026-12-02"}

    def get_page():
        assert http.get(page_url).status_code == 200

    drafts = []

    def post_form():
        response = http.post(page_url, form)
        assert response.status_code == 302, response.status_code
        drafts.append(response["Location"])

    report("GET programmes page (focus form)", [timed(get_page) for _ in range(RUNS)])
    report("POST focus form -> suggested draft saved", [timed(post_form) for _ in range(RUNS)])
    report("GET draft editor (suggested lines)",
           [timed(lambda url=url: http.get(url)) for url in drafts])
    Programme.objects.filter(client=client, status="DRAFT").delete()

    from gait.selectors import programme_focus, session_get

    session = seed_session(therapist, client)
    report("programme_focus (session -> focus)",
           [timed(lambda: programme_focus(session_get(session_id=session.pk))) for _ in range(RUNS)])
    prescribe_url = f"/gait/sessions/{session.pk}/prescribe/"
    prescribe_form = {"start_date": datetime.now(UTC).date().isoformat(), "measured_cadence": "162"}
    for item in programme_focus(session):
        prescribe_form[f"focus_{item['code']}_{item['side'] or 'both'}"] = "on"
    prescribed = []

    def get_prescribe():
        assert http.get(prescribe_url).status_code == 200

    def post_prescribe():
        response = http.post(prescribe_url, prescribe_form)
        assert response.status_code == 302, response.status_code
        prescribed.append(response["Location"])

    report("GET prescribe-from-session page", [timed(get_prescribe) for _ in range(RUNS)])
    posts, editors = [], []
    for _ in range(RUNS):  # a second prescription within seconds reopens the first draft: start clean
        Programme.objects.filter(client=client, status="DRAFT").delete()
        posts.append(timed(post_prescribe))
        editors.append(timed(lambda: http.get(prescribed[-1])))
    report("POST prescribe -> suggested draft saved", posts)
    report("GET draft editor (prescribed lines)", editors)
    report("prescribe: POST + draft editor (sum)",
           [(a[0] + b[0], a[1] + b[1], a[2] + b[2]) for a, b in zip(posts, editors, strict=True)])
    Programme.objects.filter(client=client, status="DRAFT").delete()


if __name__ == "__main__":
    main()
