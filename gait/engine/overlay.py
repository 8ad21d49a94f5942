"""Annotated video and stills for the therapist: skeleton, gait events, the judged angles.

`write_overlay` re-encodes the clip (downscaled, H.264) with the skeleton on every frame,
IC/TO markers per side, and each finding's measured lines on its evidence frames.
`write_keyframes` writes one annotated JPEG per finding (its representative frame).
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from . import landmarks as lm
from .landmarks import LandmarkSeries
from .video import iter_frames, probe

LEFT_COLOUR = (255, 150, 0)  # RGB: orange for the left side
RIGHT_COLOUR = (0, 170, 255)  # blue for the right side
CENTRE_COLOUR = (235, 235, 235)
FINDING_COLOUR = (255, 40, 40)
HOLD_S = 0.2  # annotations stay on screen this long around their frame, to be seen

SKELETON = [
    (lm.LEFT_SHOULDER, lm.RIGHT_SHOULDER), (lm.LEFT_HIP, lm.RIGHT_HIP),
    (lm.LEFT_SHOULDER, lm.LEFT_HIP), (lm.RIGHT_SHOULDER, lm.RIGHT_HIP),
    (lm.LEFT_SHOULDER, lm.LEFT_ELBOW), (lm.LEFT_ELBOW, lm.LEFT_WRIST),
    (lm.RIGHT_SHOULDER, lm.RIGHT_ELBOW), (lm.RIGHT_ELBOW, lm.RIGHT_WRIST),
    (lm.LEFT_HIP, lm.LEFT_KNEE), (lm.LEFT_KNEE, lm.LEFT_ANKLE),
    (lm.RIGHT_HIP, lm.RIGHT_KNEE), (lm.RIGHT_KNEE, lm.RIGHT_ANKLE),
    (lm.LEFT_ANKLE, lm.LEFT_HEEL), (lm.LEFT_HEEL, lm.LEFT_FOOT_INDEX), (lm.LEFT_ANKLE, lm.LEFT_FOOT_INDEX),
    (lm.RIGHT_ANKLE, lm.RIGHT_HEEL), (lm.RIGHT_HEEL, lm.RIGHT_FOOT_INDEX), (lm.RIGHT_ANKLE, lm.RIGHT_FOOT_INDEX),
]  # fmt: skip

MID_SHOULDERS = (lm.LEFT_SHOULDER, lm.RIGHT_SHOULDER)
MID_HIPS = (lm.LEFT_HIP, lm.RIGHT_HIP)


def _side_points(side: str) -> dict:
    left = side == "left"
    return {
        "hip": (lm.LEFT_HIP if left else lm.RIGHT_HIP,),
        "knee": (lm.LEFT_KNEE if left else lm.RIGHT_KNEE,),
        "ankle": (lm.LEFT_ANKLE if left else lm.RIGHT_ANKLE,),
        "heel": (lm.LEFT_HEEL if left else lm.RIGHT_HEEL,),
        "toe": (lm.LEFT_FOOT_INDEX if left else lm.RIGHT_FOOT_INDEX,),
        "wrist": (lm.LEFT_WRIST if left else lm.RIGHT_WRIST,),
    }


def finding_lines(code: str, side: str | None) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """The segments whose angle or position a finding judges; endpoints are landmark
    groups whose mean is the point (a single landmark, or e.g. both hips for mid-hip)."""
    p = _side_points(side or "left")
    lines = {
        "knee_valgus": [(p["hip"], p["knee"]), (p["knee"], p["ankle"])],
        "pelvic_drop": [((lm.LEFT_HIP,), (lm.RIGHT_HIP,))],
        "trunk_lean": [(MID_HIPS, MID_SHOULDERS)],
        "overstride": [(p["knee"], p["ankle"]), (MID_HIPS, p["ankle"])],
        "heel_strike": [(p["heel"], p["toe"])],
        "foot_turn_out": [(p["heel"], p["toe"])],
        "arm_crossover": [(MID_HIPS, MID_SHOULDERS), (p["wrist"], MID_SHOULDERS)],
    }
    return lines.get(code, [])


# ---------------------------------------------------------------------------- public


def write_overlay(
    video_path: str | Path,
    result_report: dict,
    clean_series: LandmarkSeries,
    out_path: str | Path,
    max_height: int = 720,
) -> Path:
    """Annotated H.264 MP4 (mpeg4 if libx264 is missing), at most max_height pixels high."""
    size = _output_size(video_path, max_height)
    fps = clean_series.fps
    marks = _marks_by_frame(result_report, fps)
    out_path = Path(out_path)
    with av.open(str(out_path), "w") as container:
        stream = _video_encoder(container, size, fps)
        last_pts = -1
        for index, frame in enumerate(iter_frames(video_path, max_side=max(size))):
            image = np.ascontiguousarray(frame.rgb)
            if image.shape[1::-1] != size:  # rounding of the scaled size may differ by a pixel
                image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
            points = _frame_points(clean_series, index, image.shape)
            if points is not None:
                draw_skeleton(image, points)
                for mark in marks.get(index, []):
                    mark(image, points)
            video_frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            last_pts = max(last_pts + 1, round(frame.time_s * 1000))  # VFR timing kept, in ms
            video_frame.pts = last_pts
            video_frame.time_base = stream.codec_context.time_base
            container.mux(stream.encode(video_frame))
        container.mux(stream.encode())
    return out_path


def write_keyframes(
    video_path: str | Path, report: dict, clean_series: LandmarkSeries, out_dir: str | Path
) -> dict[str, Path]:
    """One annotated JPEG per finding on its representative evidence frame.

    Keys are finding codes, or `code_side` when a code is reported for both sides.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    wanted = {}
    codes = [f["code"] for f in report.get("findings", [])]
    for finding in report.get("findings", []):
        frames = finding.get("evidence_frames") or []
        if not frames:
            continue
        key = finding["code"] if codes.count(finding["code"]) == 1 else f"{finding['code']}_{finding['side']}"
        frame = int(frames[len(frames) // 2])
        wanted.setdefault(frame, []).append((key, _with_side(finding, frame, report)))
    written = {}
    if not wanted:
        return written
    last = max(wanted)
    for index, frame in enumerate(iter_frames(video_path, max_side=1280)):
        if index > last:
            break
        for key, finding in wanted.get(index, []):
            image = np.ascontiguousarray(frame.rgb).copy()
            points = _frame_points(clean_series, index, image.shape)
            if points is not None:
                draw_skeleton(image, points)
                draw_finding(image, points, finding)
            path = out_dir / f"{key}.jpg"
            cv2.imwrite(str(path), cv2.cvtColor(image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 90])
            written[key] = path
    return written


# ---------------------------------------------------------------------------- drawing


def draw_skeleton(image: np.ndarray, points: np.ndarray) -> None:
    thickness = max(2, image.shape[0] // 300)
    for a, b in SKELETON:
        if _visible(points, a) and _visible(points, b):
            cv2.line(image, _xy(points[a]), _xy(points[b]), _colour_of(a, b), thickness, cv2.LINE_AA)
    for i in range(11, lm.N_LANDMARKS):
        if _visible(points, i):
            cv2.circle(image, _xy(points[i]), thickness + 1, _colour_of(i, i), -1, cv2.LINE_AA)


def draw_finding(image: np.ndarray, points: np.ndarray, finding: dict) -> None:
    thickness = max(3, image.shape[0] // 200)
    side = finding.get("side")
    sides = [side] if side in ("left", "right") else ["left", "right"]  # bilateral findings
    lines = {line for s in sides for line in finding_lines(finding["code"], s)}
    for start, end in lines:
        a, b = _mean_point(points, start), _mean_point(points, end)
        if a is not None and b is not None:
            cv2.line(image, _xy(a), _xy(b), FINDING_COLOUR, thickness, cv2.LINE_AA)
    if finding["code"] == "trunk_lean":  # the vertical the lean is measured from
        hips = _mean_point(points, MID_HIPS)
        if hips is not None:
            top = (hips[0], hips[1] - image.shape[0] * 0.3)
            cv2.line(image, _xy(hips), _xy(top), CENTRE_COLOUR, 1, cv2.LINE_AA)
    side = {"left": "L", "right": "R"}.get(side, "")
    value, unit = finding.get("value"), finding.get("unit") or ""
    value_text = f"{value:.1f} {unit}" if isinstance(value, int | float) else ""
    _label(image, f"{finding['code'].replace('_', ' ')} {side} {value_text}".strip(), row=0)


def draw_event(image: np.ndarray, points: np.ndarray, side: str, name: str) -> None:
    p = _side_points(side)
    where = _mean_point(points, p["heel"] if name == "IC" else p["toe"])
    if where is None:
        return
    colour = LEFT_COLOUR if side == "left" else RIGHT_COLOUR
    radius = max(6, image.shape[0] // 70)
    cv2.circle(image, _xy(where), radius, colour, -1, cv2.LINE_AA)
    text = f"{name} {'L' if side == 'left' else 'R'}"
    origin = (int(where[0]) + radius + 2, int(where[1]) + radius // 2)
    _text(image, text, origin, colour)


# ---------------------------------------------------------------------------- helpers


def _marks_by_frame(report: dict, fps: float) -> dict[int, list]:
    """frame index -> drawing callbacks (events and findings held for a moment)."""
    hold = max(1, round(HOLD_S * fps))
    marks: dict[int, list] = {}

    def add(frame: int, frames_either_side: int, mark) -> None:
        for i in range(frame - frames_either_side, frame + frames_either_side + 1):
            marks.setdefault(i, []).append(mark)

    for side, side_events in (report.get("events") or {}).items():
        for key, name in (("initial_contact", "IC"), ("toe_off", "TO")):
            for frame in side_events.get(key) or []:
                add(int(frame), hold // 2, lambda img, pts, s=side, n=name: draw_event(img, pts, s, n))
    for finding in report.get("findings") or []:
        for frame in finding.get("evidence_frames") or []:
            sided = _with_side(finding, int(frame), report)
            add(int(frame), hold, lambda img, pts, f=sided: draw_finding(img, pts, f))
    return marks


def _with_side(finding: dict, frame: int, report: dict) -> dict:
    """A finding about both legs is drawn on the leg that lands nearest this frame."""
    if finding.get("side") in ("left", "right"):
        return finding
    contacts = {
        side: min((abs(int(f) - frame) for f in (ev.get("initial_contact") or [])), default=10**9)
        for side, ev in (report.get("events") or {}).items()
    }
    if not contacts:
        return finding
    return {**finding, "side": min(contacts, key=contacts.get)}


def _frame_points(series: LandmarkSeries, index: int, shape) -> np.ndarray | None:
    """Landmarks of one frame in pixels of `shape`, with visibility; None without a person."""
    if index >= series.frames or not np.isfinite(series.landmarks[index, :, :2]).any():
        return None
    height, width = shape[:2]
    points = series.landmarks[index][:, [0, 1, 3]].copy()
    points[:, 0] *= width
    points[:, 1] *= height
    return points


def _visible(points: np.ndarray, i: int) -> bool:
    return bool(np.isfinite(points[i, :2]).all() and (np.isnan(points[i, 2]) or points[i, 2] > 0.3))


def _mean_point(points: np.ndarray, group: tuple[int, ...]):
    xy = points[list(group), :2]
    return None if not np.isfinite(xy).all() else xy.mean(axis=0)


def _colour_of(a: int, b: int):
    # MediaPipe: odd indices are left, even are right (from 11 on); mixed pairs are central.
    if a % 2 == 1 and b % 2 == 1:
        return LEFT_COLOUR
    if a % 2 == 0 and b % 2 == 0:
        return RIGHT_COLOUR
    return CENTRE_COLOUR


def _xy(point) -> tuple[int, int]:
    return int(round(point[0])), int(round(point[1]))


def _text(image, text: str, origin, colour) -> None:
    scale = max(0.5, image.shape[0] / 1000)
    (w, h), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, 1)
    x, y = origin
    cv2.rectangle(image, (x - 2, y - h - 3), (x + w + 2, y + base), (0, 0, 0), -1)
    cv2.putText(image, text, (x, y), cv2.FONT_HERSHEY_SIMPLEX, scale, colour, 1, cv2.LINE_AA)


def _label(image, text: str, row: int) -> None:
    line_height = max(18, image.shape[0] // 30)
    _text(image, text, (8, line_height * (row + 1)), FINDING_COLOUR)


def _output_size(video_path, max_height: int) -> tuple[int, int]:
    info = probe(video_path)
    scale = min(1.0, max_height / info.height)
    return max(2, int(info.width * scale) // 2 * 2), max(2, int(info.height * scale) // 2 * 2)


def _video_encoder(container, size: tuple[int, int], fps: float):
    try:
        stream = container.add_stream("libx264", rate=Fraction(fps).limit_denominator(1001))
        stream.options = {"preset": "veryfast", "crf": "23"}
    except (av.error.FFmpegError, ValueError):
        stream = container.add_stream("mpeg4", rate=Fraction(fps).limit_denominator(1001))
        stream.bit_rate = 4_000_000
    stream.width, stream.height = size
    stream.pix_fmt = "yuv420p"
    stream.thread_type = "AUTO"
    stream.codec_context.time_base = Fraction(1, 1000)
    return stream
