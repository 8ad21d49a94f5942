"""Reusable set-up for prescribing from a gait session (unit, page and browser tests, and flows
that go on to the report): a session whose findings show the textbook triad on the LEFT leg
(left knee moves in, right side of the pelvis drops, left foot turns out) and a heavy heel
landing at a measured cadence, reviewed by the therapist, with the reasoning's suggestions
confirmed. Everything goes through the real services; the videos are analysed in-process by the
real engine with a synthetic runner as the landmark source (no MediaPipe)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from clients.models import ConsentPurpose
from clients.services import consent_record
from exercises.library_data import seed_builtin_library
from exercises.models import Exercise, RetrainingCue
from gait import analysis, services
from gait.models import ClinicalSuggestion, Finding, GaitSession, Review
from tests.gait_sessions.conftest import as_upload, make_clip, synthetic_landmarks


def seed_library() -> None:
    """The built-in exercise library. The data migration seeds it, but a transactional test
    (e.g. a browser test) empties every table when it ends, so seed again (idempotent)."""
    seed_builtin_library(Exercise, RetrainingCue)


TRIAD_LEFT = {"knee_valgus": {"left": 16.0}, "foot_turn_out": {"left": 22.0}, "pelvic_drop": {"right": 10.0}}
HEAVY_HEEL = {"overstride": 18.0, "heel_strike": 22.0}


def new_session(*, client, therapist, now: datetime, **fields) -> GaitSession:
    consent_record(client=client, purpose=ConsentPurpose.VIDEO, granted=True, recorded_by=therapist, now=now)
    return services.session_create(
        client=client,
        therapist=therapist,
        created_by=therapist,
        date=now.date(),
        treadmill_speed_kmh=11,
        footwear="SHOES",
        **fields,
    )


def analysed_video(
    *,
    session: GaitSession,
    therapist,
    now: datetime,
    folder: Path,
    view: str,
    seed: int,
    cadence: float = 170.0,
    **deviations,
):
    """A clip uploaded to the session's baseline trial and analysed by the engine; the landmarks
    are a synthetic runner at `cadence` with the given deviations."""
    trial = session.trials.filter(kind="BASELINE").first() or services.trial_create(
        session=session, kind="BASELINE", label="Baseline", by=therapist
    )
    clip = make_clip(folder / f"{view}-{seed}.mp4", seconds=4.0, seed=seed)
    video = services.video_upload(trial=trial, upload=as_upload(clip), view=view, uploaded_by=therapist, now=now)
    source = synthetic_landmarks(view=view, cadence=cadence, **deviations)
    assert analysis.analyse_video(video.pk, landmark_source=source) == "done"
    video.refresh_from_db()
    return video


def record_triad(*, session: GaitSession, therapist, now: datetime, leg: str = "left") -> list[Finding]:
    """The triad as findings the therapist records (quicker than a rear-view analysis)."""
    other = {"left": "right", "right": "left"}[leg]
    return [
        services.finding_add(
            session=session, code=code, side=side, severity="moderate", summary="", by=therapist, now=now
        )
        for code, side in (("knee_valgus", leg), ("pelvic_drop", other), ("foot_turn_out", leg))
    ]


def review_all(*, session: GaitSession, therapist, now: datetime, action: str = "accept") -> None:
    for finding in Finding.objects.filter(session=session, review=Review.PENDING):
        services.finding_review(finding=finding, action=action, by=therapist, now=now)


def decide(
    *, session: GaitSession, code: str, therapist, now: datetime, decision: str = "confirm", side: str = ""
) -> ClinicalSuggestion:
    suggestion = ClinicalSuggestion.objects.get(session=session, code=code, side=side, current=True)
    return services.suggestion_decide(suggestion=suggestion, decision=decision, by=therapist, now=now)


def assessed_session(*, client, therapist, now: datetime, folder: Path, cadence: float = 160.0) -> GaitSession:
    """The full picture: a rear-view video showing the left triad and a side-view video with a
    heavy heel landing at `cadence` steps/min, every finding accepted, and the weak left gluteus
    medius and low-cadence suggestions confirmed."""
    session = new_session(client=client, therapist=therapist, now=now)
    analysed_video(
        session=session, therapist=therapist, now=now, folder=folder, view="rear", seed=1, cadence=cadence, **TRIAD_LEFT
    )
    analysed_video(
        session=session, therapist=therapist, now=now, folder=folder, view="side", seed=2, cadence=cadence, **HEAVY_HEEL
    )
    review_all(session=session, therapist=therapist, now=now)
    decide(session=session, code="weak_gluteus_medius", side="left", therapist=therapist, now=now)
    decide(session=session, code="low_cadence", therapist=therapist, now=now)
    return session


# In a real browser (the `page` fixture), for tests that go on from the issued programme --------
def prescribe_in_browser(page, session: GaitSession):
    """From the session page: "Prescribe exercises", then "Start the draft" with the page's
    defaults. Leaves the page on the draft editor and returns the draft."""
    from exercises.models import Programme

    page.goto(f"/gait/sessions/{session.pk}/")
    page.get_by_role("link", name="Prescribe exercises").click()
    page.get_by_role("heading", name="Prescribe exercises").wait_for()
    page.get_by_role("button", name="Start the draft").click()
    page.wait_for_url("**/exercises/programmes/*/")
    page.locator("#draft-form").wait_for()
    return Programme.objects.filter(client=session.client_id).latest("id")


def issue_in_browser(page, *, exercise: str | None = None, sets: str | None = None, load: str | None = None):
    """On the draft editor: optionally change the sets and load of one exercise (by name; the
    first line without one), then "Save and issue" (accepting the confirmation). Leaves the page
    on the issued version."""
    lines = page.locator("fieldset.line")
    line = lines.filter(has_text=exercise).first if exercise else lines.first
    if sets is not None:
        line.get_by_label("Sets", exact=True).fill(sets)
    if load is not None:
        line.get_by_label("Load", exact=True).fill(load)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Save and issue").click()
    page.locator(".issued-line").first.wait_for()
