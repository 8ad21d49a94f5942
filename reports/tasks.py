from celery import shared_task
from django.utils import timezone

from core.clinic_time import clinic_tz


@shared_task(name="reports.tasks.render_report", acks_late=True, ignore_result=True)
def render_report(report_id: int) -> bool:
    """Render one Report row (idempotent: the row's claim decides who renders). Default queue."""
    from .services import report_render

    now = timezone.now()
    return report_render(report_id=report_id, now=now, today=now.astimezone(clinic_tz()).date())
