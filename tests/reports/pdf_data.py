"""Test data for the PDF report (plain ORM and the apps' services, so the benchmark can use it
too): signed-off gait sessions with analysed videos, reviewed findings with small generated JPEG
key frames stored through the default storage, confirmed suggestions, an issued programme and a
care plan with its next reassessment."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from careplans.models import CarePlan
from exercises import services as programme_services
from exercises.library_data import seed_builtin_library
from exercises.models import Exercise, RetrainingCue
from gait import services as gait_services
from gait.models import ClinicalSuggestion, Finding, GaitVideo, SuggestionStatus, TrialKind

TZ = ZoneInfo("Europe/London")
FIRST_DAY = date(2026, 1, 5)
TZ_NOW = datetime(2026, 3, 2, 12, 0, tzinfo=TZ)

# The engine's finding codes with the metric each comes from, a side and a start value.
FINDINGS = [
    ("knee_valgus", "left", 14.0),
    ("pelvic_drop", "right", 9.0),
    ("foot_turn_out", "left", 22.0),
    ("arm_crossover", "right", 30.0),
    ("trunk_lean", "", 16.0),
    ("overstride", "left", 12.0),
    ("heel_strike", "", 25.0),
]
UNITS = {
    "knee_valgus": "deg",
    "pelvic_drop": "deg",
    "foot_turn_out": "deg",
    "arm_crossover": "% shoulder width",
    "trunk_lean": "deg",
    "overstride": "deg",
    "heel_strike": "deg",
    "cadence": "steps/min",
}
EXERCISES = [
    "clamshell",
    "side-lying-hip-abduction",
    "single-leg-bridge",
    "lateral-band-walk",
    "hip-hike",
    "calf-raise",
    "split-squat",
    "dead-bug",
]


def jpeg(width=1280, height=720, label="frame", shade=90) -> bytes:
    """A small generated key frame: a grey field with a stick runner and a label."""
    image = Image.new("RGB", (width, height), (shade, shade, shade))
    draw = ImageDraw.Draw(image)
    x = width // 2
    draw.ellipse((x - 30, 80, x + 30, 140), outline=(255, 255, 255), width=6)
    draw.line((x, 140, x, 380, x - 80, 560, x - 60, 680), fill=(255, 255, 255), width=10)
    draw.line((x, 380, x + 90, 540, x + 40, 680), fill=(255, 255, 255), width=10)
    draw.text((20, 20), label, fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def _metrics(n: int, findings) -> dict:
    """Per-session metric values: each finding's value improves a little per session."""
    block = {"cadence": {"left": 160.0 + 2 * n, "right": 161.0 + 2 * n, "unit": "steps/min"}}
    for code, side, start in findings:
        value = max(1.0, start - 1.5 * n)
        other = value * 0.6
        block[code] = {
            "left": value if side in ("left", "") else other,
            "right": value if side in ("right", "") else other,
            "unit": UNITS[code],
        }
    return block


def _video(trial, client, therapist, view, metrics, at) -> GaitVideo:
    return GaitVideo.objects.create(
        trial=trial,
        client=client,
        view=view,
        uploaded_by=therapist,
        uploaded_at=at,
        queued_at=at,
        original=f"gait/client-{client.pk}/test/original.mp4",
        original_name="run.mp4",
        size_bytes=1000,
        duration_s=10.0,
        fps=60.0,
        width=1280,
        height=720,
        codec="h264",
        status="DONE",
        detected_view=view,
        report={"metrics": metrics, "cadence_spm": metrics["cadence"]["left"]},
    )


