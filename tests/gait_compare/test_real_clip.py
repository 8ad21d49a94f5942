"""Two real analyses of the shared treadmill clip (MediaPipe on the whole clip, and on a copy that
starts 1.5 s later, i.e. the same run filmed from a later start), stored by the in-process
analysis and compared through the API: left contact n is paired in both, at each video's own
frame times, and the same run shows no detectable change."""

from __future__ import annotations

from fractions import Fraction

import av
import pytest

from gait import analysis, services
from gait.engine.extract import extract_landmarks
from tests.gait_sessions.conftest import NOW, TREADMILL_CLIP, as_upload

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

TRIM = 45  # frames (1.5 s at 30 fps)


def trimmed_copy(source, out, skip: int):
    """The clip without its first `skip` frames, re-encoded (H.264) at the same frame rate."""
    with av.open(str(source)) as src, av.open(str(out), "w") as dst:
        stream_in = src.streams.video[0]
        fps = stream_in.average_rate or Fraction(30)
        stream = dst.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = stream_in.width, stream_in.height, "yuv420p"
        for i, frame in enumerate(src.decode(stream_in)):
            if i >= skip:
                dst.mux(stream.encode(av.VideoFrame.from_ndarray(frame.to_ndarray(format="rgb24"), format="rgb24")))
        dst.mux(stream.encode())
    return out


@pytest.fixture(scope="module")
def landmarks(tmp_path_factory):
    """MediaPipe on both files, once for the module (the slow part)."""
    later = trimmed_copy(TREADMILL_CLIP, tmp_path_factory.mktemp("clip") / "later.mp4", TRIM)
    return {"whole": (TREADMILL_CLIP, extract_landmarks(TREADMILL_CLIP)), "later": (later, extract_landmarks(later))}


def analysed(trial, therapist, path, series):
    video = services.video_upload(trial=trial, upload=as_upload(path), view="side", uploaded_by=therapist, now=NOW)
    assert analysis.analyse_video(video.pk, landmark_source=lambda _path, _job: series) == "done"
    video.refresh_from_db()
    return video


def test_left_contact_n_is_matched_in_two_real_analyses(api_as, therapist, gait_session, media_root, landmarks):
    baseline = services.trial_create(session=gait_session, kind="BASELINE", label="Baseline", by=therapist)
    again = services.trial_create(session=gait_session, kind="OTHER", label="Filmed later", by=therapist)
    whole = analysed(baseline, therapist, *landmarks["whole"])
    later = analysed(again, therapist, *landmarks["later"])
    assert later.duration_s == pytest.approx(whole.duration_s - TRIM / 30, abs=0.05)

    response = api_as(therapist).get("/api/gait-comparisons/", {"a": baseline.pk, "b": again.pk})
    assert response.status_code == 200, response.json()
    (view,) = response.json()["views"]
    assert (view["view"], view["video_a"]["id"], view["video_b"]["id"]) == ("side", whole.pk, later.pk)
    contacts_a = whole.report["events"]["left"]["initial_contact"]
    contacts_b = later.report["events"]["left"]["initial_contact"]
    left = [e for e in view["matched_events"] if e["side"] == "left"]
    assert len(left) == min(len(contacts_a), len(contacts_b)) >= 8
    assert [e["n"] for e in left] == list(range(len(left)))
    assert [e["frame_a"] for e in left] == contacts_a[: len(left)]  # contact n of the whole clip ...
    assert [e["frame_b"] for e in left] == contacts_b[: len(left)]  # ... beside contact n of the later copy
    assert all(e["time_a"] == pytest.approx(e["frame_a"] / 30, abs=1e-3) for e in left)
    assert all(e["time_b"] == pytest.approx(e["frame_b"] / 30, abs=1e-3) for e in left)
    # Both analyses found the same landings: frame f of the later copy is frame f + TRIM of the clip.
    for frame in contacts_b:
        assert min(abs(frame + TRIM - a) for a in contacts_a) <= 1, (frame, contacts_a)
    # The same run: cadence, shank angle, trunk lean and contact time do not change detectably.
    # (The foot angle at contact can: it is a median over different steps in the two windows,
    # about 3 deg apart here, over its 2.3 deg SDD.)
    steady = [r for r in view["metrics"] if r["metric"] in ("cadence", "overstride", "trunk_lean", "contact_time")]
    assert len(steady) == 8 and {r["verdict"] for r in steady} == {"no detectable change"}, steady
