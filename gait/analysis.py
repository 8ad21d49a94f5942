"""The analysis of one uploaded video, as the `gait` worker runs it, and the sweeper that re-sends
jobs the broker lost or a killed worker left behind.

analyse_video(video_id) claims the video with a lease (a conditional UPDATE: only a QUEUED video,
or a PROCESSING one whose lease ran out, can be claimed), keeps the lease alive from a heartbeat
thread while it works, and stores everything in one transaction that first checks the lease is
still its own. So a redelivered or re-sent job never runs twice at once and never stores its
results twice.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from fractions import Fraction
from importlib.metadata import version
from pathlib import Path

import av
from django.conf import settings
from django.core.files import File
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from .engine.analyze import SCHEMA, analyze_full
from .engine.errors import GaitInputError
from .engine.extract import extract_landmarks
from .engine.landmarks import LandmarkSeries
from .engine.overlay import write_keyframes, write_overlay
from .engine.thresholds import finding_thresholds
from .engine.video import iter_frames
from .models import Finding, FindingSource, GaitVideo, VideoStatus
from .selectors import gait_threshold_overrides
from .services import suggestions_refresh

logger = logging.getLogger(__name__)

BROWSER_CODECS = {"h264"}
BROWSER_PIXEL_FORMATS = {"yuv420p", "yuvj420p"}
PROGRESS_EVERY_S = 1.0


class LeaseLost(Exception):
    """Another run took the video over (our lease ran out); this run must store nothing."""


class RetryLater(Exception):
    """A transient failure (storage, database): the job should be sent again after a pause."""

    def __init__(self, message: str, attempts: int):
        super().__init__(message)
        self.attempts = attempts


def engine_version() -> str:
    return f"{SCHEMA}; mediapipe {version('mediapipe')}"


def _lease() -> timedelta:
    return timedelta(seconds=settings.GAIT_LEASE_SECONDS)


# Claim, heartbeat, progress -----------------------------------------------------------------
def claim(video_id: int) -> uuid.UUID | None:
    """Take the video for this run, or None if it is done, failed, or running elsewhere."""
    now = timezone.now()
    token = uuid.uuid4()
    claimable = Q(status=VideoStatus.QUEUED) | Q(status=VideoStatus.PROCESSING, lease_until__lt=now)
    taken = (
        GaitVideo.objects.filter(claimable, pk=video_id, attempts__lt=settings.GAIT_MAX_ATTEMPTS)
        .update(
            status=VideoStatus.PROCESSING,
            lease_token=token,
            lease_until=now + _lease(),
            attempts=F("attempts") + 1,
            started_at=now,
            stage="Starting",
            percent=0,
        )
    )
    return token if taken else None


def _ours(video_id: int, token: uuid.UUID):
    return GaitVideo.objects.filter(pk=video_id, lease_token=token, status=VideoStatus.PROCESSING)


class _Job:
    """Progress reports and a heartbeat that renews the lease while the engine works."""

    def __init__(self, video_id: int, token: uuid.UUID):
        self.video_id = video_id
        self.token = token
        self.lost = threading.Event()
        self._stop = threading.Event()
        self._last_progress = 0.0
        self._thread = threading.Thread(target=self._beat, name=f"gait-lease-{video_id}", daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _beat(self):
        interval = max(0.5, settings.GAIT_LEASE_SECONDS / 4)
        try:
            while not self._stop.wait(interval):
                if not _ours(self.video_id, self.token).update(lease_until=timezone.now() + _lease()):
                    self.lost.set()
                    return
        finally:
            connection.close()  # this thread's own connection

    def stage(self, name: str, percent: int, force: bool = True) -> None:
        if self.lost.is_set():
            raise LeaseLost
        now = time.monotonic()
        if not force and now - self._last_progress < PROGRESS_EVERY_S:
            return
        self._last_progress = now
        if not _ours(self.video_id, self.token).update(stage=name, percent=max(0, min(100, percent))):
            self.lost.set()
            raise LeaseLost

    def pose_progress(self, done: int, expected: int) -> None:
        share = done / expected if expected else 0.0
        self.stage("Finding the runner in each frame", 5 + round(70 * min(1.0, share)), force=False)


# The analysis -------------------------------------------------------------------------------
def _pose(path: Path, job: _Job) -> LandmarkSeries:
    return extract_landmarks(path, workers=2, progress=job.pose_progress)


def analyse_video(video_id: int, landmark_source=None) -> str:
    """Run the engine on one video and store its results. Returns what happened: "done",
    "failed" (the engine's reason is stored), "skipped" (nothing to do: done, failed or running
    elsewhere) or "lease lost". Raises RetryLater for transient failures (the row is queued again).

    landmark_source(path, job) -> LandmarkSeries is the pose step (default: MediaPipe through
    gait.engine.extract); tests that are not about pose pass saved or synthetic landmarks here.
    """
    token = claim(video_id)
    if token is None:
        _fail_if_out_of_attempts(video_id)
        return "skipped"
    video = GaitVideo.objects.select_related("trial").get(pk=video_id)
    try:
        with _Job(video_id, token) as job, tempfile.TemporaryDirectory(prefix="gait-job-") as tmp:
            work = Path(tmp)
            job.stage("Fetching the video", 2)
            with _local_original(video, work) as original:
                job.stage("Finding the runner in each frame", 5)
                series = (landmark_source or _pose)(original, job)
                job.stage("Measuring the steps", 76)
                overrides = gait_threshold_overrides() or None
                thresholds = finding_thresholds(overrides)
                result = analyze_full(series, view=video.view, thresholds=overrides)
                job.stage("Drawing the annotated video", 80)
                overlay = write_overlay(original, result.report, result.clean, work / "overlay.mp4")
                job.stage("Drawing key frames", 90)
                keyframes = write_keyframes(original, result.report, result.clean, work / "keyframes")
                series.save_npz(work / "landmarks.npz")
                copy = None
                if _needs_browser_copy(original):
                    job.stage("Making a copy browsers can play", 92)
                    copy = _browser_copy(original, work / "browser.mp4")
            job.stage("Saving the results", 97)
            _store(video, token, result.report, thresholds, work / "landmarks.npz", overlay, keyframes, copy)
        return "done"
    except LeaseLost:
        logger.warning("Gait video #%s: lease lost, another run has taken over", video_id)
        return "lease lost"
    except GaitInputError as exc:
        _finish_failed(video_id, token, str(exc))
        return "failed"
    except Exception as exc:  # noqa: BLE001 - storage, database, codec: try again, then fail
        logger.exception("Gait video #%s: analysis attempt failed", video_id)
        return _release_for_retry(video_id, token, exc)


@contextmanager
def _local_original(video: GaitVideo, work: Path):
    """A local path of the original: the file itself on local storage, else a streamed copy."""
    storage = video.original.storage
    try:
        yield Path(storage.path(video.original.name))
        return
    except NotImplementedError:
        pass
    target = work / f"original{Path(video.original.name).suffix}"
    with storage.open(video.original.name, "rb") as source, open(target, "wb") as out:
        shutil.copyfileobj(source, out, 1024 * 1024)
    yield target


def _needs_browser_copy(path: Path) -> bool:
    with av.open(str(path)) as container:
        context = container.streams.video[0].codec_context
        return context.name not in BROWSER_CODECS or context.pix_fmt not in BROWSER_PIXEL_FORMATS


def _browser_copy(path: Path, out: Path, max_side: int = 1920, with_audio: bool = True) -> Path:
    """H.264 / yuv420p MP4 of the video, upright (rotation applied), for Chromium. The audio is
    kept (as AAC) when the original has some: how loud each foot lands is worth hearing. Sound
    that cannot be decoded costs the copy its sound, never the analysis."""
    try:
        return _encode_browser_copy(path, out, max_side, with_audio)
    except _AudioFailed as exc:
        logger.warning("%s: browser copy made without sound (%s)", path.name, exc.__cause__ or exc)
        return _encode_browser_copy(path, out, max_side, with_audio=False)


class _AudioFailed(Exception):
    pass


def _encode_browser_copy(path: Path, out: Path, max_side: int, with_audio: bool) -> Path:
    with av.open(str(path)) as source, av.open(str(out), "w") as container:
        video_in = source.streams.video[0]
        origin = float(video_in.start_time * video_in.time_base) if video_in.start_time else 0.0
        audio = None
        stream = None
        last_pts = -1
        for frame in iter_frames(path, max_side=max_side):
            if stream is None:
                height, width = frame.rgb.shape[:2]
                stream = container.add_stream("libx264", rate=60)
                stream.width, stream.height = width - width % 2, height - height % 2
                stream.pix_fmt = "yuv420p"
                stream.codec_context.time_base = Fraction(1, 1000)
                stream.options = {"crf": "23", "preset": "veryfast"}
                if with_audio and source.streams.audio:  # every stream must exist before the first packet
                    audio = _AudioCopy(source, container, origin)
            image = frame.rgb[: stream.height, : stream.width]
            video_frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            last_pts = max(last_pts + 1, round(frame.time_s * 1000))
            video_frame.pts = last_pts
            video_frame.time_base = Fraction(1, 1000)
            container.mux(stream.encode(video_frame))
            if audio:
                audio.mux_until(frame.time_s)  # interleaved with the picture: plays while it streams
        if stream is not None:
            container.mux(stream.encode())
        if audio:
            audio.mux_until(float("inf"))
    return out


class _AudioCopy:
    """The original's first audio track re-encoded as AAC (any codec in, one that every browser
    plays out), on the video's clock (time 0 = the first picture), muxed a packet at a time."""

    def __init__(self, source, container, origin_s: float):
        self.source, self.container = source, container
        self.input = source.streams.audio[0]
        self.origin = origin_s
        try:
            rate = self.input.codec_context.sample_rate or 48000
            self.output = container.add_stream("aac", rate=rate)
            self.output.layout = "mono" if self.input.codec_context.layout.nb_channels == 1 else "stereo"
            self.output.bit_rate = 128_000
            self.packets = self._encoded()
            self.pending = next(self.packets, None)
        except Exception as exc:  # noqa: BLE001 - any codec trouble: the copy goes without sound
            raise _AudioFailed("the sound could not be re-encoded") from exc

    def _next(self):
        try:
            return next(self.packets, None)
        except Exception as exc:  # noqa: BLE001
            raise _AudioFailed("the sound could not be re-encoded") from exc

    def _encoded(self):
        for packet in self.source.demux(self.input):
            try:
                frames = packet.decode()
            except av.error.InvalidDataError:  # a damaged packet: a moment of silence, not none at all
                continue
            for frame in frames:
                if frame.pts is None:
                    continue
                at = float(frame.pts * frame.time_base) - self.origin
                if at < 0:  # sound from before the first picture
                    continue
                frame.pts = round(at * frame.sample_rate)
                frame.time_base = Fraction(1, frame.sample_rate)
                yield from self.output.encode(frame)
        yield from self.output.encode(None)

    def mux_until(self, time_s: float) -> None:
        while self.pending is not None and float(self.pending.pts * self.pending.time_base) <= time_s:
            self.container.mux(self.pending)
            self.pending = self._next()


