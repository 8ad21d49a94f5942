"""Demo gait data for Priya Shah: two signed-off rear-view sessions six weeks apart, analysed
in-process from small generated clips whose landmarks come from the synthetic runner (no
MediaPipe, no person on camera), and a home programme issued from the second session.

The clip is a moving box; only its length, size and frame rate matter, because the landmarks are
the synthetic runner's. The first session shows the textbook weak-left-gluteus-medius triad
(left knee in, right side of the pelvis drops, left foot out), the second a milder one.
"""

from __future__ import annotations

import tempfile
from datetime import date, datetime, time, timedelta
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from django.core.files.uploadedfile import SimpleUploadedFile

from careplans.models import CarePlan
from core.clinic_time import clinic_tz
from exercises.services import programme_issue
from gait import analysis, services
from gait.engine import synthetic
from gait.engine.video import probe
from gait.models import GaitSession
from gait.selectors import programme_focus, session_cadence

SYNTHETIC_NOTE = "Demo: synthetic runner, not a real person."
HEIGHT_CM = 168
CLIP_SECONDS = 6.0
CLIP_FPS = 60
CLIP_SIZE = (320, 240)

# Injected sizes, deg (engine thresholds: knee 10, pelvic drop 6, foot turn-out 15).
TRIAD = {"knee_valgus": {"left": 16.0}, "pelvic_drop": {"right": 10.0}, "foot_turn_out": {"left": 25.0}}
MILDER = {"knee_valgus": {"left": 12.0}, "pelvic_drop": {"right": 7.5}, "foot_turn_out": {"left": 18.0}}
WITH_CUES = {"knee_valgus": {"left": 7.0}, "pelvic_drop": {"right": 4.0}, "foot_turn_out": {"left": 12.0}}


def demo_gait_seed(*, client, therapist, today: date) -> bool:
    """Priya's two gait sessions and her programme, unless she already has gait sessions.
    Returns whether anything was added."""
    if GaitSession.objects.filter(client=client).exists():
        return False
    care_plan = CarePlan.objects.filter(client=client).order_by("-start_date").first()
    with tempfile.TemporaryDirectory(prefix="stridewell-demo-") as tmp:
        clips = Path(tmp)
        _session(
            client=client,
            therapist=therapist,
            care_plan=care_plan,
            day=today - timedelta(weeks=6),
            clips=clips,
            baseline=TRIAD,
            with_cues=WITH_CUES,
            seed=1,
            notes="Lateral left hip pain after 5 km.",
        )
        second = _session(
            client=client,
            therapist=therapist,
            care_plan=care_plan,
            day=today - timedelta(days=1),
            clips=clips,
            baseline=MILDER,
            with_cues=None,
            seed=3,
            notes="Reassessment: hip pain only after 8 km now.",
        )
    _programme(session=second, therapist=therapist, today=today)
    return True


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=clinic_tz())


def _session(
    *,
    client,
    therapist,
    care_plan,
    day: date,
    clips: Path,
    baseline: dict,
    with_cues: dict | None,
    seed: int,
    notes: str,
) -> GaitSession:
    session = services.session_create(
        client=client,
        therapist=therapist,
        created_by=therapist,
        date=day,
        care_plan=care_plan,
        treadmill_speed_kmh=10,
        height_cm=HEIGHT_CM,
        footwear="SHOES",
        pain_today=3 if with_cues else 1,
        notes=f"{notes} {SYNTHETIC_NOTE}",
    )
    runs = [("BASELINE", "Baseline (demo: synthetic runner)", "", baseline)]
    if with_cues:
        runs.append(("WITH_CUES", "Knees apart (demo: synthetic runner)", "knees apart, run tall", with_cues))
    for offset, (kind, label, cues, deviations) in enumerate(runs):
        trial = services.trial_create(session=session, kind=kind, label=label, cues=cues, by=therapist)
        clip = _make_clip(clips / f"{day.isoformat()}-{kind.lower()}.mp4", seed=seed + offset)
        video = services.video_upload(
            trial=trial, upload=_upload(clip), view="rear", uploaded_by=therapist, now=_at(day, 10, 5 * offset)
        )
        outcome = analysis.analyse_video(video.pk, landmark_source=_runner(**deviations))
        if outcome != "done":
            video.refresh_from_db()
            raise RuntimeError(f"Demo video analysis {outcome}: {video.error or video.stage}")
    reviewed = _at(day, 10, 30)
    for finding in session.findings.filter(review="PENDING"):
        services.finding_review(finding=finding, action="accept", by=therapist, now=reviewed)
    suggestion = session.suggestions.get(code="weak_gluteus_medius", side="left")
    services.suggestion_decide(
        suggestion=suggestion,
        decision="confirm",
        by=therapist,
        now=reviewed,
        note="Matches the hip abduction weakness found on testing.",
    )
    return services.session_sign_off(session=session, by=therapist, now=_at(day, 10, 45))


def _programme(*, session: GaitSession, therapist, today: date) -> None:
    cadence = session_cadence(session)
    draft, _created = services.programme_prescribe(
        session=session,
        focus=programme_focus(session),
        therapist=therapist,
        start_date=today - timedelta(days=1),
        review_date=today + timedelta(weeks=5),
        measured_cadence=round(cadence) if cadence else None,
        now=_at(session.date, 11),
    )
    programme_issue(programme=draft, issued_by=therapist, now=_at(session.date, 11, 5))


def _runner(**deviations):
    """A landmark source for gait.analysis.analyse_video: a rear-view synthetic runner as long as the clip."""

    def source(path, job):
        info = probe(path)
        return synthetic.generate(
            view="rear",
            fps=info.fps,
            duration=info.duration_s,
            width=info.width,
            height=info.height,
            body_height_px=info.height * 0.8,
            **deviations,
        )

    return source


def _make_clip(path: Path, *, seed: int) -> Path:
    """A small H.264 clip of a moving box (no person in it); `seed` varies the bytes so no two
    demo clips are refused as duplicates."""
    width, height = CLIP_SIZE
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=Fraction(CLIP_FPS))
        stream.width, stream.height = width, height
        stream.pix_fmt = "yuv420p"
        for i in range(int(CLIP_SECONDS * CLIP_FPS)):
            rgb = np.full((height, width, 3), 40 + seed * 20 % 200, dtype=np.uint8)
            x = (i * 3) % (width - 40)
            rgb[100:140, x : x + 40] = (200, 60, 60)
            container.mux(stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")))
        container.mux(stream.encode())
    return path


def _upload(path: Path) -> SimpleUploadedFile:
    """The clip as an in-memory upload (a few tens of kB), so no temporary file is left behind."""
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type="video/mp4")
