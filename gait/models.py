"""Gait sessions: what a therapist records at a running assessment, the videos filmed, and the
findings the engine (gait/engine/) produced from them, with the therapist's review.

Every file (original, landmarks, overlay, key frames, browser copy) is a FileField on the default
storage (STORAGES["default"]: a local folder, or an S3-compatible store), under `gait/`; files are
only served through the permission-checked media view.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from core.models import TimeStampedModel


class Footwear(models.TextChoices):
    BAREFOOT = "BAREFOOT", "Barefoot"
    SHOES = "SHOES", "Shoes"
    OTHER = "OTHER", "Other"


class GaitSession(TimeStampedModel):
    """One running assessment of a client. Locked once signed off; later changes are amendments."""

    GDPR_ERASE_FIELDS = ("notes", "footwear_detail", "signed_off_record")

    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="gait_sessions")
    appointment = models.ForeignKey(
        "appointments.Appointment", null=True, blank=True, on_delete=models.SET_NULL, related_name="gait_sessions"
    )
    care_plan = models.ForeignKey(
        "careplans.CarePlan", null=True, blank=True, on_delete=models.SET_NULL, related_name="gait_sessions"
    )
    therapist = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="gait_sessions")
    date = models.DateField()
    treadmill_speed_kmh = models.DecimalField(
        max_digits=4, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(40)]
    )
    treadmill_incline_pct = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(-10), MaxValueValidator(40)],
    )
    footwear = models.CharField(max_length=8, choices=Footwear.choices, default=Footwear.SHOES)
    footwear_detail = models.CharField(max_length=200, blank=True, help_text="e.g. the shoe model")
    pain_today = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(10)])
    # The runner on the day: the personal target bands (gait/clinical/targets.py) follow from them.
    height_cm = models.DecimalField(
        max_digits=4, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(100), MaxValueValidator(230)],
    )  # fmt: skip
    leg_length_cm = models.DecimalField(
        max_digits=4, decimal_places=1, null=True, blank=True, help_text="Floor to greater trochanter",
        validators=[MinValueValidator(40), MaxValueValidator(130)],
    )  # fmt: skip
    notes = models.TextField(blank=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The session as signed off (tests, findings and their review), kept readable after amendments.
    signed_off_record = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-date", "-id"]
        permissions = [
            ("view_session_status", "Can see that a gait session exists and its status"),
            ("sign_off_gaitsession", "Can sign off a gait session"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pain_today__isnull=True) | models.Q(pain_today__lte=10), name="gait_pain_today_0_10"
            ),
            models.CheckConstraint(
                condition=models.Q(signed_off_at__isnull=True) | models.Q(signed_off_by__isnull=False),
                name="gait_sign_off_has_author",
            ),
        ]

    @property
    def is_signed_off(self) -> bool:
        return self.signed_off_at is not None

    def __str__(self):
        return f"Gait session #{self.pk} for client #{self.client_id} on {self.date}"


class Side(models.TextChoices):
    LEFT = "LEFT", "Left"
    RIGHT = "RIGHT", "Right"
    NONE = "NONE", "Not sided"


class ClinicalTestKind(models.TextChoices):
    HIP_ABDUCTION_STRENGTH = "HIP_ABDUCTION_STRENGTH", "Hip abduction strength"
    SINGLE_LEG_SQUAT = "SINGLE_LEG_SQUAT", "Single-leg squat"
    TRENDELENBURG = "TRENDELENBURG", "Trendelenburg"
    SINGLE_LEG_BALANCE = "SINGLE_LEG_BALANCE", "Single-leg balance"
    OTHER = "OTHER", "Other"


class SquatQuality(models.TextChoices):
    GOOD = "GOOD", "Good"
    FAIR = "FAIR", "Fair (some knee or pelvic deviation)"
    POOR = "POOR", "Poor (marked deviation or loss of balance)"


class ClinicalTest(models.Model):
    """One standing test result for one side. Which value applies depends on `kind`:
    strength grade (0-5) or force (N), squat quality, Trendelenburg sign, balance seconds;
    OTHER tests are named in `name` with a free-text `result`."""

    GDPR_ERASE_FIELDS = ("result", "note")

    session = models.ForeignKey(GaitSession, on_delete=models.CASCADE, related_name="clinical_tests")
    kind = models.CharField(max_length=24, choices=ClinicalTestKind.choices)
    side = models.CharField(max_length=5, choices=Side.choices)
    name = models.CharField(max_length=120, blank=True, help_text="For other tests: what was tested")
    strength_grade = models.DecimalField(
        max_digits=2, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(5)]
    )
    force_newtons = models.DecimalField(
        max_digits=6, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    squat_quality = models.CharField(max_length=4, choices=SquatQuality.choices, blank=True)
    trendelenburg_positive = models.BooleanField(null=True, blank=True)
    balance_seconds = models.DecimalField(
        max_digits=5, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    result = models.CharField(max_length=300, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["kind", "side", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "kind", "side"],
                condition=~models.Q(kind="OTHER"),
                name="gait_one_clinical_test_per_side",
            ),
        ]

    def __str__(self):
        return f"{self.name or self.get_kind_display()} ({self.get_side_display()})"


class TrialKind(models.TextChoices):
    BASELINE = "BASELINE", "Baseline"
    WITH_CUES = "WITH_CUES", "With cues"
    OTHER = "OTHER", "Other"


class Trial(models.Model):
    """One run on the treadmill, e.g. the baseline run or a second run with retraining cues."""

    GDPR_ERASE_FIELDS = ("cues",)

    session = models.ForeignKey(GaitSession, on_delete=models.CASCADE, related_name="trials")
    kind = models.CharField(max_length=9, choices=TrialKind.choices, default=TrialKind.BASELINE)
    label = models.CharField(max_length=80)
    cues = models.TextField(blank=True, help_text='Cues given, e.g. "run quietly", "drive the arms back"')
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.label


class View(models.TextChoices):
    REAR = "rear", "Rear"
    FRONT = "front", "Front"
    SIDE = "side", "Side"
    AUTO = "auto", "Detect automatically"


class VideoStatus(models.TextChoices):
    QUEUED = "QUEUED", "Queued"
    PROCESSING = "PROCESSING", "Processing"
    DONE = "DONE", "Analysed"
    FAILED = "FAILED", "Failed"


def _video_folder(video: GaitVideo) -> str:
    # Folder per client, so the media rule and erasure can reason about it; the name is random
    # so it reveals nothing about the client.
    return f"gait/client-{video.client_id}/{video.token.hex}"


def original_upload_to(video: GaitVideo, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower()[:8] if "." in filename else "bin"
    return f"{_video_folder(video)}/original.{extension}"


def result_upload_to(video: GaitVideo, filename: str) -> str:
    return f"{_video_folder(video)}/{filename}"


def keyframe_upload_to(finding: Finding, filename: str) -> str:
    return f"{_video_folder(finding.video)}/keyframes/{filename}"


class GaitVideo(models.Model):
    """One uploaded video of a trial, and the state and results of its analysis.

    The worker claims the row with a lease (lease_token, lease_until) in a conditional UPDATE,
    so a redelivered or re-sent job never runs twice at once; a job whose lease ran out (worker
    killed) is sent again by the beat sweeper.
    """

    GDPR_ERASE_FIELDS = ("original_name", "sha256")

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="videos")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="gait_videos")
    token = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    view = models.CharField(max_length=5, choices=View.choices, default=View.AUTO)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()

    original = models.FileField(upload_to=original_upload_to, max_length=300)
    original_name = models.CharField(max_length=255)
    size_bytes = models.BigIntegerField()
    # One clinic per installation: the same file can be stored once. Blanked by erasure.
    sha256 = models.CharField(max_length=64, null=True, blank=True, unique=True)
    duration_s = models.FloatField()
    fps = models.FloatField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    rotation = models.PositiveSmallIntegerField(default=0)
    codec = models.CharField(max_length=32)

    status = models.CharField(max_length=10, choices=VideoStatus.choices, default=VideoStatus.QUEUED, db_index=True)
    stage = models.CharField(max_length=40, blank=True)
    percent = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_token = models.UUIDField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    queued_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    browser_copy = models.FileField(upload_to=result_upload_to, max_length=300, blank=True)
    landmarks = models.FileField(upload_to=result_upload_to, max_length=300, blank=True)
    overlay = models.FileField(upload_to=result_upload_to, max_length=300, blank=True)
    detected_view = models.CharField(max_length=5, blank=True)
    # The engine's report without its findings (metrics, events, quality, cadence, steps).
    report = models.JSONField(null=True, blank=True)
    engine_version = models.CharField(max_length=80, blank=True)
    thresholds = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["status", "lease_until"], name="gait_video_sweep")]
        constraints = [
            models.CheckConstraint(condition=models.Q(percent__lte=100), name="gait_video_percent_0_100"),
            models.CheckConstraint(
                condition=~models.Q(status="PROCESSING") | models.Q(lease_until__isnull=False),
                name="gait_video_processing_has_lease",
            ),
        ]

    def __str__(self):
        return f"Video #{self.pk} ({self.get_view_display()}) of trial #{self.trial_id}"

    @property
    def playable(self):
        """The file a browser can play: the H.264 copy when one was made, else the original."""
        return self.browser_copy if self.browser_copy else self.original


FINDING_SIDES = [("", "Both / not sided"), ("left", "Left"), ("right", "Right")]


class Severity(models.TextChoices):
    MILD = "mild", "Mild"
    MODERATE = "moderate", "Moderate"
    MARKED = "marked", "Marked"


class FindingSource(models.TextChoices):
    ENGINE = "ENGINE", "Gait engine"
    THERAPIST = "THERAPIST", "Therapist"


class Review(models.TextChoices):
    PENDING = "PENDING", "Not reviewed"
    ACCEPTED = "ACCEPTED", "Accepted"
    REJECTED = "REJECTED", "Rejected"
    EDITED = "EDITED", "Edited"


class Finding(models.Model):
    """A finding of a session: found by the engine in a video (its values kept as they were),
    or added by the therapist. The therapist's review is kept beside the engine's values."""

    GDPR_ERASE_FIELDS = ("note", "therapist_summary")

    session = models.ForeignKey(GaitSession, on_delete=models.CASCADE, related_name="findings")
    video = models.ForeignKey(GaitVideo, null=True, blank=True, on_delete=models.CASCADE, related_name="findings")
    source = models.CharField(max_length=9, choices=FindingSource.choices)
    code = models.CharField(max_length=40)
    side = models.CharField(max_length=5, blank=True, help_text="left, right, or blank for both / not sided")
    # Engine values (never changed by the review).
    value = models.FloatField(null=True, blank=True)
    unit = models.CharField(max_length=24, blank=True)
    threshold = models.FloatField(null=True, blank=True)
    severity = models.CharField(max_length=8, choices=Severity.choices, blank=True)
    confidence = models.FloatField(null=True, blank=True)
    evidence_frames = models.JSONField(default=list, blank=True)
    summary = models.TextField(blank=True)
    keyframe = models.FileField(upload_to=keyframe_upload_to, max_length=300, blank=True)
    # Review.
    review = models.CharField(max_length=8, choices=Review.choices, default=Review.PENDING)
    therapist_severity = models.CharField(max_length=8, choices=Severity.choices, blank=True)
    therapist_side = models.CharField(max_length=5, blank=True)
    therapist_summary = models.TextField(blank=True)
    note = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            # A redelivered analysis cannot store its findings twice.
            models.UniqueConstraint(
                fields=["video", "code", "side"],
                condition=models.Q(source="ENGINE"),
                name="gait_engine_finding_once_per_video",
            ),
            models.CheckConstraint(
                condition=models.Q(source="THERAPIST") | models.Q(video__isnull=False),
                name="gait_engine_finding_has_video",
            ),
        ]

    def __str__(self):
        return f"{self.code} ({self.side or 'both'}) in session #{self.session_id}"

    @property
    def current_severity(self) -> str:
        return self.therapist_severity or self.severity

    @property
    def current_side(self) -> str:
        return self.therapist_side or self.side

    @property
    def current_summary(self) -> str:
        return self.therapist_summary or self.summary


class Amendment(models.Model):
    """A change to a signed-off session: who, when, why, and what the record said before."""

    # The snapshots may quote notes; erasure blanks them with the reason.
    GDPR_ERASE_FIELDS = ("reason", "before", "after")

    session = models.ForeignKey(GaitSession, on_delete=models.CASCADE, related_name="amendments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    reason = models.TextField()
    target = models.CharField(max_length=40, help_text="e.g. finding:12, session, clinical_test:3")
    before = models.JSONField()
    after = models.JSONField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"Amendment of {self.target} in session #{self.session_id}"


class AccessKind(models.TextChoices):
    VIDEO = "VIDEO", "Video"
    LANDMARKS = "LANDMARKS", "Landmarks"
    FINDINGS = "FINDINGS", "Findings"
    KEYFRAME = "KEYFRAME", "Key frame"


class GaitAccess(models.Model):
    """Who looked at a client's gait video, landmarks or findings, and when."""

    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="gait_accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=9, choices=AccessKind.choices)
    what = models.CharField(max_length=200, help_text="e.g. video #3 overlay, session #2 findings")

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "gait access log entry"
        verbose_name_plural = "gait access log"

    def __str__(self):
        return f"{self.user} viewed {self.what} at {self.at:%Y-%m-%d %H:%M}"


