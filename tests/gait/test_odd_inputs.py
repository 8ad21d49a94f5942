"""A corpus of odd videos, made here, through the whole command: each ends in a report
(exit 0) or in exit 2 with a one-line reason; never in exit 1 ("internal error").

The runner in them is the shared treadmill clip, shortened and shrunk to keep pose cheap.
"""

from __future__ import annotations

import io
import json
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from gait.engine.cli import run

DATA = Path(__file__).resolve().parents[1] / "data" / "gait"
TREADMILL = DATA / "treadmill_side_male.mp4"

pytestmark = pytest.mark.slow


def call(path, *extra) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run([str(path), "--json", "-", *extra], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def runner_frames(seconds: float, width: int = 180, height: int = 320) -> list[np.ndarray]:
    with av.open(str(TREADMILL)) as source:
        frames = [f.to_ndarray(width=width, height=height, format="rgb24") for f in source.decode(video=0)]
    return frames[: int(seconds * 30)]


def encode(path, frames, fps=30, codec="libx264", pix_fmt="yuv420p", pts_ms=None, rotation=None) -> Path:
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=Fraction(fps).limit_denominator(1000))
        stream.height, stream.width = frames[0].shape[:2]
        stream.pix_fmt = pix_fmt
        stream.codec_context.time_base = Fraction(1, 1000)
        if rotation is not None:
            stream.set_display_rotation(rotation)
        for i, rgb in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            frame.pts = pts_ms[i] if pts_ms is not None else round(i * 1000 / fps)
            frame.time_base = stream.codec_context.time_base
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return path


def assert_report_or_reason(code, out, err) -> dict | None:
    assert code in (0, 2), err
    assert "Traceback" not in err and "internal error" not in err, err
    if code == 2:
        assert err.count("\n") == 1 and err.startswith("error: "), err
        return None
    return json.loads(out)


def make(kind: str, tmp: Path) -> Path:
    if kind == "one_frame":
        return encode(tmp / "one.mp4", runner_frames(1 / 30))
    if kind == "two_by_two_pixels":
        return encode(tmp / "tiny.mp4", [np.full((2, 2, 3), i % 255, np.uint8) for i in range(90)])
    if kind == "slow_motion_320x240":
        # A lab's low-resolution high-speed camera: 240 fps file, 1/8 real speed.
        frames = [f for f in runner_frames(1.5, 320, 240) for _ in range(8)]
        return encode(tmp / "slowmo.mp4", frames, fps=240)
    if kind == "variable_frame_rate":
        frames = runner_frames(8)
        pts = np.cumsum([0] + [int(x) for x in np.random.default_rng(0).choice([25, 33, 42], len(frames) - 1)])
        return encode(tmp / "vfr.mp4", frames, pts_ms=list(pts))
    if kind == "hevc_10_bit":
        return encode(tmp / "ten_bit.mov", runner_frames(8), codec="libx265", pix_fmt="yuv420p10le")
    if kind == "rotated":
        frames = [np.ascontiguousarray(np.rot90(f, k=-1)) for f in runner_frames(8)]
        return encode(tmp / "rotated.mp4", frames, rotation=90)
    if kind == "truncated_in_the_middle":
        whole = encode(tmp / "whole.mp4", runner_frames(8)).read_bytes()
        path = tmp / "cut.mp4"
        path.write_bytes(whole[: len(whole) // 2])
        return path
    if kind == "still_image_repeated":
        return encode(tmp / "still.mp4", runner_frames(1 / 30) * 150)
    if kind == "runner_leaves_half_way":
        frames = runner_frames(10)
        background = np.full_like(frames[0], 90)
        return encode(tmp / "leaves.mp4", frames[:150] + [background] * 150)
    if kind == "empty_treadmill":
        frame = runner_frames(1 / 30)[0].copy()
        frame[:, :] = frame[:40, :].mean(axis=(0, 1)).astype(np.uint8)  # the runner painted out
        rng = np.random.default_rng(1)
        return encode(
            tmp / "empty.mp4",
            [np.clip(frame + rng.integers(0, 3, frame.shape), 0, 255).astype(np.uint8) for _ in range(150)],
        )
    raise ValueError(kind)


KINDS = [
    "one_frame",
    "two_by_two_pixels",
    "slow_motion_320x240",
    "variable_frame_rate",
    "hevc_10_bit",
    "rotated",
    "truncated_in_the_middle",
    "still_image_repeated",
    "runner_leaves_half_way",
    "empty_treadmill",
]


@pytest.mark.parametrize("kind", KINDS)
def test_odd_input_gives_a_report_or_a_reason(kind, tmp_path):
    code, out, err = call(make(kind, tmp_path))
    report = assert_report_or_reason(code, out, err)
    if kind in ("one_frame", "two_by_two_pixels", "still_image_repeated", "empty_treadmill"):
        assert code == 2, out[:300]
    if kind == "slow_motion_320x240" and report is not None:
        assert any("slow-motion" in w or "steps/min" in w for w in report["quality"]["warnings"])
    if kind == "runner_leaves_half_way" and report is not None:
        assert any("found in only" in w for w in report["quality"]["warnings"])
