"""Adapter around MediaPipe's legacy pose solution (the only module importing mediapipe).

Legacy `solutions.pose` follows ONE person. To make that person the one being filmed,
not a bystander who happened to be in the picture first, the estimator:

1. tracks on the full frame as usual (exactly MediaPipe's own behaviour while only one
   person is ever seen);
2. every `scan_every` frames runs a still-image detection on the frame with the tracked
   person blanked out; if that finds someone who is clearly nearer the camera (taller and
   standing lower in the picture, `subject_score`), it switches to that person;
3. once a second person has been seen, it tracks on a crop around the chosen person, so
   the tracker cannot wander off to the other one.

`keep_main_person` then cleans the whole series offline: it cuts it into stretches of
one continuously tracked person and keeps the stretch (and its re-acquisitions) with the
largest accumulated score: the nearest and most persistent person.
"""

from __future__ import annotations

import numpy as np

from .landmarks import (
    LEFT_ANKLE,
    LEFT_SHOULDER,
    RIGHT_ANKLE,
    RIGHT_SHOULDER,
)

SCAN_EVERY = 15  # frames between looks for a second person (0.5 s at 30 fps)
SWITCH_MARGIN = 1.15  # a newcomer must score this much higher to take over
CROP_SCALE = 1.8  # crop side relative to the person's box
MIN_VISIBILITY = 0.5


class PoseEstimator:
    """`with PoseEstimator() as pose: landmarks = pose.process(rgb)` -> (33, 4) or None.

    Landmarks are x, y normalised to the whole frame (0-1, y down), z, visibility.
    static_image_mode=True runs the detector on every image (for stills), with no tracking.
    """

    def __init__(self, static_image_mode: bool = False, scan_every: int = SCAN_EVERY):
        self.static_image_mode = static_image_mode
        self.scan_every = scan_every
        self._tracker = _new_pose(static_image_mode)
        self._scanner = None
        self._frame_index = 0
        self._subject_box = None  # (x0, y0, x1, y1) in pixels, last good box
        self._crowded = False  # a second person has been seen: track on crops

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        for pose in (self._tracker, self._scanner):
            if pose is not None:
                pose.close()

    def process(self, rgb: np.ndarray) -> np.ndarray | None:
        if self.static_image_mode:
            return _run(self._tracker, rgb)
        landmarks = self._track(rgb)
        if self._frame_index % self.scan_every == 0:
            landmarks = self._look_for_someone_nearer(rgb, landmarks)
        self._frame_index += 1
        if landmarks is not None:
            self._subject_box = person_box(landmarks, rgb.shape)
        return landmarks

    def _track(self, rgb: np.ndarray) -> np.ndarray | None:
        if not (self._crowded and self._subject_box is not None):
            return _run(self._tracker, rgb)
        x0, y0, x1, y1 = _crop_around(self._subject_box, rgb.shape)
        crop = np.ascontiguousarray(rgb[y0:y1, x0:x1])
        landmarks = _run(self._tracker, crop)
        if landmarks is None:
            return None
        return _uncrop(landmarks, (x0, y0, x1, y1), rgb.shape)

    def _look_for_someone_nearer(self, rgb, landmarks):
        if self._scanner is None:
            self._scanner = _new_pose(static_image_mode=True)
        masked = rgb
        if landmarks is not None:
            masked = rgb.copy()
            x0, y0, x1, y1 = _grow(person_box(landmarks, rgb.shape), 1.2, rgb.shape)
            masked[y0:y1, x0:x1] = 0
        other = _run(self._scanner, masked)
        if other is None or _mean_visibility(other) < MIN_VISIBILITY:
            return landmarks
        if landmarks is None:
            return other
        self._crowded = True
        if subject_score(other, rgb.shape) > SWITCH_MARGIN * subject_score(landmarks, rgb.shape):
            return other
        return landmarks


def subject_score(landmarks: np.ndarray, shape) -> float:
    """How much a person looks like the filmed subject: nearer the camera scores higher.

    Body length (shoulders to ankles) plus how low the feet are, both in image heights:
    on level ground a person nearer the camera is taller and stands lower in the picture.
    """
    height, width = shape[:2]
    xy = landmarks[:, :2] * (width, height)
    shoulders = xy[[LEFT_SHOULDER, RIGHT_SHOULDER]].mean(axis=0)
    ankles = xy[[LEFT_ANKLE, RIGHT_ANKLE]].mean(axis=0)
    return float((np.linalg.norm(ankles - shoulders) + ankles[1]) / height)


