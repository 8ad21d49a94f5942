"""Video -> LandmarkSeries, using both cores.

Long clips are cut into time chunks that run in parallel in separate PROCESSES. They are
started with `subprocess` (`python -m gait.engine.chunk_worker`), not `multiprocessing`,
because this runs inside a Celery prefork child, a daemonic process, which may not start
multiprocessing children. Each chunk starts `WARM_UP_S` early so MediaPipe's tracker and
landmark smoothing have settled by the chunk's first kept frame; frames are assigned to
chunks by timestamp, so every frame is kept exactly once and the seams do not show.
"""

from __future__ import annotations

import math
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from scipy.interpolate import CubicSpline

from .errors import GaitInputError
from .landmarks import N_LANDMARKS, LandmarkSeries
from .pose import PoseEstimator, keep_main_person  # mediapipe itself loads on first use
from .video import DEFAULT_MAX_DURATION_S, iter_frames, probe, read_audio

DEFAULT_MAX_SIDE = 640  # MediaPipe works on 256x256 crops; more pixels only cost decode time
WARM_UP_S = 1.0
# Pose runs at no less than this rate; the frames between are interpolated with a cubic
# spline (a third of the pose work at 60 fps; pose is about half the CPU time). Pose on
# every 2nd, 3rd or 4th frame of the same 60 fps landmarks moves mean contact time by
# at most 7 ms from every frame and cadence by 0.05 steps/min (see bench_gait).
POSE_RATE_HZ = 20
MIN_CHUNK_S = 4.0  # shorter clips are not worth a process start-up (~1 s)

Progress = Callable[[int, int], None]  # (frames done, frames expected)


def extract_landmarks(
    path: str | Path,
    workers: int = 2,
    progress: Progress | None = None,
    max_width: int | None = None,
    pose_every: int | None = None,
    max_duration_s: float = DEFAULT_MAX_DURATION_S,
) -> LandmarkSeries:
    """Pose landmarks for every frame of the video at `path`, with its audio and timing.

    max_width: longest side, in pixels, of the frames given to pose (None: DEFAULT_MAX_SIDE).
    pose_every: run pose on every n-th frame only and interpolate the others. None (auto):
    pose at no less than POSE_RATE_HZ, i.e. every frame below 40 fps, every 3rd at 60 fps,
    every 6th at 120 fps, every 12th at 240 fps; 1 = every frame.
    Raises GaitInputError for a file that is not an analysable video or shows no person.
    """
    info = probe(path, max_duration_s=max_duration_s)
    max_side = max_width or DEFAULT_MAX_SIDE
    pose_every = pose_every or max(1, math.floor(info.fps / POSE_RATE_HZ))
    chunks = _chunk_bounds(info.duration_s, workers)
    if len(chunks) == 1:
        times, landmarks = landmarks_for_span(path, 0.0, None, max_side, pose_every, progress, info.frame_count)
        audio, audio_rate = read_audio(path)
    else:
        times, landmarks, audio, audio_rate = _run_chunks(
            path, chunks, max_side, pose_every, progress, info.frame_count
        )
    if not np.isfinite(landmarks[:, 0, 0]).any():
        raise GaitInputError("no person found in the video")
    return LandmarkSeries(
        landmarks=keep_main_person(landmarks, info.width, info.height),
        fps=info.fps,
        width=info.width,
        height=info.height,
        audio=audio,
        audio_rate=audio_rate,
        timestamps=times,
    )