class SuggestionStatus(models.TextChoices):
    SUGGESTED = "SUGGESTED", "Suggested"
    CONFIRMED = "CONFIRMED", "Confirmed"
    DISMISSED = "DISMISSED", "Dismissed"


class ClinicalSuggestion(models.Model):
    """A clinical reasoning suggestion (gait/clinical/reasoning.py) for a session, and the
    therapist's decision. Recomputed from the session's findings and tests while the session is
    open (a decided suggestion keeps its decision); locked with the session at sign-off.
    `current` is False when the findings no longer produce it (kept so a decision is not lost)."""

    GDPR_ERASE_FIELDS = ("note",)

    session = models.ForeignKey(GaitSession, on_delete=models.CASCADE, related_name="suggestions")
    code = models.CharField(max_length=40)
    side = models.CharField(max_length=5, blank=True, help_text="left, right, or blank for both / not sided")
    strength = models.CharField(max_length=10)
    score = models.PositiveSmallIntegerField(validators=[MaxValueValidator(3)])
    title = models.CharField(max_length=200)
    rationale = models.TextField()
    evidence = models.JSONField(default=list)
    sources = models.JSONField(default=list)
    current = models.BooleanField(default=True)
    status = models.CharField(max_length=9, choices=SuggestionStatus.choices, default=SuggestionStatus.SUGGESTED)
    note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "code", "side"], name="gait_suggestion_once_per_session"),
            models.CheckConstraint(
                condition=models.Q(status="SUGGESTED")
                | (models.Q(decided_by__isnull=False) & models.Q(decided_at__isnull=False)),
                name="gait_suggestion_decision_has_author",
            ),
            models.CheckConstraint(condition=models.Q(score__lte=3), name="gait_suggestion_score_0_3"),
        ]

    def __str__(self):
        return f"{self.title} ({self.get_status_display()}) in session #{self.session_id}"