def _finding_key(finding: dict, report: dict) -> str:
    codes = [f["code"] for f in report.get("findings", [])]
    return f"{finding['code']}_{finding['side']}" if codes.count(finding["code"]) > 1 else finding["code"]


@dataclass
class _Saved:
    names: list


def _save(field_file, name: str, path: Path, saved: _Saved) -> None:
    with open(path, "rb") as handle:
        field_file.save(name, File(handle), save=False)
    saved.names.append((field_file.storage, field_file.name))


def _store(video, token, report, thresholds, landmarks_path, overlay, keyframes, copy) -> None:
    saved = _Saved([])
    try:
        _save(video.landmarks, "landmarks.npz", landmarks_path, saved)
        _save(video.overlay, "overlay.mp4", overlay, saved)
        if copy:
            _save(video.browser_copy, "browser.mp4", copy, saved)
        findings = []
        for item in report.get("findings", []):
            finding = Finding(
                session_id=video.trial.session_id,
                video=video,
                source=FindingSource.ENGINE,
                code=item["code"],
                side=item.get("side") or "",
                value=item.get("value"),
                unit=item.get("unit") or "",
                threshold=item.get("threshold"),
                severity=item.get("severity") or "",
                confidence=item.get("confidence"),
                evidence_frames=item.get("evidence_frames") or [],
                summary=item.get("summary") or "",
            )
            still = keyframes.get(_finding_key(item, report))
            if still:
                _save(finding.keyframe, f"{_finding_key(item, report)}.jpg", Path(still), saved)
            findings.append(finding)
        with transaction.atomic():
            row = _ours(video.pk, token).select_for_update().first()
            if row is None:
                raise LeaseLost
            Finding.objects.bulk_create(findings)
            row.report = {key: value for key, value in report.items() if key != "findings"}
            row.detected_view = report.get("view") or ""
            row.thresholds = {code: spec["value"] for code, spec in thresholds.items()}
            row.engine_version = engine_version()
            row.landmarks, row.overlay, row.browser_copy = video.landmarks, video.overlay, video.browser_copy
            row.status = VideoStatus.DONE
            row.stage = "Done"
            row.percent = 100
            row.error = ""
            row.lease_token = None
            row.lease_until = None
            row.finished_at = timezone.now()
            row.save()
            suggestions_refresh(session_id=video.trial.session_id)
    except BaseException:
        for storage, name in saved.names:  # results of a run that did not count
            try:
                storage.delete(name)
            except Exception:  # noqa: BLE001
                logger.warning("Could not delete %s", name, exc_info=True)
        raise