def person_box(landmarks: np.ndarray, shape) -> tuple[float, float, float, float]:
    height, width = shape[:2]
    xy = landmarks[:, :2] * (width, height)
    return (*xy.min(axis=0), *xy.max(axis=0))


def keep_main_person(landmarks: np.ndarray, width: int, height: int) -> np.ndarray:
    """NaN out frames that show someone other than the main person (see module doc)."""
    segments = _identity_segments(landmarks, width, height)
    if len(segments) <= 1:
        return landmarks
    scores = [sum(subject_score(landmarks[i], (height, width)) for i in range(a, b)) for a, b in segments]
    main = int(np.argmax(scores))
    keep = np.zeros(len(landmarks), dtype=bool)
    for a, b in _same_person_segments(landmarks, segments, main, width, height):
        keep[a:b] = True
    cleaned = landmarks.copy()
    cleaned[~keep] = np.nan
    return cleaned


# ---------------------------------------------------------------------------- helpers


def _new_pose(static_image_mode: bool):
    import mediapipe as mp  # imported here so the rest of the engine loads without it

    return mp.solutions.pose.Pose(
        static_image_mode=static_image_mode,
        model_complexity=1,  # the only model shipped in the wheel; 0 and 2 download
        smooth_landmarks=True,
        min_detection_confidence=0.5,
        min_tracking_confidence=0.5,
    )


def _run(pose, rgb: np.ndarray) -> np.ndarray | None:
    result = pose.process(rgb)
    if result.pose_landmarks is None:
        return None
    return np.array([(p.x, p.y, p.z, p.visibility) for p in result.pose_landmarks.landmark], dtype=np.float64)


def _mean_visibility(landmarks: np.ndarray) -> float:
    return float(np.mean(landmarks[:, 3]))


def _grow(box, factor: float, shape):
    height, width = shape[:2]
    x0, y0, x1, y1 = box
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    half_w, half_h = (x1 - x0) * factor / 2, (y1 - y0) * factor / 2
    return (
        int(max(0, cx - half_w)),
        int(max(0, cy - half_h)),
        int(min(width, cx + half_w)),
        int(min(height, cy + half_h)),
    )


def _crop_around(box, shape):
    """A square-ish crop around the person, big enough for a stride between frames."""
    x0, y0, x1, y1 = box
    side = max(x1 - x0, y1 - y0, 32.0) * CROP_SCALE
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return _grow((cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2), 1.0, shape)


def _uncrop(landmarks: np.ndarray, crop, shape) -> np.ndarray:
    height, width = shape[:2]
    x0, y0, x1, y1 = crop
    out = landmarks.copy()
    out[:, 0] = (landmarks[:, 0] * (x1 - x0) + x0) / width
    out[:, 1] = (landmarks[:, 1] * (y1 - y0) + y0) / height
    out[:, 2] = landmarks[:, 2] * (x1 - x0) / width  # z shares x's scale in MediaPipe
    return out


def _identity_segments(landmarks, width, height) -> list[tuple[int, int]]:
    """Runs of detected frames in which the person's box moves continuously."""
    segments, start, previous = [], None, None
    for i in range(len(landmarks) + 1):
        found = i < len(landmarks) and not np.isnan(landmarks[i, 0, 0])
        jumped = found and previous is not None and _jump(landmarks[previous], landmarks[i], width, height)
        if start is not None and (not found or jumped):
            segments.append((start, i))
            start = None
        if found and start is None:
            start = i
        previous = i if found else None
    return segments


def _jump(a: np.ndarray, b: np.ndarray, width: int, height: int) -> bool:
    """True when consecutive detections are too far apart to be one person moving."""
    box_a = np.array(person_box(a, (height, width)))
    box_b = np.array(person_box(b, (height, width)))
    size = max(box_a[3] - box_a[1], box_b[3] - box_b[1], 1.0)
    centre_a = (box_a[:2] + box_a[2:]) / 2
    centre_b = (box_b[:2] + box_b[2:]) / 2
    return bool(np.linalg.norm(centre_a - centre_b) > 0.5 * size)


def _same_person_segments(landmarks, segments, main, width, height):
    """The main segment plus later/earlier ones that resume where it was (re-acquisitions)."""
    kept = [segments[main]]
    for order in (segments[main + 1 :], segments[:main][::-1]):
        last = segments[main]
        for candidate in order:
            before, after = (last, candidate) if candidate[0] > last[0] else (candidate, last)
            if not _jump(landmarks[before[1] - 1], landmarks[after[0]], width, height):
                kept.append(candidate)
                last = candidate
    return kept
