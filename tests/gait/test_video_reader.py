"""gait.engine.video: probing, streaming frames, rotation, variable frame rate, audio, bad files."""

from __future__ import annotations

import types
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from gait.engine import video
from gait.engine.errors import GaitInputError

DATA = Path(__file__).resolve().parents[1] / "data" / "gait"
TREADMILL = DATA / "treadmill_side_male.mp4"


def write_clip(path, frames, fps=30, rotation=None, pts=None, audio_tone_hz=None, codec="libx264"):
    """Encode RGB frames (H.264 by default); optional display rotation, explicit pts, a sine track."""
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=fps)
        stream.height, stream.width = frames[0].shape[:2]
        stream.pix_fmt = "yuv420p"
        stream.codec_context.time_base = Fraction(1, 1000)
        if rotation is not None:
            stream.set_display_rotation(rotation)
        audio = container.add_stream("aac", rate=16000) if audio_tone_hz else None
        for i, rgb in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            frame.pts = pts[i] if pts is not None else round(i * 1000 / fps)
            frame.time_base = stream.codec_context.time_base
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
        if audio:
            _write_tone(container, audio, seconds=len(frames) / fps, hz=audio_tone_hz)
    return path


def _write_tone(container, stream, seconds, hz):
    rate = stream.rate
    samples = (0.5 * np.sin(2 * np.pi * hz * np.arange(int(seconds * rate)) / rate)).astype(np.float32)
    for start in range(0, len(samples), 1024):
        block = samples[None, start : start + 1024]
        frame = av.AudioFrame.from_ndarray(block, format="flt", layout="mono")
        frame.sample_rate = rate
        frame.pts = start
        container.mux(stream.encode(frame))
    container.mux(stream.encode())


def marked_frames(count, height=64, width=96):
    """Black frames with a white band along the top edge, to see which way is up."""
    frame = np.zeros((height, width, 3), np.uint8)
    frame[:8] = 255
    return [frame] * count


def test_probe_describes_the_treadmill_clip():
    info = video.probe(TREADMILL)
    assert (info.width, info.height) == (720, 1280)
    assert info.fps == pytest.approx(30.0)
    assert info.frame_count == 360
    assert info.duration_s == pytest.approx(12.0, abs=0.05)
    assert info.codec == "h264"
    assert not info.has_audio
    assert info.rotation == 0


def test_frames_are_streamed_downscaled_with_timestamps():
    frames = video.iter_frames(TREADMILL, max_side=320)
    assert isinstance(frames, types.GeneratorType)
    first = next(frames)
    assert first.rgb.shape == (320, 180, 3)
    assert first.time_s == pytest.approx(0.0)
    times = [first.time_s] + [frame.time_s for frame in frames]
    assert len(times) == 360
    assert np.allclose(np.diff(times), 1 / 30, atol=1e-3)


def test_seeking_starts_at_the_requested_time():
    times = [frame.time_s for frame in video.iter_frames(TREADMILL, max_side=160, start_s=5.0, end_s=6.0)]
    assert times[0] == pytest.approx(5.0, abs=1e-6)
    assert len(times) == 30


@pytest.mark.parametrize("rotation", [-90, 90, 180])
def test_rotation_metadata_is_honoured(tmp_path, rotation):
    path = write_clip(tmp_path / "rotated.mp4", marked_frames(75), rotation=rotation)
    info = video.probe(path)
    expected_size = (96, 64) if rotation == 180 else (64, 96)
    assert (info.width, info.height) == expected_size
    upright = next(video.iter_frames(path)).rgb
    assert upright.shape[:2] == expected_size[::-1]
    # The band along the stored frame's top edge ends up where the display matrix says:
    # rotated counter-clockwise by `rotation` degrees.
    edges = {
        "top": upright[:4].mean(),
        "bottom": upright[-4:].mean(),
        "left": upright[:, :4].mean(),
        "right": upright[:, -4:].mean(),
    }
    expected = {90: "left", -90: "right", 180: "bottom"}[rotation]
    assert max(edges, key=edges.get) == expected


def test_hevc_mov_portrait_like_a_phone(tmp_path):
    """iPhone-style: HEVC in a .mov, stored landscape with a -90 degree display matrix."""
    path = write_clip(tmp_path / "IMG_0001.MOV", marked_frames(75), rotation=-90, codec="libx265")
    info = video.probe(path)
    assert info.codec == "hevc"
    assert (info.width, info.height) == (64, 96)
    frames = list(video.iter_frames(path))
    assert len(frames) == 75
    assert frames[0].rgb.shape == (96, 64, 3)


def test_variable_frame_rate_keeps_real_timestamps(tmp_path):
    pts_ms = np.cumsum([0] + [33, 17] * 40)[:75]  # alternating 33 ms and 17 ms gaps
    path = write_clip(tmp_path / "vfr.mp4", marked_frames(75), fps=40, pts=list(pts_ms))
    times = [frame.time_s for frame in video.iter_frames(path)]
    assert np.allclose(times, pts_ms / 1000.0, atol=1e-3)


def test_audio_track_is_read_as_mono_float(tmp_path):
    path = write_clip(tmp_path / "with_sound.mp4", marked_frames(75), audio_tone_hz=440)
    assert video.probe(path).has_audio
    samples, rate = video.read_audio(path)
    assert rate == 16000
    assert samples.dtype == np.float32 and samples.ndim == 1
    assert len(samples) / rate == pytest.approx(2.5, abs=0.15)
    assert 0.3 < np.abs(samples).max() <= 1.0


def test_no_audio_track_gives_none():
    assert video.read_audio(TREADMILL) == (None, None)


# ---------------------------------------------------------------------------- bad files


def test_empty_file(tmp_path):
    path = tmp_path / "empty.mp4"
    path.write_bytes(b"")
    with pytest.raises(GaitInputError, match="empty"):
        video.probe(path)


def test_truncated_file(tmp_path):
    path = tmp_path / "truncated.mp4"
    path.write_bytes(TREADMILL.read_bytes()[:10_000])
    with pytest.raises(GaitInputError, match="truncated|damaged|not a readable video"):
        video.probe(path)


def test_text_file(tmp_path):
    path = tmp_path / "notes.mp4"
    path.write_text("this is not a video\n" * 50)
    with pytest.raises(GaitInputError, match="not a readable video"):
        video.probe(path)


def test_photo_renamed_to_mp4(tmp_path):
    path = tmp_path / "photo.mp4"
    path.write_bytes((DATA / "pose_still.jpg").read_bytes())
    with pytest.raises(GaitInputError, match="still image"):
        video.probe(path)


def test_audio_only_file(tmp_path):
    path = tmp_path / "voice.m4a"
    with av.open(str(path), "w", format="mp4") as container:
        _write_tone(container, container.add_stream("aac", rate=16000), seconds=3, hz=220)
    with pytest.raises(GaitInputError, match="only an audio track"):
        video.probe(path)


def test_too_long_and_too_short(tmp_path):
    path = write_clip(tmp_path / "three_seconds.mp4", marked_frames(90))
    with pytest.raises(GaitInputError, match="too long .* limit is 2 s"):
        video.probe(path, max_duration_s=2)
    with pytest.raises(GaitInputError, match="too short"):
        video.probe(path, min_duration_s=5)


def test_default_limit_rejects_a_clip_over_ten_minutes(tmp_path):
    tiny = [np.zeros((16, 16, 3), np.uint8)] * 2
    path = write_clip(tmp_path / "long.mp4", tiny, fps=30, pts=[0, 660_000])  # 11 minutes
    with pytest.raises(GaitInputError, match="too long"):
        video.probe(path)