def _finish_failed(video_id: int, token, reason: str) -> None:
    now = timezone.now()
    query = GaitVideo.objects.filter(pk=video_id)
    if token is not None:
        query = query.filter(lease_token=token)
    query.update(
        status=VideoStatus.FAILED, error=reason, stage="Failed", lease_token=None, lease_until=None, finished_at=now
    )


def _release_for_retry(video_id: int, token, exc: Exception) -> str:
    reason = f"{type(exc).__name__}: {' '.join(str(exc).split())}"[:500]
    # If the database itself is down this raises too: the lease then runs out and the sweeper
    # sends the job again.
    video = GaitVideo.objects.filter(pk=video_id, lease_token=token).first()
    if video is None:
        return "lease lost"
    if video.attempts >= settings.GAIT_MAX_ATTEMPTS:
        _finish_failed(video_id, token, f"The analysis failed {video.attempts} times; last error: {reason}")
        return "failed"
    GaitVideo.objects.filter(pk=video_id, lease_token=token).update(
        status=VideoStatus.QUEUED,
        stage="Waiting to retry",
        error=f"Attempt {video.attempts} failed ({reason}); retrying.",
        lease_token=None,
        lease_until=None,
        queued_at=timezone.now(),
    )
    raise RetryLater(reason, video.attempts)


