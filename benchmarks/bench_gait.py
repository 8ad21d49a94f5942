"""Gait pipeline speed and memory: `.venv/bin/python benchmarks/bench_gait.py [--five-minutes]`.

For the real treadmill clip (12 s, 720x1280, 30 fps) and two 30 s 60 fps clips made from it,
1080x1920 portrait (as phones are held at a treadmill: the clip scaled up) and 1920x1080
landscape (letterboxed), each frame shown twice and looped, prints frames per second, wall
time as a multiple of the clip's duration, CPU seconds and peak memory of the whole process
tree, the load average of the machine, and the cadence and mean contact time found, for:

* default     - gait.engine.extract_landmarks at its default settings (2 chunk processes,
                pose at 20 Hz: every 3rd frame at 60 fps, spline-interpolated) + analysis
* every frame - the same with pose on every frame: the accuracy reference
* plain loop  - OpenCV decode + solutions.pose on every full-size frame, one process

The default line shows its cadence and contact time against the every-frame run. Each
measurement runs in its own process so memory figures do not mix. Made clips are cached in
the temp directory. --five-minutes adds a 5-minute 1080p60 clip (slow: it is encoded first).
On a shared machine wall time depends on the load: compare CPU seconds as well. Each line
also gives "idle 2 cores": CPU seconds / 2, the wall time the run would take on two idle
cores if both were busy all along (a lower bound; reached by the two chunk processes, not by
the one-process plain loop, which on idle cores takes about its CPU seconds or a little less).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATA = ROOT / "tests" / "data" / "gait"
TREADMILL = DATA / "treadmill_side_male.mp4"
REFERENCE_CADENCE = 168.9
CACHE = Path(tempfile.gettempdir()) / "stridewell-bench"


# ---------------------------------------------------------------------------- clips


def make_1080p60(source: Path, seconds: float, grain: bool = True, portrait: bool = False) -> Path:
    """The portrait clip as 1920x1080 (letterboxed) or 1080x1920, each frame twice (60 fps), looped.

    grain: add sensor-like noise so the file has a phone-like bitrate (~11 Mbit/s) and
    costs about as much to decode as a real 1080p60 recording (a clean letterboxed clip is
    ~1 Mbit/s and decodes 2-3x faster than anything a phone makes).
    """
    import av
    import cv2
    import numpy as np

    shape = "portrait" if portrait else "landscape"
    out = CACHE / f"{source.stem}_1080p60_{shape}_{int(seconds)}s{'_grain' if grain else ''}.mp4"
    if out.exists():
        return out
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = out.with_suffix(".partial.mp4")
    total = int(seconds * 60)
    width, height = (1080, 1920) if portrait else (1920, 1080)
    with av.open(str(partial), "w") as container:
        stream = container.add_stream("libx264", rate=60)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"preset": "veryfast", "crf": "13"} if grain else {"preset": "ultrafast"}
        stream.thread_type = "AUTO"
        canvas = np.zeros((height, width, 3), np.uint8)
        rng = np.random.default_rng(0)
        noise = [rng.integers(-4, 5, canvas.shape, dtype=np.int16) for _ in range(8)] if grain else [0]
        written = 0
        while written < total:
            with av.open(str(source)) as src:
                for frame in src.decode(video=0):
                    rgb = frame.to_ndarray(format="rgb24")
                    scaled = cv2.resize(rgb, (height * rgb.shape[1] // rgb.shape[0], height))
                    x0 = (width - scaled.shape[1]) // 2
                    canvas[:, x0 : x0 + scaled.shape[1]] = scaled
                    for _ in range(2):
                        if written < total:
                            image = np.clip(canvas + noise[written % len(noise)], 0, 255).astype(np.uint8)
                            video_frame = av.VideoFrame.from_ndarray(image, format="rgb24")
                            container.mux(stream.encode(video_frame))
                            written += 1
        container.mux(stream.encode())
    partial.rename(out)
    return out


# ---------------------------------------------------------------------------- measured runs


def run_pipeline(path: str, pose_every: int | None) -> dict:
    from gait.engine.extract import extract_landmarks

    start = time.perf_counter()
    series = extract_landmarks(path, workers=2, pose_every=pose_every)
    return {"wall_s": time.perf_counter() - start, "frames": series.frames, **_gait(series)}


def run_plain_loop(path: str) -> dict:
    """The obvious single-process loop everything is compared with."""
    import cv2
    import mediapipe as mp
    import numpy as np

    from gait.engine.landmarks import LandmarkSeries

    start = time.perf_counter()
    capture = cv2.VideoCapture(path)
    fps = capture.get(cv2.CAP_PROP_FPS)
    rows = []
    with mp.solutions.pose.Pose(model_complexity=1) as pose:
        while True:
            ok, bgr = capture.read()
            if not ok:
                break
            result = pose.process(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
            if result.pose_landmarks is None:
                rows.append(np.full((33, 4), np.nan))
            else:
                rows.append([(p.x, p.y, p.z, p.visibility) for p in result.pose_landmarks.landmark])
    width, height = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)), int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
    series = LandmarkSeries(np.array(rows, dtype=float), fps=fps, width=width, height=height)
    return {"wall_s": time.perf_counter() - start, "frames": series.frames, **_gait(series)}


def _gait(series) -> dict:
    """Cadence and mean contact time: the accuracy both loops must agree on."""
    try:
        from gait.engine.analyze import analyze
    except ImportError:
        return {"cadence": None, "contact_ms": None}
    report = analyze(series, view="side")
    contact = report["metrics"].get("contact_time", {})
    sides = [contact.get(side) for side in ("left", "right") if contact.get(side) is not None]
    scale = 1000 if contact.get("unit") == "s" else 1
    return {"cadence": report["cadence_spm"], "contact_ms": scale * sum(sides) / len(sides) if sides else None}


def measure(kind: str, path: Path, pose_every: int = 0) -> dict:
    """Run one measurement in a child process, sampling the whole tree's memory.
    pose_every 0: the pipeline's default."""
    command = [sys.executable, __file__, "--child", kind, str(path), "--pose-every", str(pose_every)]
    cpu_before = _children_cpu_s()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT)
    peak = _sample_peak_rss(child)
    output = child.stdout.read()
    child.wait()
    if child.returncode != 0:
        raise RuntimeError(f"{kind} run failed on {path.name}")
    result = json.loads(output.strip().splitlines()[-1])
    result["peak_mb"] = peak() / 2**20
    # CPU seconds of the whole tree (chunk workers are waited for, so they count): less
    # sensitive than wall time to other people's jobs on the same two cores.
    result["cpu_s"] = _children_cpu_s() - cpu_before
    result["load"] = os.getloadavg()[0]  # other people's jobs on the same cores inflate wall time
    return result


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _sample_peak_rss(child: subprocess.Popen):
    peak = [0]

    def sample():
        while child.poll() is None:
            peak[0] = max(peak[0], _tree_rss(child.pid))
            time.sleep(0.1)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()

    def result():
        thread.join()
        return peak[0]

    return result


