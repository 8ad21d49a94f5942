"""Fixtures for comparisons: the gait session fixtures, and trials whose analysed video carries a
given report (for the verdict logic at the API, where only the numbers matter)."""

from __future__ import annotations

import pytest

from gait.models import GaitVideo, VideoStatus
from tests.gait_sessions.conftest import NOW, consenting_client, gait_session, media_root  # noqa: F401


def report(metrics: dict, view: str = "side", fps: float = 60.0, events: dict | None = None) -> dict:
    """An engine report (schema stridewell.gait/1) holding these metrics ({name: (left, right, unit)})."""
    return {
        "schema": "stridewell.gait/1",
        "view": view,
        "fps": fps,
        "metrics": {
            name: {"left": left, "right": right, "unit": unit} for name, (left, right, unit) in metrics.items()
        },
        "events": events or {"left": {"initial_contact": [10, 52, 94]}, "right": {"initial_contact": [31, 73]}},
    }


@pytest.fixture
def video_with_report(therapist):
    """video_with_report(trial, report, view=...) -> an analysed video row holding that report."""
    count = iter(range(1, 10_000))

    def make(trial, body: dict, view: str | None = None, status: str = VideoStatus.DONE) -> GaitVideo:
        n = next(count)
        view = view or body.get("view", "side")
        return GaitVideo.objects.create(
            trial=trial, client=trial.session.client, view=view, uploaded_by=therapist, uploaded_at=NOW,
            original=f"gait/client-{trial.session.client_id}/test-{trial.pk}-{n}/original.mp4",
            original_name=f"run-{n}.mp4", size_bytes=1000, duration_s=4.0, fps=body.get("fps", 60.0), width=320,
            height=240, codec="h264", status=status, queued_at=NOW, report=body if status == VideoStatus.DONE else None,
            detected_view=body.get("view", view),
        )  # fmt: skip

    return make
