"""Sessions set up through the real services, for page and browser tests to build on.

    seeded = triad_session(therapist=tess, client=cal, clips=tmp_path, videos=True)

The lead's longer browser flow (confirm a suggestion, then compare the baseline and the cued run)
starts from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from clients.models import ConsentPurpose
from clients.services import consent_record
from gait import analysis, services
from gait.models import ClinicalSuggestion, GaitSession, GaitVideo, Trial

from .conftest import NOW, TODAY, as_upload, make_clip, synthetic_landmarks

TRIAD_LEFT = (("knee_valgus", "left"), ("pelvic_drop", "right"), ("foot_turn_out", "left"))


@dataclass
class TriadSession:
    session: GaitSession
    baseline: Trial
    cued: Trial | None
    baseline_video: GaitVideo | None
    cued_video: GaitVideo | None

    @property
    def suggestion(self) -> ClinicalSuggestion:
        """The weak left gluteus medius suggestion the triad gives."""
        return self.session.suggestions.get(code="weak_gluteus_medius", side="left")


def analysed_video(trial, therapist, clip: Path, **deviations) -> GaitVideo:
    """A video analysed in-process, its landmarks from a synthetic runner (no MediaPipe: fast)."""
    video = services.video_upload(trial=trial, upload=as_upload(clip), view="side", uploaded_by=therapist, now=NOW)
    assert analysis.analyse_video(video.pk, landmark_source=synthetic_landmarks(**deviations)) == "done"
    video.refresh_from_db()
    return video


def triad_session(
    *, therapist, client, clips: Path | None = None, videos: bool = False, height_cm=None, hip_grade_left=4
) -> TriadSession:
    """A session at 11 km/h in which the therapist recorded the textbook weak-left-gluteus-medius
    triad (left knee in, right side of the pelvis drops, left foot out) and a left hip abduction
    grade (4/5 raises the suggestion to "strong"). With `videos` (and a `clips` folder), a baseline
    run analysed as an overstriding runner and a run with cues analysed as one who does not
    (the engine's findings of the baseline are accepted, so the session can be signed off)."""
    consent_record(client=client, purpose=ConsentPurpose.VIDEO, granted=True, recorded_by=therapist, now=NOW)
    session = services.session_create(client=client, therapist=therapist, created_by=therapist, date=TODAY,
                                      treadmill_speed_kmh=11, height_cm=height_cm, footwear="SHOES", pain_today=3,
                                      notes="Lateral left hip pain after 5 km.")  # fmt: skip
    baseline = services.trial_create(session=session, kind="BASELINE", label="Baseline", by=therapist)
    cued = baseline_video = cued_video = None
    if videos:
        assert clips is not None, "videos need a folder for the clips"
        cued = services.trial_create(session=session, kind="WITH_CUES", label="Run quietly", cues="run quietly",
                                     by=therapist)  # fmt: skip
        baseline_video = analysed_video(baseline, therapist, make_clip(clips / "baseline.mp4", seed=1), overstride=18)
        cued_video = analysed_video(cued, therapist, make_clip(clips / "cued.mp4", seed=2))
        for finding in session.findings.filter(review="PENDING"):
            services.finding_review(finding=finding, action="accept", by=therapist, now=NOW)
    for code, side in TRIAD_LEFT:
        services.finding_add(session=session, code=code, side=side, severity="moderate", summary="Seen on the video.",
                             by=therapist, now=NOW)  # fmt: skip
    if hip_grade_left is not None:
        services.clinical_test_record(session=session, kind="HIP_ABDUCTION_STRENGTH", side="LEFT",
                                      strength_grade=hip_grade_left, by=therapist, now=NOW)  # fmt: skip
    session.refresh_from_db()
    return TriadSession(session, baseline, cued, baseline_video, cued_video)
