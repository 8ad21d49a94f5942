"""The landmark series: the one data structure passed between pose extraction and analysis."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import GaitInputError

N_LANDMARKS = 33
VIEWS = ("rear", "front", "side")

# MediaPipe BlazePose landmark indices used by the engine.
NOSE = 0
LEFT_SHOULDER, RIGHT_SHOULDER = 11, 12
LEFT_ELBOW, RIGHT_ELBOW = 13, 14
LEFT_WRIST, RIGHT_WRIST = 15, 16
LEFT_HIP, RIGHT_HIP = 23, 24
LEFT_KNEE, RIGHT_KNEE = 25, 26
LEFT_ANKLE, RIGHT_ANKLE = 27, 28
LEFT_HEEL, RIGHT_HEEL = 29, 30
LEFT_FOOT_INDEX, RIGHT_FOOT_INDEX = 31, 32


@dataclass
class LandmarkSeries:
    """Pose landmarks over time for one person.

    landmarks: float array (T, 33, 4) in MediaPipe order: x, y normalised to the image
    (0-1, y down), z as MediaPipe gives it, visibility 0-1; NaN rows for frames without
    a person. timestamps: seconds per frame (T,), taken from the video so variable frame
    rate is honoured; when absent, frames are assumed evenly spaced at `fps`.
    """

    landmarks: np.ndarray
    fps: float
    width: int
    height: int
    view: str | None = None
    audio: np.ndarray | None = None
    audio_rate: int | None = None
    timestamps: np.ndarray | None = field(default=None)

    def __post_init__(self):
        self.landmarks = np.asarray(self.landmarks, dtype=np.float64)
        if self.landmarks.ndim != 3 or self.landmarks.shape[1:] != (N_LANDMARKS, 4):
            raise GaitInputError(f"landmarks must have shape (T, 33, 4), got {self.landmarks.shape}")
        if not np.isfinite(self.fps) or self.fps <= 0:
            raise GaitInputError(f"fps must be a positive number, got {self.fps}")
        if self.view is not None and self.view not in VIEWS:
            raise GaitInputError(f"view must be one of {', '.join(VIEWS)}, got {self.view!r}")
        if self.timestamps is None:
            self.timestamps = np.arange(len(self.landmarks)) / float(self.fps)
        else:
            self.timestamps = np.asarray(self.timestamps, dtype=np.float64)

    @property
    def frames(self) -> int:
        return len(self.landmarks)

    @property
    def duration_s(self) -> float:
        return self.frames / self.fps

    def save_npz(self, path: str | Path) -> None:
        extra = {}
        if self.audio is not None:
            extra = {"audio": np.asarray(self.audio, dtype=np.float32), "audio_rate": self.audio_rate}
        np.savez_compressed(
            path,
            landmarks=self.landmarks.astype(np.float32),
            fps=float(self.fps),
            width=int(self.width),
            height=int(self.height),
            view=self.view or "",
            timestamps=self.timestamps,
            **extra,
        )

    @classmethod
    def load_npz(cls, path: str | Path) -> LandmarkSeries:
        try:
            data = np.load(path, allow_pickle=False)
        except (OSError, ValueError) as exc:
            raise GaitInputError(f"cannot read landmark file {path}: {exc}") from exc
        missing = [k for k in ("landmarks", "fps", "width", "height") if k not in data]
        if missing:
            raise GaitInputError(f"landmark file {path} lacks {', '.join(missing)}")
        view = str(data["view"]) if "view" in data else ""
        return cls(
            landmarks=data["landmarks"],
            fps=float(data["fps"]),
            width=int(data["width"]),
            height=int(data["height"]),
            view=view or None,
            audio=data.get("audio", None),
            audio_rate=int(data["audio_rate"]) if "audio_rate" in data else None,
            timestamps=data.get("timestamps", None),
        )