def add_session(
    client,
    therapist,
    *,
    n: int,
    day: date,
    findings=FINDINGS,
    keyframes=True,
    cued=False,
    suggestions=("weak_gluteus_medius", "low_cadence"),
    edited: dict | None = None,
    sign_off=True,
):
    """One assessment: a baseline trial (rear and side videos), its findings, optionally a cued
    trial with one finding left, confirmed suggestions; signed off."""
    at = datetime.combine(day, datetime.min.time(), tzinfo=TZ) + timedelta(hours=10)
    session = gait_services.session_create(
        client=client,
        therapist=therapist,
        created_by=therapist,
        date=day,
        treadmill_speed_kmh=11,
        pain_today=max(0, 5 - n),
        height_cm=175,
    )
    baseline = gait_services.trial_create(session=session, kind=TrialKind.BASELINE, label="Baseline", by=therapist)
    metrics = _metrics(n, findings)
    video = _video(baseline, client, therapist, "rear", metrics, at)
    _video(baseline, client, therapist, "side", {"cadence": metrics["cadence"]}, at)
    for code, side, _ in findings:
        edited_text = (edited or {}).get(code, "")
        finding = Finding.objects.create(
            session=session,
            video=video,
            source="ENGINE",
            code=code,
            side=side,
            value=metrics[code]["left" if side != "right" else "right"],
            unit=UNITS[code],
            severity="moderate",
            summary="engine summary",
            review="EDITED" if edited_text else "ACCEPTED",
            therapist_summary=edited_text,
            reviewed_by=therapist,
            reviewed_at=at,
        )
        if keyframes:
            finding.keyframe.save(f"{code}-{side or 'both'}.jpg", ContentFile(jpeg(label=f"{code} {n}")), save=True)
    if cued:
        cued_trial = gait_services.trial_create(
            session=session, kind=TrialKind.WITH_CUES, label="With cues", cues="Run quietly", by=therapist
        )
        cued_video = _video(cued_trial, client, therapist, "rear", _metrics(n + 4, findings), at)
        code, side, _ = findings[0]
        finding = Finding.objects.create(
            session=session,
            video=cued_video,
            source="ENGINE",
            code=code,
            side=side,
            value=5.0,
            unit=UNITS[code],
            severity="mild",
            review="ACCEPTED",
            reviewed_by=therapist,
            reviewed_at=at,
        )
        if keyframes:
            finding.keyframe.save("cued.jpg", ContentFile(jpeg(label="cued", shade=60)), save=True)
    for code in suggestions:
        ClinicalSuggestion.objects.create(
            session=session,
            code=code,
            side="left" if code == "weak_gluteus_medius" else "",
            strength="likely",
            score=2,
            title=code,
            rationale="",
            status=SuggestionStatus.CONFIRMED,
            decided_by=therapist,
            decided_at=at,
        )
    if sign_off:
        gait_services.session_sign_off(session=session, by=therapist, now=at + timedelta(hours=1))
    return session


def add_programme(client, therapist, *, start: date, review: date | None, exercises=EXERCISES, cues=("run-quietly",)):
    seed_builtin_library(Exercise, RetrainingCue)
    draft = programme_services.programme_create_draft(
        client=client,
        therapist=therapist,
        start_date=start,
        review_date=review,
        measured_cadence=164,
        notes="Do these on days you do not run hard.",
    )
    for slug in exercises:
        programme_services.programme_add_exercise(programme=draft, exercise=Exercise.objects.get(slug=slug))
    for slug in cues:
        cue = RetrainingCue.objects.filter(slug=slug).first() or RetrainingCue.objects.first()
        programme_services.programme_add_cue(programme=draft, cue=cue)
    return programme_services.programme_issue(
        programme=draft, issued_by=therapist, now=datetime.combine(start, datetime.min.time(), tzinfo=TZ)
    )


def add_care_plan(client, therapist, *, start: date, due: date) -> CarePlan:
    return CarePlan.objects.create(
        client=client,
        therapist=therapist,
        start_date=start,
        reassessment_interval_weeks=6,
        next_reassessment_due=due,
        created_by=therapist,
    )


def build_history(
    client,
    therapist,
    *,
    sessions=6,
    findings=FINDINGS,
    keyframes=True,
    cued=True,
    exercises=EXERCISES,
    first_day=FIRST_DAY,
    edited=None,
):
    """`sessions` signed-off assessments two weeks apart, the last with a cued trial; an issued
    programme and an active care plan. Returns (last session, programme, due date)."""
    session = None
    for n in range(sessions):
        day = first_day + timedelta(days=14 * n)
        session = add_session(
            client,
            therapist,
            n=n,
            day=day,
            findings=findings,
            keyframes=keyframes,
            cued=cued and n == sessions - 1,
            edited=edited if n == sessions - 1 else None,
        )
    due = session.date + timedelta(weeks=6)
    programme = add_programme(client, therapist, start=session.date, review=due, exercises=exercises)
    add_care_plan(client, therapist, start=first_day, due=due)
    return session, programme, due
