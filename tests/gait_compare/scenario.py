"""A client with gait sessions whose videos are really analysed in-process (the engine on a
synthetic runner's landmarks, over small generated clips the browser can play). Reused by the
browser test and the page tests; a step can be put in front of the browser test's flow (e.g.
confirming a suggestion on the session page) because setting up and walking through are apart."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from clients.models import ConsentPurpose
from clients.services import consent_record
from gait import analysis, services
from gait.models import GaitSession, GaitVideo, Trial
from tests.factories import ClientFactory
from tests.gait_sessions.conftest import NOW, TODAY, as_upload, make_clip, synthetic_landmarks

CLIP_SECONDS = 4.0


@dataclass
class Scenario:
    client: object
    therapist: object
    sessions: list[GaitSession] = field(default_factory=list)  # oldest first
    trials: dict[str, Trial] = field(default_factory=dict)  # "first", "baseline", "cues"

    @property
    def current(self) -> GaitSession:
        return self.sessions[-1]


def analysed_video(trial: Trial, therapist, folder: Path, seed: int, view: str = "side", **deviations) -> GaitVideo:
    """Upload a generated clip to the trial and analyse it in-process (engine, overlay, key frames)
    with a synthetic runner of these deviations as its landmarks."""
    clip = make_clip(folder / f"clip-{seed}.mp4", seconds=CLIP_SECONDS, fps=60, seed=seed)
    video = services.video_upload(trial=trial, upload=as_upload(clip), view=view, uploaded_by=therapist, now=NOW)
    assert analysis.analyse_video(video.pk, landmark_source=synthetic_landmarks(view=view, **deviations)) == "done"
    video.refresh_from_db()
    return video


def build_client_with_sessions(therapist, folder: Path, *, earlier_sessions: int = 1) -> Scenario:
    """A client with `earlier_sessions` six-weekly sessions (a baseline side video each) and
    today's session with a baseline run (overstriding, heel first) and a cued run (shorter stride,
    flatter foot, higher cadence)."""
    client = ClientFactory(first_name="Bea", last_name="Fore")
    consent_record(client=client, purpose=ConsentPurpose.VIDEO, granted=True, recorded_by=therapist, now=NOW)
    scenario = Scenario(client=client, therapist=therapist)
    seed = 10
    for weeks in range(6 * earlier_sessions, 0, -6):
        session = services.session_create(
            client=client,
            therapist=therapist,
            created_by=therapist,
            date=TODAY - timedelta(weeks=weeks),
            treadmill_speed_kmh=11,
        )
        trial = services.trial_create(session=session, kind="BASELINE", label="Baseline", by=therapist)
        analysed_video(trial, therapist, folder, seed, overstride=20 - weeks / 6, pelvic_drop=6.0)
        scenario.sessions.append(session)
        scenario.trials.setdefault("first", trial)
        seed += 1
    session = services.session_create(
        client=client, therapist=therapist, created_by=therapist, date=TODAY, treadmill_speed_kmh=11, height_cm=175
    )
    baseline = services.trial_create(session=session, kind="BASELINE", label="Baseline", by=therapist)
    cues = services.trial_create(session=session, kind="WITH_CUES", label="With cues", cues="run quietly", by=therapist)
    # Overstriding with a heavy heel landing: the engine finds both, and the clinical reasoning
    # suggests a higher cadence (a suggestion to confirm on the session page).
    analysed_video(baseline, therapist, folder, seed, overstride=18, heel_strike=20, pelvic_drop=6.0)
    analysed_video(cues, therapist, folder, seed + 1, overstride=6, pelvic_drop=6.0, cadence=180)
    scenario.sessions.append(session)
    scenario.trials.update(baseline=baseline, cues=cues)
    return scenario


def video_with_report_row(scenario: Scenario, make_video, weeks: int) -> GaitVideo:
    """One more earlier session with a baseline whose analysed video copies today's report (a
    database row only: for counting queries, not for playing)."""
    therapist = scenario.therapist
    session = services.session_create(
        client=scenario.client, therapist=therapist, created_by=therapist, date=TODAY - timedelta(weeks=weeks)
    )
    trial = services.trial_create(session=session, kind="BASELINE", label="Baseline", by=therapist)
    source = scenario.trials["baseline"].videos.get()
    return make_video(trial, source.report, view="side")