def _fail_if_out_of_attempts(video_id: int) -> None:
    """A video whose every attempt was interrupted (worker killed) is failed, not retried forever."""
    now = timezone.now()
    stuck = Q(status=VideoStatus.QUEUED) | Q(status=VideoStatus.PROCESSING, lease_until__lt=now)
    GaitVideo.objects.filter(stuck, pk=video_id, attempts__gte=settings.GAIT_MAX_ATTEMPTS).update(
        status=VideoStatus.FAILED,
        error=f"The analysis was interrupted {settings.GAIT_MAX_ATTEMPTS} times (worker stopped); press Retry.",
        stage="Failed",
        lease_token=None,
        lease_until=None,
        finished_at=now,
    )


# Sweeper -------------------------------------------------------------------------------------
def sweep_stuck_videos(*, now=None) -> list[int]:
    """Send again the videos whose job was lost: QUEUED for longer than GAIT_REQUEUE_AFTER_SECONDS
    (the broker was down at upload) or PROCESSING past their lease (the worker was killed).
    Returns the ids sent. Sending twice is harmless: only one run can claim a video."""
    from .services import send_for_analysis

    now = now or timezone.now()
    requeue_before = now - timedelta(seconds=settings.GAIT_REQUEUE_AFTER_SECONDS)
    stuck = GaitVideo.objects.filter(
        Q(status=VideoStatus.QUEUED, queued_at__lt=requeue_before)
        | Q(status=VideoStatus.PROCESSING, lease_until__lt=now)
    ).values_list("pk", flat=True)
    sent = []
    for video_id in stuck:
        _fail_if_out_of_attempts(video_id)
        # Restart the clock of a queued video, so a long queue is not re-sent on every sweep.
        GaitVideo.objects.filter(pk=video_id, status=VideoStatus.QUEUED).update(queued_at=now)
        busy = GaitVideo.objects.filter(pk=video_id, status__in=[VideoStatus.QUEUED, VideoStatus.PROCESSING])
        if busy.exists() and send_for_analysis(video_id):
            sent.append(video_id)
    return sent
