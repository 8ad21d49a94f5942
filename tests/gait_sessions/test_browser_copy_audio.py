"""The browser-playable copy of a phone video keeps the sound (as AAC), in step with the picture:
how loud each foot lands is a finding a therapist may want to hear."""

from __future__ import annotations

from fractions import Fraction

import av
import numpy as np
import pytest

from gait import analysis, services

from .conftest import NOW, as_upload, make_clip, synthetic_landmarks

pytestmark = pytest.mark.django_db

RATE = 44100
CLICKS_S = [0.3 + 0.35 * k for k in range(8)]  # a foot strike every 0.35 s


def make_clip_with_sound(path, seconds=3.0, fps=30):
    """An HEVC .mov (what phones record) with a mono AAC track of short clicks at CLICKS_S."""
    sound = np.zeros(int(seconds * RATE), dtype=np.float32)
    for at in CLICKS_S:
        start = int(at * RATE)
        sound[start : start + 400] = 0.8 * np.sin(np.arange(400) / 3)
    with av.open(str(path), "w") as container:
        video = container.add_stream("libx265", rate=fps)
        video.width, video.height, video.pix_fmt = 320, 240, "yuv420p"
        video.options = {"x265-params": "log-level=error"}
        audio = container.add_stream("aac", rate=RATE)
        audio.layout = "mono"
        for i in range(int(seconds * fps)):
            rgb = np.full((240, 320, 3), 60, dtype=np.uint8)
            rgb[100:140, (i * 3) % 280 : (i * 3) % 280 + 40] = (200, 60, 60)
            container.mux(video.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")))
        for start in range(0, len(sound), 1024):
            frame = av.AudioFrame.from_ndarray(sound[None, start : start + 1024], format="flt", layout="mono")
            frame.sample_rate, frame.pts, frame.time_base = RATE, start, Fraction(1, RATE)
            container.mux(audio.encode(frame))
        container.mux(video.encode())
        container.mux(audio.encode())
    return path


def _analysed_copy(trial, therapist, path):
    video = services.video_upload(trial=trial, upload=as_upload(path), view="side", uploaded_by=therapist, now=NOW)
    assert analysis.analyse_video(video.pk, landmark_source=synthetic_landmarks()) == "done"
    video.refresh_from_db()
    assert video.browser_copy, "an HEVC original needs a browser copy"
    return video.browser_copy


def test_the_browser_copy_keeps_the_sound_in_step_with_the_picture(media_root, trial, therapist, tmp_path):
    copy = _analysed_copy(trial, therapist, make_clip_with_sound(tmp_path / "phone.mov"))
    with copy.storage.open(copy.name) as handle, av.open(handle) as container:
        assert container.streams.video[0].codec_context.name == "h264"
        audio = container.streams.audio[0]
        assert audio.codec_context.name == "aac"
        sound = np.concatenate([frame.to_ndarray().reshape(-1) for frame in container.decode(audio)])
    loud = np.abs(sound) > 0.3
    onsets = np.flatnonzero(loud[1:] & ~loud[:-1]) / RATE
    starts = [t for i, t in enumerate(onsets) if i == 0 or t - onsets[i - 1] > 0.1]  # one per click
    assert len(starts) == len(CLICKS_S)
    assert np.abs(np.array(starts) - CLICKS_S).max() < 0.03  # within a frame of the picture's clock
    assert 0.6 < np.abs(sound).max() < 1.0  # as loud as the original


def test_a_silent_original_gives_a_silent_copy(media_root, trial, therapist, tmp_path):
    copy = _analysed_copy(trial, therapist, make_clip(tmp_path / "silent.mov", codec="libx265", seconds=2.5))
    with copy.storage.open(copy.name) as handle, av.open(handle) as container:
        assert not container.streams.audio and container.streams.video
