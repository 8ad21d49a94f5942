"""gait.engine.pose: the adapter reproduces MediaPipe's published landmarks and follows the subject."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from gait.engine import video
from gait.engine.pose import PoseEstimator, keep_main_person

DATA = Path(__file__).resolve().parents[1] / "data" / "gait"

pytestmark = pytest.mark.slow


def test_still_image_matches_mediapipe_expected_landmarks():
    expected = json.loads((DATA / "pose_still.expected_landmarks.json").read_text())
    rgb = cv2.cvtColor(cv2.imread(str(DATA / "pose_still.jpg")), cv2.COLOR_BGR2RGB)
    with PoseEstimator(static_image_mode=True) as pose:
        landmarks = pose.process(rgb)
    height, width = rgb.shape[:2]
    pixels = landmarks[:, :2] * (width, height)
    error = np.abs(pixels - np.array(expected["expected_pixel_xy"]))
    assert error.max() <= expected["pixel_tolerance_abs_per_axis"]  # 15 px


def test_tracking_matches_expected_squat_landmarks():
    """Tracking mode on a 65-frame video: within 31 px everywhere, 99 % within 15 px."""
    expected = np.array(json.loads((DATA / "squats_front.expected_landmarks.json").read_text()))[..., :2]
    found = []
    with PoseEstimator() as pose:
        for frame in video.iter_frames(DATA / "squats_front.mp4"):
            height, width = frame.rgb.shape[:2]
            found.append(pose.process(frame.rgb)[:, :2] * (width, height))
    error = np.abs(np.array(found) - expected)
    assert error.shape == (65, 33, 2)
    assert error.max() <= 31
    assert np.percentile(error, 99) <= 15


def test_keep_main_person_drops_a_brief_other_person():
    person = np.zeros((33, 4))
    person[:, 0] = np.linspace(0.45, 0.55, 33)
    person[:, 1] = np.linspace(0.3, 0.9, 33)
    person[:, 3] = 1.0
    bystander = person.copy()
    bystander[:, 0] += 0.35
    bystander[:, 1] = np.linspace(0.1, 0.4, 33)
    landmarks = np.array([person] * 20 + [bystander] * 5 + [np.full((33, 4), np.nan)] * 2 + [person] * 20)
    kept = keep_main_person(landmarks, 1280, 720)
    found = np.isfinite(kept[:, 0, 0])
    assert found[:20].all() and found[27:].all()
    assert not found[20:27].any()
