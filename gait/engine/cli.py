"""The `analyze_gait` command's logic, usable without Django: `run(argv) -> exit code`.

    analyze_gait VIDEO [--view rear|front|side|auto] [--json OUT|-] [--overlay OUT.mp4]
                 [--keyframes DIR] [--save-landmarks OUT.npz]
    analyze_gait --landmarks FILE.npz [--view ...] [--json OUT|-]

Exit 0 on success; 2 with a one-line reason on stderr for input that cannot be analysed;
1 with a one-line message for anything unexpected. Never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import GaitInputError
from .video import DEFAULT_MAX_DURATION_S

VIEW_CHOICES = ("auto", "rear", "front", "side")


class _Parser(argparse.ArgumentParser):
    """argparse that reports bad arguments as GaitInputError instead of usage + exit."""

    def error(self, message):
        raise GaitInputError(message)


def build_parser(prog: str = "analyze_gait") -> argparse.ArgumentParser:
    parser = _Parser(prog=prog, description="Analyse a running video (or saved landmarks).")
    parser.add_argument("video", nargs="?", help="phone video (MP4/MOV)")
    parser.add_argument("--landmarks", help="analyse a saved landmark .npz instead of a video")
    parser.add_argument("--view", default="auto", help="rear, front, side or auto (default)")
    parser.add_argument("--json", dest="json_out", help="write the report as JSON (- = stdout)")
    parser.add_argument("--overlay", help="write an annotated MP4")
    parser.add_argument("--keyframes", help="write one annotated still per finding here")
    parser.add_argument("--save-landmarks", help="save the extracted landmarks (.npz)")
    parser.add_argument("--workers", type=int, default=2, help="processes for pose (default 2)")
    parser.add_argument(
        "--pose-every",
        type=int,
        default=None,
        help="run pose on every n-th frame and interpolate (default: pose at 20 Hz or more: every "
        "frame below 40 fps, every 3rd at 60 fps, every 6th at 120 fps, every 12th at 240 fps)",
    )
    parser.add_argument(
        "--max-duration",
        type=float,
        default=DEFAULT_MAX_DURATION_S,
        help=f"refuse longer videos, in seconds (default {DEFAULT_MAX_DURATION_S:.0f})",
    )
    return parser


def run(argv: list[str] | None = None, stdout=None, stderr=None, thresholds: dict | None = None) -> int:
    """thresholds: a clinic's overrides of the default finding thresholds ({code: value})."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        args = _parse(argv)
        report = _analyse(args, thresholds)
        _write_json(report, args.json_out, stdout)
    except GaitInputError as exc:
        print(f"error: {_one_line(exc)}", file=stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - the command must never print a traceback
        print(f"internal error: {type(exc).__name__}: {_one_line(exc)}", file=stderr)
        return 1
    return 0


def _parse(argv):
    args = build_parser().parse_args(argv)
    if args.view not in VIEW_CHOICES:
        raise GaitInputError(f"unsupported view {args.view!r}; use one of {', '.join(VIEW_CHOICES)}")
    if (args.pose_every is not None and args.pose_every < 1) or args.workers < 1:
        raise GaitInputError("--pose-every and --workers must be at least 1")
    if bool(args.video) == bool(args.landmarks):
        raise GaitInputError("give either a video file or --landmarks FILE.npz")
    if args.landmarks and (args.overlay or args.keyframes or args.save_landmarks):
        raise GaitInputError("--overlay, --keyframes and --save-landmarks need a video")
    return args


def _analyse(args, thresholds: dict | None) -> dict:
    from .analyze import analyze_full
    from .landmarks import LandmarkSeries

    if args.landmarks:
        series = LandmarkSeries.load_npz(args.landmarks)
    else:
        from .extract import extract_landmarks

        series = extract_landmarks(
            args.video, workers=args.workers, pose_every=args.pose_every, max_duration_s=args.max_duration
        )
        if args.save_landmarks:
            series.save_npz(args.save_landmarks)
    result = analyze_full(series, view=args.view, thresholds=thresholds or None)
    if args.overlay or args.keyframes:
        from .overlay import write_keyframes, write_overlay

        if args.overlay:
            write_overlay(args.video, result.report, result.clean, args.overlay)
        if args.keyframes:
            write_keyframes(args.video, result.report, result.clean, args.keyframes)
    return result.report


def _write_json(report: dict, target: str | None, stdout) -> None:
    if not target:
        return
    text = json.dumps(report, indent=2, default=_jsonable)
    if target == "-":
        print(text, file=stdout)
    else:
        Path(target).write_text(text + "\n")


def _jsonable(value):
    """numpy scalars and arrays that slip into the report."""
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _one_line(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__