def landmarks_for_span(
    path,
    start_s: float,
    end_s: float | None,
    max_side: int,
    pose_every: int = 1,
    progress: Progress | None = None,
    expected_frames: int = 0,
    warm_up_s: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """(timestamps (T,), landmarks (T, 33, 4)) for frames in [start_s, end_s).

    Pose runs from start_s - warm_up_s so tracking is settled at start_s; frames before
    start_s are dropped. Missing people are NaN rows.
    """
    times, rows = [], []
    posed = 0
    with PoseEstimator() as estimator:
        for frame in iter_frames(
            path, max_side=max_side, start_s=max(0.0, start_s - warm_up_s), end_s=end_s, fast_decode=True
        ):
            if posed % pose_every == 0:
                found = estimator.process(frame.rgb)
                row = found if found is not None else _empty()
            else:
                row = _skipped()
            posed += 1
            if frame.time_s < start_s - 1e-9:
                continue
            times.append(frame.time_s)
            rows.append(row)
            if progress and len(rows) % 30 == 0:
                progress(len(rows), expected_frames)
    if not rows:
        return np.zeros(0), np.zeros((0, N_LANDMARKS, 4))
    landmarks = np.array(rows)
    if pose_every > 1:
        landmarks = _interpolate_skipped(landmarks, np.array(times))
    return np.array(times), landmarks


# ---------------------------------------------------------------------------- chunks


def _chunk_bounds(duration_s: float, workers: int) -> list[tuple[float, float | None]]:
    """Time spans, one per worker; the first is WARM_UP_S longer because the others also
    pose their warm-up second, so every worker has the same amount of work."""
    count = max(1, min(workers, math.floor(duration_s / MIN_CHUNK_S)))
    if count == 1:
        return [(0.0, None)]
    length = (duration_s - WARM_UP_S) / count
    edges = [0.0] + [WARM_UP_S + length * i for i in range(1, count)]
    return [(edges[i], edges[i + 1] if i + 1 < count else None) for i in range(count)]


def _run_chunks(path, chunks, max_side, pose_every, progress, expected_frames):
    with tempfile.TemporaryDirectory(prefix="gait-chunks-") as tmp:
        folder = Path(tmp)
        workers = [_start_worker(path, start, end, folder / f"chunk{i}", max_side, pose_every)
                   for i, (start, end) in enumerate(chunks)]  # fmt: skip
        try:
            counts = [0] * len(workers)
            readers = [_count_progress(worker, counts, i) for i, worker in enumerate(workers)]
            audio, audio_rate = read_audio(path)  # the parent would otherwise just wait
            while any(worker.poll() is None for worker in workers):
                if progress:
                    progress(sum(counts), expected_frames)
                time.sleep(0.2)
            for reader in readers:
                reader.join()
        finally:
            for worker in workers:  # e.g. a Celery time limit interrupted us
                if worker.poll() is None:
                    worker.kill()
        for i, worker in enumerate(workers):
            if worker.returncode != 0:
                raise _worker_failure(worker, folder / f"chunk{i}.log")
        parts = [np.load(folder / f"chunk{i}.npz") for i in range(len(workers))]
        times = np.concatenate([p["timestamps"] for p in parts])
        landmarks = np.concatenate([p["landmarks"] for p in parts])
    if progress:
        progress(len(times), expected_frames)
    return times, landmarks, audio, audio_rate


def _start_worker(path, start, end, stem: Path, max_side, pose_every) -> subprocess.Popen:
    """Writes stem.npz; its stderr (MediaPipe's log, any error) goes to stem.log, a file
    rather than a pipe so a chatty log can never fill a pipe and stall the worker."""
    command = [
        sys.executable, "-m", "gait.engine.chunk_worker", str(path), str(stem.with_suffix(".npz")),
        "--start", repr(start), "--warm-up", repr(WARM_UP_S if start > 0 else 0.0),
        "--max-side", str(max_side), "--pose-every", str(pose_every),
    ]  # fmt: skip
    if end is not None:
        command += ["--end", repr(end)]
    with open(stem.with_suffix(".log"), "w") as log:
        return subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            cwd=Path(__file__).resolve().parents[2],  # the project root, so `gait` imports
        )


def _count_progress(worker: subprocess.Popen, counts: list[int], index: int) -> threading.Thread:
    """Workers print their frame count on stdout; keep the latest per worker."""

    def read():
        for line in worker.stdout:
            if line.strip().isdigit():
                counts[index] = int(line)

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


def _worker_failure(worker: subprocess.Popen, log: Path) -> Exception:
    lines = [line for line in log.read_text(errors="replace").splitlines() if line.strip()]
    reason = lines[-1] if lines else f"exit code {worker.returncode}"
    prefix = "GaitInputError: "
    if reason.startswith(prefix):
        return GaitInputError(reason[len(prefix) :])
    return RuntimeError(f"pose worker failed: {reason}")


# ---------------------------------------------------------------------------- rows


def _empty() -> np.ndarray:
    return np.full((N_LANDMARKS, 4), np.nan)


def _skipped() -> np.ndarray:
    # Told apart from "no person" (NaN) so only skipped frames are interpolated.
    return np.full((N_LANDMARKS, 4), np.inf)


def _interpolate_skipped(landmarks: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Fill skipped frames in time from the posed frames around them: a cubic spline (it
    keeps the rounded turning points that gait events are timed on), linear with < 4."""
    skipped = np.isinf(landmarks[:, 0, 0])
    posed = ~skipped & np.isfinite(landmarks[:, 0, 0])
    out = landmarks.copy()
    out[skipped] = np.nan
    if posed.sum() < 2 or not skipped.any():
        return out
    flat = landmarks[posed].reshape(posed.sum(), -1)
    if posed.sum() >= 4:
        filled = CubicSpline(times[posed], flat, axis=0)(times[skipped])
    else:
        filled = np.stack([np.interp(times[skipped], times[posed], flat[:, k]) for k in range(flat.shape[1])], axis=1)
    # A skipped frame next to a frame without a person stays empty.
    neighbours_ok = _both_neighbours_found(landmarks, skipped)
    out[skipped] = np.where(neighbours_ok[:, None, None], filled.reshape(-1, N_LANDMARKS, 4), np.nan)
    return out


def _both_neighbours_found(landmarks: np.ndarray, skipped: np.ndarray) -> np.ndarray:
    """For each skipped frame: is there a person in the nearest posed frame on both sides?"""
    anchors = np.flatnonzero(~skipped)
    found = np.isfinite(landmarks[anchors, 0, 0])
    slots = np.searchsorted(anchors, np.flatnonzero(skipped))
    has_both = (slots > 0) & (slots < len(anchors))
    ok = np.zeros(len(slots), dtype=bool)
    ok[has_both] = found[slots[has_both] - 1] & found[slots[has_both]]
    return ok