def _tree_rss(root_pid: int) -> int:
    """Resident memory (bytes) of a process and all its descendants, from /proc."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parents[int(entry)] = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, frontier = {root_pid}, [root_pid]
    while frontier:
        pid = frontier.pop()
        children = [p for p, parent in parents.items() if parent == pid]
        tree.update(children)
        frontier.extend(children)
    total = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/statm") as statm:
                total += int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            continue
    return total


# ---------------------------------------------------------------------------- report


def report(name: str, duration_s: float, kind: str, result: dict, reference: dict | None = None) -> None:
    cadence = result["cadence"]
    cadence_text = "n/a" if cadence is None else f"{cadence:6.1f} spm ({cadence / REFERENCE_CADENCE - 1:+.1%})"
    contact = result["contact_ms"] or float("nan")
    versus = ""
    if reference is not None:
        ref_contact = reference["contact_ms"] or float("nan")
        versus = (
            f"  | every frame: cadence {reference['cadence'] or float('nan'):6.1f} spm, contact "
            f"{ref_contact:5.1f} ms, difference {contact - ref_contact:+5.1f} ms"
        )
    print(
        f"{name:<28} {kind:<12} {result['frames']:>6} frames {result['frames'] / result['wall_s']:6.1f} fps "
        f"{result['wall_s']:7.1f} s = {result['wall_s'] / duration_s:4.2f}x duration  "
        f"cpu {result['cpu_s']:6.1f} s = {result['cpu_s'] / duration_s:4.2f}x  "
        f"idle 2 cores >= {result['cpu_s'] / 2 / duration_s:4.2f}x  peak {result['peak_mb']:6.0f} MB  "
        f"load {result['load']:5.1f}  cadence {cadence_text}  contact {contact:5.1f} ms{versus}",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--five-minutes", action="store_true", help="also a 5-minute 1080p60 clip (slow)")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "VIDEO"), help=argparse.SUPPRESS)
    parser.add_argument("--pose-every", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, path = args.child
        result = run_plain_loop(path) if kind == "plain" else run_pipeline(path, args.pose_every or None)
        print(json.dumps(result))
        return 0

    from gait.engine.video import probe

    print(f"reference cadence (treadmill clip, from pixels): {REFERENCE_CADENCE} steps/min", flush=True)
    print(f"{os.cpu_count()} cores; load average at start {os.getloadavg()[0]:.1f}", flush=True)
    clips = [
        ("treadmill 12s 30fps", TREADMILL),
        ("30s 1080p60 portrait", make_1080p60(TREADMILL, 30, portrait=True)),
        ("30s 1080p60 landscape", make_1080p60(TREADMILL, 30)),
    ]
    if args.five_minutes:
        clips.append(("5min 1080p60", make_1080p60(TREADMILL, 300, grain=False)))
    for name, path in clips:
        info = probe(path)
        duration = info.duration_s
        megabits = path.stat().st_size * 8 / 1e6
        print(f"{name}: {info.width}x{info.height} {info.fps:.0f} fps {info.codec} {megabits / duration:.1f} Mbit/s")
        default = measure("pipeline", path)
        reference = measure("pipeline", path, pose_every=1) if info.fps >= 60 and not name.startswith("5min") else None
        report(name, duration, "default", default, reference)
        if reference is not None:
            report(name, duration, "every frame", reference)
        if name.startswith("30s"):  # the plain loop on 5 minutes takes ~10 minutes
            report(name, duration, "plain loop", measure("plain", path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
