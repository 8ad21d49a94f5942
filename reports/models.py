"""Progress reports: each generation is a new version of the report for one gait session, made by
a durable job (core/jobs.py), stored through the default storage, previewed, then emailed."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models import DurableJob, JobStatus


class ReportStatus(models.TextChoices):
    """JobStatus in a report's words."""

    QUEUED = JobStatus.QUEUED.value, "Queued"
    RENDERING = JobStatus.RUNNING.value, "Rendering"
    READY = JobStatus.DONE.value, "Ready"
    FAILED = JobStatus.FAILED.value, "Failed"


PENDING = (ReportStatus.QUEUED, ReportStatus.RENDERING)


def report_upload_to(report: Report, filename: str) -> str:
    # Not guessable from the client or report id: files are only served through checked views,
    # and a leaked storage listing or bucket path names nobody.
    return f"reports/{secrets.token_hex(16)}/{filename}"


class Report(DurableJob):
    """One version of a client's progress report for one gait session; the row is also the job
    that renders it (on the default queue)."""

    task_name = "reports.tasks.render_report"
    lease = timedelta(minutes=3)
    max_attempts = 3
    # Kept after erasure for the audit; the file is deleted (clients.services erasure).
    GDPR_ERASE_FIELDS = ("problems", "warnings")

    status = models.CharField(max_length=8, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="reports")
    session = models.ForeignKey("gait.GaitSession", on_delete=models.PROTECT, related_name="reports")
    version = models.PositiveIntegerField()
    pdf = models.FileField(upload_to=report_upload_to, max_length=300, blank=True)
    size_bytes = models.PositiveIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    problems = models.TextField(blank=True, help_text="Why the report could not be made, one reason a line.")
    # What the therapist should know before sending (e.g. no issued programme), one a line.
    warnings = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rendered_at = models.DateTimeField(null=True, blank=True)

    class Meta(DurableJob.Meta):
        ordering = ["-created_at", "-id"]
        permissions = [("send_report", "Can email a report to the client")]
        constraints = [
            models.UniqueConstraint(fields=["session", "version"], name="report_version_unique"),
            # One generation at a time per session: a second request while one renders is refused.
            models.UniqueConstraint(
                fields=["session"], condition=Q(status__in=["queued", "running"]), name="report_one_pending_per_session"
            ),
        ]

    def __str__(self):
        return f"Report v{self.version} for client #{self.client_id}, session #{self.session_id}"

    @property
    def is_ready(self) -> bool:
        return self.status == ReportStatus.READY and bool(self.pdf)

    @property
    def problem_list(self) -> list[str]:
        return [line for line in self.problems.splitlines() if line.strip()]

    @property
    def warning_list(self) -> list[str]:
        return [line for line in self.warnings.splitlines() if line.strip()]

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING


class ReportDelivery(models.Model):
    """One request to email a report version to the client. The email itself is an outbox row
    (core.models.OutboundEmail: retried with back-off, at most once); a new delivery of the same
    report is only allowed after the previous one failed for good."""

    GDPR_ERASE_FIELDS = ("to",)

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="deliveries")
    attempt = models.PositiveSmallIntegerField(help_text="1 for the first send, 2 for a retry after a failure...")
    email = models.OneToOneField("core.OutboundEmail", on_delete=models.PROTECT, related_name="report_delivery")
    to = models.CharField(max_length=254)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["report", "attempt"], name="report_delivery_attempt_unique")]

    def __str__(self):
        return f"Delivery {self.attempt} of report #{self.report_id}"


class AccessKind(models.TextChoices):
    PREVIEW = "PREVIEW", "Preview by staff"
    LINK = "LINK", "Download through the client's link"


class ReportAccess(models.Model):
    """Every time a report's PDF was served: who (a staff user, or the link), when, from where."""

    # Where the client downloaded from is their personal data; who, what and when stay for the audit.
    GDPR_ERASE_FIELDS = ("ip", "user_agent")

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="accesses")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="report_accesses")
    kind = models.CharField(max_length=8, choices=AccessKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "report accesses"

    def __str__(self):
        return f"{self.get_kind_display()} of report #{self.report_id} at {self.at:%Y-%m-%d %H:%M}"
