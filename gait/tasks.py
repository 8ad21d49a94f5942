"""Gait jobs. The analysis goes to the `gait` queue (CELERY_TASK_ROUTES) so long analyses never
delay reminders and email. Each task makes one call into gait.analysis, imported inside the task:
the web process that only sends jobs never loads OpenCV and the pose stack."""

from __future__ import annotations

from celery import shared_task

BACKOFF_S = 30


@shared_task(bind=True, acks_late=True, max_retries=None)
def analyse_video_task(self, video_id: int) -> str:
    from . import analysis

    try:
        return analysis.analyse_video(video_id)
    except analysis.RetryLater as exc:
        # The row is already queued again; if this retry is never published, the sweeper sends it.
        raise self.retry(countdown=BACKOFF_S * 2 ** (exc.attempts - 1), exc=exc) from exc


@shared_task
def sweep_stuck_videos() -> list[int]:
    from . import analysis

    return analysis.sweep_stuck_videos()
