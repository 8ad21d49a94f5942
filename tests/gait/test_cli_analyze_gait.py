"""The analyze_gait command (gait.engine.cli.run): reports, outputs, and bad input as one line."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from gait.engine import synthetic
from gait.engine.cli import run

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "gait"
TREADMILL = DATA / "treadmill_side_male.mp4"


def call(*argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run([str(a) for a in argv], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def assert_one_line_refusal(code: int, err: str, *words: str) -> None:
    assert code == 2, err
    assert err.count("\n") == 1 and err.startswith("error: "), err
    assert "Traceback" not in err
    for word in words:
        assert word in err.lower(), err


def encode(path: Path, frames, fps=30) -> Path:
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=Fraction(fps))
        stream.height, stream.width = frames[0].shape[:2]
        stream.pix_fmt = "yuv420p"
        for rgb in frames:
            container.mux(stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")))
        container.mux(stream.encode())
    return path


# ---------------------------------------------------------------------------- bad input


def test_empty_file(tmp_path):
    (tmp_path / "empty.mp4").write_bytes(b"")
    assert_one_line_refusal(*call(tmp_path / "empty.mp4")[::2], "empty")


def test_truncated_mp4(tmp_path):
    path = tmp_path / "cut.mp4"
    path.write_bytes(TREADMILL.read_bytes()[:10_000])
    code, _, err = call(path)
    assert_one_line_refusal(code, err)
    assert any(word in err for word in ("truncated", "damaged", "not a readable video"))


def test_text_file(tmp_path):
    path = tmp_path / "readme.mp4"
    path.write_text("not a video at all\n" * 20)
    assert_one_line_refusal(*call(path)[::2], "not a readable video")


def test_photo_renamed_to_mp4(tmp_path):
    path = tmp_path / "holiday.mp4"
    path.write_bytes((DATA / "pose_still.jpg").read_bytes())
    assert_one_line_refusal(*call(path)[::2], "still image")


def test_audio_only_file(tmp_path):
    path = tmp_path / "sound.mp4"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("aac", rate=16000)
        tone = (0.3 * np.sin(np.arange(48000) / 5)).astype(np.float32)
        for start in range(0, len(tone), 1024):
            frame = av.AudioFrame.from_ndarray(tone[None, start : start + 1024], format="flt", layout="mono")
            frame.sample_rate, frame.pts = 16000, start
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    assert_one_line_refusal(*call(path)[::2], "audio")


def test_clip_without_a_person(tmp_path):
    rng = np.random.default_rng(1)
    frames = [rng.integers(0, 255, (120, 160, 3), dtype=np.uint8) for _ in range(90)]
    path = encode(tmp_path / "noise.mp4", frames)
    assert_one_line_refusal(*call(path)[::2], "no person")


def test_too_long_with_a_lowered_limit(tmp_path):
    path = encode(tmp_path / "three_s.mp4", [np.zeros((32, 32, 3), np.uint8)] * 90)
    assert_one_line_refusal(*call(path, "--max-duration", "2")[::2], "too long")


def test_too_short(tmp_path):
    path = encode(tmp_path / "one_s.mp4", [np.zeros((32, 32, 3), np.uint8)] * 30)
    assert_one_line_refusal(*call(path)[::2], "too short")


def test_missing_file_and_bad_arguments(tmp_path):
    assert_one_line_refusal(*call(tmp_path / "nowhere.mp4")[::2], "not found")
    assert_one_line_refusal(*call(TREADMILL, "--view", "top")[::2], "view")
    assert_one_line_refusal(*call()[::2], "video")
    assert_one_line_refusal(*call(TREADMILL, "--frobnicate")[::2], "unrecognized")


@pytest.mark.slow
def test_slow_motion_file_is_flagged(tmp_path):
    """The treadmill run at quarter speed (each frame 4x) looks like 42 steps/min."""
    frames = []
    with av.open(str(TREADMILL)) as source:
        for _, frame in zip(range(75), source.decode(video=0), strict=False):
            frames += [frame.to_ndarray(width=360, height=640, format="rgb24")] * 4
    path = encode(tmp_path / "slowmo.mp4", frames)
    code, out, err = call(path, "--json", "-")
    if code == 2:
        assert_one_line_refusal(code, err)
    else:
        assert code == 0, err
        warnings = " ".join(json.loads(out)["quality"]["warnings"]).lower()
        assert "cadence" in warnings or "slow-motion" in warnings


# ---------------------------------------------------------------------------- real clips


@pytest.mark.slow
def test_treadmill_clip_with_every_output(tmp_path):
    code, out, err = call(
        TREADMILL,
        "--json", "-",
        "--overlay", tmp_path / "overlay.mp4",
        "--keyframes", tmp_path / "stills",
        "--save-landmarks", tmp_path / "landmarks.npz",
    )  # fmt: skip
    assert code == 0, err
    report = json.loads(out)
    assert report["schema"] == "stridewell.gait/1"
    assert report["view"] == "side"
    with av.open(str(tmp_path / "overlay.mp4")) as overlay:
        stream = overlay.streams.video[0]
        assert stream.codec_context.name in ("h264", "mpeg4")
        assert max(stream.height, stream.width) <= 1280
        assert stream.frames == report["frames"]
    stills = sorted(p.stem for p in (tmp_path / "stills").glob("*.jpg"))
    assert report["findings"] and len(stills) == len(report["findings"])
    # The saved landmarks give the same report without the video.
    code, again, err = call("--landmarks", tmp_path / "landmarks.npz", "--json", "-")
    assert code == 0, err
    assert json.loads(again)["cadence_spm"] == report["cadence_spm"]


@pytest.mark.parametrize("view", ["rear", "front", "side"])
def test_view_is_detected_from_landmarks(tmp_path, view):
    """No openly licensed rear-view clip exists: view detection is proved on synthetic runners."""
    series = synthetic.generate(view=view)
    series.view = None
    series.save_npz(tmp_path / "runner.npz")
    code, out, err = call("--landmarks", tmp_path / "runner.npz", "--view", "auto", "--json", "-")
    assert code == 0, err
    assert json.loads(out)["view"] == view


@pytest.mark.slow
def test_turning_walker_never_crashes(tmp_path):
    code, out, err = call(DATA / "walking_side_turn.mp4", "--json", tmp_path / "report.json")
    if code == 2:
        assert_one_line_refusal(code, err)
    else:
        assert code == 0, err
        assert json.loads((tmp_path / "report.json").read_text())["view"] == "side"


@pytest.mark.slow
def test_two_people_the_walking_woman_is_analysed(tmp_path):
    """The man on the box is in view first; the woman walking in the foreground is the subject."""
    code, out, err = call(DATA / "walking_side_two_people.mp4", "--save-landmarks", tmp_path / "lm.npz")
    assert code in (0, 2), err
    if code == 2:
        assert_one_line_refusal(code, err)
        return
    landmarks = np.load(tmp_path / "lm.npz")["landmarks"]
    tracked = np.isfinite(landmarks[:, 0, 0])
    assert tracked[60:190].mean() > 0.95
    # Her feet are on the lawn in the lower half of the picture; his are on the box top.
    assert (landmarks[tracked][:, [27, 28], 1] > 0.75).all()


def test_landmarks_file_to_stdout(tmp_path):
    synthetic.generate().save_npz(tmp_path / "runner.npz")
    code, out, err = call("--landmarks", tmp_path / "runner.npz", "--json", "-")
    assert code == 0, err
    assert json.loads(out)["cadence_spm"] > 100


def test_unreadable_landmarks_file(tmp_path):
    (tmp_path / "junk.npz").write_text("junk")
    assert_one_line_refusal(*call("--landmarks", tmp_path / "junk.npz")[::2])


def test_management_command_refuses_bad_input_in_one_line(tmp_path):
    (tmp_path / "empty.mp4").write_bytes(b"")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "clinic.settings"}
    done = subprocess.run(
        [sys.executable, "manage.py", "analyze_gait", str(tmp_path / "empty.mp4")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [f"error: file is empty: {'empty.mp4'}"]
