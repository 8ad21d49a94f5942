"""Writes about gait sessions: sessions, clinical tests, trials, video uploads, the therapist's
review of findings, sign-off and amendments, and the access log.

The analysis itself (what the worker runs) is in gait/analysis.py.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict

from clients.models import Client, ConsentPurpose
from clients.services import require_consent
from core.exceptions import ApplicationError, ConflictError
from exercises.selectors import draft_made_since
from exercises.services import programme_create_draft
from exercises.suggestions import suggest_programme

from .clinical import reasoning, targets
from .engine.errors import GaitInputError
from .engine.video import probe
from .models import (
    AccessKind,
    Amendment,
    ClinicalSuggestion,
    ClinicalTest,
    Finding,
    FindingSource,
    GaitAccess,
    GaitSession,
    GaitVideo,
    Review,
    Severity,
    SuggestionStatus,
    Trial,
    TrialKind,
    VideoStatus,
    View,
)
from .selectors import session_cadence, target_runner

logger = logging.getLogger(__name__)

SESSION_FIELDS = (
    "appointment",
    "care_plan",
    "therapist",
    "date",
    "treadmill_speed_kmh",
    "treadmill_incline_pct",
    "footwear",
    "footwear_detail",
    "pain_today",
    "height_cm",
    "leg_length_cm",
    "notes",
)
CLINICAL_TEST_VALUES = (
    "name",
    "strength_grade",
    "force_newtons",
    "squat_quality",
    "trendelenburg_positive",
    "balance_seconds",
    "result",
    "note",
)
CHUNK = 1024 * 1024


# Errors ------------------------------------------------------------------------------------
class SessionSignedOff(ConflictError):
    """The session is locked; the change must be made as an amendment, with a reason."""

    code = "session_signed_off"


class VideoRejected(ApplicationError):
    """The upload is not a video that can be analysed; the message says why."""

    code = "video_rejected"


class VideoTooLarge(ApplicationError):
    status_code = 413
    code = "file_too_large"


class DuplicateVideo(ConflictError):
    code = "duplicate_video"


class StorageUnavailable(ApplicationError):
    status_code = 503
    code = "storage_unavailable"


def _require_clinical(user) -> None:
    if user is not None and not user.has_perm("gait.view_gaitsession"):
        raise PermissionDenied("Only clinical staff may record gait sessions.")


def _full_clean(row) -> None:
    row.full_clean(exclude=["client", "session", "trial", "therapist", "uploaded_by"])


# Sessions ----------------------------------------------------------------------------------
@transaction.atomic
def session_create(*, client: Client, therapist, created_by, date: date, **fields) -> GaitSession:
    """Start a gait session for a client (optionally linked to an appointment and a care plan)."""
    _require_clinical(created_by)
    unknown = set(fields) - set(SESSION_FIELDS)
    if unknown:
        raise TypeError(f"Not session fields: {', '.join(sorted(unknown))}")
    if client.erased_at:
        raise ConflictError("This client's personal data has been erased.")
    for link in ("appointment", "care_plan"):
        linked = fields.get(link)
        if linked is not None and linked.client_id != client.pk:
            raise ValidationError({link: [f"That {link.replace('_', ' ')} belongs to another client."]})
    session = GaitSession(client=client, therapist=therapist, date=date, **fields)
    _full_clean(session)
    session.save()
    return session


@transaction.atomic
def session_create_with_tests(*, client, therapist, created_by, now, clinical_tests=(), **fields) -> GaitSession:
    """A session and its standing clinical tests, in one go (all or nothing)."""
    session = session_create(client=client, therapist=therapist, created_by=created_by, **fields)
    for test in clinical_tests:
        clinical_test_record(session=session, by=created_by, now=now, **test)
    return session


def _locked_session(session_id) -> GaitSession:
    return GaitSession.objects.select_for_update().get(pk=session_id)


def _snapshot(row) -> dict:
    data = model_to_dict(row)
    for key, value in list(data.items()):
        if hasattr(value, "name") and not isinstance(value, str):  # FieldFile
            data[key] = value.name or ""
        elif not isinstance(value, (str, int, float, bool, type(None), list, dict)):
            data[key] = str(value)
    return data


@transaction.atomic
def session_update(*, session: GaitSession, data: dict, by, now: datetime, reason: str = "") -> GaitSession:
    """Change session details. After sign-off only as an amendment (a reason is required)."""
    _require_clinical(by)
    unknown = set(data) - set(SESSION_FIELDS)
    if unknown:
        raise TypeError(f"Not session fields: {', '.join(sorted(unknown))}")
    session = _locked_session(session.pk)
    before = _snapshot(session)
    for name, value in data.items():
        setattr(session, name, value)
    _full_clean(session)
    session.save()
    _amend_if_signed_off(session, "session", before, _snapshot(session), by, now, reason)
    suggestions_refresh(session_id=session.pk)
    return session


def _amend_if_signed_off(session, target, before, after, by, now, reason) -> None:
    if not session.is_signed_off:
        return
    reason = (reason or "").strip()
    if not reason:
        raise SessionSignedOff(
            "This session is signed off: changes are amendments and need a reason.",
            extra={"errors": {"reason": ["Give the reason for the amendment."]}},
        )
    Amendment.objects.create(
        session=session, author=by, at=now, reason=reason, target=target, before=before, after=after
    )


@transaction.atomic
def clinical_test_record(
    *, session: GaitSession, kind: str, side: str, by, now: datetime, reason: str = "", **values
) -> ClinicalTest:
    """Record (or correct) one standing test for one side; OTHER tests may be recorded many times."""
    _require_clinical(by)
    unknown = set(values) - set(CLINICAL_TEST_VALUES)
    if unknown:
        raise TypeError(f"Not clinical test fields: {', '.join(sorted(unknown))}")
    session = _locked_session(session.pk)
    test = None
    if kind != "OTHER":
        test = ClinicalTest.objects.filter(session=session, kind=kind, side=side).first()
    before = _snapshot(test) if test else {}
    test = test or ClinicalTest(session=session, kind=kind, side=side)
    for name, value in values.items():
        setattr(test, name, value)
    _full_clean(test)
    test.save()
    _amend_if_signed_off(session, f"clinical_test:{test.pk}", before, _snapshot(test), by, now, reason)
    suggestions_refresh(session_id=session.pk)
    return test


# Trials and videos -------------------------------------------------------------------------
@transaction.atomic
def trial_create(*, session: GaitSession, kind: str, label: str, cues: str = "", by) -> Trial:
    _require_clinical(by)
    session = _locked_session(session.pk)
    if session.is_signed_off:
        raise SessionSignedOff("This session is signed off; start a new session for new runs.")
    trial = Trial(session=session, kind=kind, label=(label or "").strip(), cues=(cues or "").strip())
    _full_clean(trial)
    trial.save()
    return trial


def upload_limit_bytes() -> int:
    return settings.GAIT_UPLOAD_MAX_BYTES


def check_upload_size(size: int | None) -> None:
    limit = upload_limit_bytes()
    if size is not None and size > limit:
        raise VideoTooLarge(
            f"The file is {size / 1e6:,.0f} MB; the limit is {limit / 1e6:,.0f} MB.",
            extra={"limit_bytes": limit},
        )


@contextmanager
def _local_path(upload: UploadedFile):
    """A path on disk for the upload: Django's temporary file for big uploads, else a copy."""
    if hasattr(upload, "temporary_file_path"):
        yield Path(upload.temporary_file_path())
        return
    suffix = Path(upload.name or "").suffix[:8]
    with tempfile.NamedTemporaryFile(suffix=suffix) as copy:
        upload.seek(0)
        shutil.copyfileobj(upload, copy, CHUNK)
        copy.flush()
        yield Path(copy.name)


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks(CHUNK):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _duplicate_error(first: GaitVideo) -> DuplicateVideo:
    return DuplicateVideo(
        f"This file was already uploaded on {first.uploaded_at:%d %b %Y} "
        f"(video #{first.pk}, session #{first.trial.session_id}).",
        extra={
            "video_id": first.pk,
            "session_id": first.trial.session_id,
            "session_url": f"/gait/sessions/{first.trial.session_id}/",
        },
    )


def video_upload(*, trial: Trial, upload: UploadedFile, view: str, uploaded_by, now: datetime) -> GaitVideo:
    """Store an uploaded video unchanged and queue its analysis.

    Refused, with the reason, when: the client has no current consent to video recording, the
    file is over the size limit, the view is unknown, the same file (SHA-256) was uploaded before
    (the error names the first upload), or the file is not a video the engine can read (probe:
    not a video, damaged or truncated, too short or long, too few frames per second). The file is
    streamed: hashed and copied in chunks, never held whole in memory.
    """
    _require_clinical(uploaded_by)
    session = trial.session
    if session.is_signed_off:
        raise SessionSignedOff("This session is signed off; start a new session for new videos.")
    require_consent(session.client, ConsentPurpose.VIDEO)
    check_upload_size(upload.size)
    if view not in View.values:
        raise VideoRejected(
            f"Unknown view {view!r}; use one of {', '.join(View.values)}.",
            extra={"errors": {"view": ["Unknown view."]}},
        )
    sha256 = _sha256(upload)
    first = GaitVideo.objects.select_related("trial").filter(sha256=sha256).first()
    if first:
        raise _duplicate_error(first)
    with _local_path(upload) as path:
        try:
            info = probe(path)
        except GaitInputError as exc:
            raise VideoRejected(f"{upload.name}: {exc}") from exc
    video = GaitVideo(
        trial=trial,
        client=session.client,
        view=view,
        uploaded_by=uploaded_by,
        uploaded_at=now,
        original_name=(upload.name or "video")[:255],
        size_bytes=upload.size,
        sha256=sha256,
        duration_s=info.duration_s,
        fps=info.fps,
        width=info.width,
        height=info.height,
        rotation=info.rotation,
        codec=info.codec,
        queued_at=now,
    )
    try:
        video.original.save(upload.name or "video.mp4", upload, save=False)  # streams the chunks to storage
    except Exception as exc:  # noqa: BLE001 - disk full, object store down: say so, keep nothing half-done
        logger.exception("Could not store an uploaded gait video")
        raise StorageUnavailable(
            "The video could not be stored (file storage unreachable); nothing was saved, please try again."
        ) from exc
    try:
        with transaction.atomic():
            video.save()
            transaction.on_commit(lambda: send_for_analysis(video.pk))
    except IntegrityError:
        video.original.storage.delete(video.original.name)
        first = GaitVideo.objects.select_related("trial").filter(sha256=sha256).first()
        if first:  # uploaded twice at the same moment
            raise _duplicate_error(first) from None
        raise
    return video


def send_for_analysis(video_id: int) -> bool:
    """Publish the analysis job. The broker being down is no error for the caller: the row stays
    QUEUED and the sweeper (gait.analysis.sweep_stuck_videos) sends it again later."""
    from .tasks import analyse_video_task

    try:
        analyse_video_task.apply_async(args=[video_id], retry=False)
    except Exception:  # noqa: BLE001 - any broker failure: the sweeper retries
        logger.warning("Could not send gait video #%s for analysis; it stays queued", video_id, exc_info=True)
        return False
    return True


@transaction.atomic
def video_retry(*, video: GaitVideo, by, now: datetime) -> GaitVideo:
    """Queue a failed video for analysis again (a fresh set of attempts)."""
    _require_clinical(by)
    video = GaitVideo.objects.select_for_update().get(pk=video.pk)
    if video.status != VideoStatus.FAILED:
        raise ConflictError(f"Only a failed video can be retried; this one is {video.get_status_display().lower()}.")
    if not video.original:
        raise ConflictError("The original file of this video no longer exists.")
    video.status = VideoStatus.QUEUED
    video.stage = ""
    video.percent = 0
    video.attempts = 0
    video.error = ""
    video.queued_at = now
    video.save(update_fields=["status", "stage", "percent", "attempts", "error", "queued_at"])
    transaction.on_commit(lambda: send_for_analysis(video.pk))
    return video


# Review ------------------------------------------------------------------------------------
REVIEW_ACTIONS = ("accept", "reject", "edit")


@transaction.atomic
def finding_review(
    *,
    finding: Finding,
    action: str,
    by,
    now: datetime,
    note: str = "",
    severity: str | None = None,
    side: str | None = None,
    summary: str | None = None,
    reason: str = "",
) -> Finding:
    """Accept, reject or edit (severity, side, summary) a finding, with a note. The engine's
    values stay as they were. After sign-off this is an amendment and needs a reason."""
    _require_clinical(by)
    if action not in REVIEW_ACTIONS:
        raise ValidationError({"action": [f"Use one of {', '.join(REVIEW_ACTIONS)}."]})
    session = _locked_session(finding.session_id)
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    before = _snapshot(finding)
    if action == "edit":
        if severity is None and side is None and summary is None:
            raise ValidationError({"severity": ["An edit changes the severity, side or summary."]})
        if severity is not None:
            if severity and severity not in Severity.values:
                raise ValidationError({"severity": [f"Use one of {', '.join(Severity.values)}."]})
            finding.therapist_severity = severity
        if side is not None:
            finding.therapist_side = _side(side)
        if summary is not None:
            finding.therapist_summary = summary.strip()
    finding.review = {"accept": Review.ACCEPTED, "reject": Review.REJECTED, "edit": Review.EDITED}[action]
    finding.note = (note or "").strip()
    finding.reviewed_by = by
    finding.reviewed_at = now
    finding.save()
    _amend_if_signed_off(session, f"finding:{finding.pk}", before, _snapshot(finding), by, now, reason)
    suggestions_refresh(session_id=session.pk)
    return finding


def _side(side: str) -> str:
    side = (side or "").strip().lower()
    if side not in ("", "left", "right"):
        raise ValidationError({"side": ["Use left, right, or leave empty for both."]})
    return side


@transaction.atomic
def finding_add(
    *,
    session: GaitSession,
    code: str,
    side: str,
    severity: str,
    summary: str,
    by,
    now: datetime,
    note: str = "",
    reason: str = "",
) -> Finding:
    """A finding the engine missed, recorded by the therapist (accepted by its author)."""
    _require_clinical(by)
    session = _locked_session(session.pk)
    code = (code or "").strip()
    if not code:
        raise ValidationError({"code": ["Name the finding."]})
    if severity not in Severity.values:
        raise ValidationError({"severity": [f"Use one of {', '.join(Severity.values)}."]})
    finding = Finding.objects.create(
        session=session,
        source=FindingSource.THERAPIST,
        code=code[:40],
        side=_side(side),
        severity=severity,
        summary=(summary or "").strip(),
        note=(note or "").strip(),
        review=Review.ACCEPTED,
        reviewed_by=by,
        reviewed_at=now,
    )
    _amend_if_signed_off(session, f"finding:{finding.pk}", {}, _snapshot(finding), by, now, reason)
    suggestions_refresh(session_id=session.pk)
    return finding


@transaction.atomic
def session_sign_off(*, session: GaitSession, by, now: datetime) -> GaitSession:
    """Lock the session: every video analysed or failed, every finding reviewed. The signed-off
    record (tests, findings, review) is kept so it stays readable after amendments."""
    _require_clinical(by)
    if not by.has_perm("gait.sign_off_gaitsession"):
        raise PermissionDenied("You may not sign off gait sessions.")
    session = _locked_session(session.pk)
    if session.is_signed_off:
        raise SessionSignedOff("This session is already signed off.")
    busy = GaitVideo.objects.filter(trial__session=session, status__in=[VideoStatus.QUEUED, VideoStatus.PROCESSING])
    if busy.exists():
        raise ConflictError("Wait until every video of the session is analysed before signing off.")
    pending = session.findings.filter(review=Review.PENDING).count()
    if pending:
        raise ConflictError(
            f"{pending} finding{'s' if pending != 1 else ''} not reviewed yet: accept, reject or edit each one first.",
            extra={"pending_findings": pending},
        )
    session.signed_off_at = now
    session.signed_off_by = by
    session.signed_off_record = {
        "session": _snapshot(session),
        "clinical_tests": [_snapshot(t) for t in session.clinical_tests.all()],
        "findings": [_snapshot(f) for f in session.findings.all()],
        "suggestions": [_snapshot(s) for s in session.suggestions.all()],
    }
    session.save(update_fields=["signed_off_at", "signed_off_by", "signed_off_record", "updated_at"])
    return session


# Clinical reasoning suggestions ------------------------------------------------------------
SUGGESTION_DECISIONS = {"confirm": SuggestionStatus.CONFIRMED, "dismiss": SuggestionStatus.DISMISSED}


def _reasoning_findings(session: GaitSession) -> list[reasoning.Finding]:
    """The session's findings as the therapist sees them now: rejected ones left out, the
    therapist's side and severity where they changed them. Findings of a run with cues are left
    out: they show the runner following a cue, not how they run (the comparison shows those)."""
    out = []
    for f in session.findings.exclude(review=Review.REJECTED).exclude(video__trial__kind=TrialKind.WITH_CUES):
        side = f.current_side or None
        if side not in (None, *reasoning.SIDES):
            continue
        out.append(reasoning.Finding(f.code, side, f.value, f.unit, f.current_severity, f.confidence))
    return out


def _reasoning_tests(session: GaitSession) -> dict[str, reasoning.ClinicalTests]:
    values: dict[str, dict] = {"left": {}, "right": {}}
    for t in session.clinical_tests.exclude(side="NONE"):
        leg = values[t.side.lower()]
        if t.kind == "HIP_ABDUCTION_STRENGTH":
            if t.strength_grade is not None:
                leg["hip_abduction_grade"] = float(t.strength_grade)
            if t.force_newtons is not None:
                leg["hip_abduction_newtons"] = float(t.force_newtons)
        elif t.kind == "TRENDELENBURG" and t.trendelenburg_positive is not None:
            leg["trendelenburg_positive"] = t.trendelenburg_positive
        elif t.kind == "SINGLE_LEG_SQUAT" and t.squat_quality:
            leg["single_leg_squat"] = t.squat_quality.lower()
        elif t.kind == "SINGLE_LEG_BALANCE" and t.balance_seconds is not None:
            leg["single_leg_balance_s"] = float(t.balance_seconds)
    return {side: reasoning.ClinicalTests(**v) for side, v in values.items() if v}


@transaction.atomic
def suggestions_refresh(*, session_id: int) -> list[ClinicalSuggestion]:
    """Recompute the session's suggestions from its findings and clinical tests. Undecided
    suggestions follow the findings; decided ones keep their decision (and are marked not
    current when the findings no longer produce them). A signed-off session is left alone."""
    session = _locked_session(session_id)
    if session.is_signed_off:
        return list(session.suggestions.all())
    runner, _personalised = target_runner(session)
    band = targets.cadence_band(runner) if runner.speed_kmh else None
    produced = reasoning.suggest(
        _reasoning_findings(session), _reasoning_tests(session), session_cadence(session), band
    )
    existing = {(s.code, s.side): s for s in session.suggestions.all()}
    seen = set()
    for item in produced:
        key = (item.code, item.side or "")
        seen.add(key)
        row = existing.get(key) or ClinicalSuggestion(session=session, code=item.code, side=item.side or "")
        data = item.as_dict()
        row.strength, row.score, row.title = item.strength, item.score, item.title
        row.rationale, row.evidence, row.sources = item.rationale, data["evidence"], list(item.sources)
        row.current = True
        row.save()
    for key, row in existing.items():
        if key in seen:
            continue
        if row.status == SuggestionStatus.SUGGESTED:
            row.delete()
        elif row.current:
            row.current = False
            row.save(update_fields=["current"])
    return list(session.suggestions.all())


@transaction.atomic
def suggestion_decide(
    *, suggestion: ClinicalSuggestion, decision: str, by, now: datetime, note: str = ""
) -> ClinicalSuggestion:
    """Confirm or dismiss a suggestion (or change an earlier decision) while the session is open."""
    _require_clinical(by)
    if decision not in SUGGESTION_DECISIONS:
        raise ValidationError({"decision": [f"Use one of {', '.join(SUGGESTION_DECISIONS)}."]})
    session = _locked_session(suggestion.session_id)
    if session.is_signed_off:
        raise SessionSignedOff("This session is signed off: its suggestions can no longer be confirmed or dismissed.")
    row = ClinicalSuggestion.objects.select_for_update().get(pk=suggestion.pk)
    row.status = SUGGESTION_DECISIONS[decision]
    row.decided_by, row.decided_at, row.note = by, now, (note or "").strip()
    row.save()
    return row


# Access log --------------------------------------------------------------------------------
def access_record(*, user, client_id: int, kind: str, what: str, now: datetime) -> GaitAccess:
    """Log that `user` saw a client's gait video, landmarks, key frame or findings."""
    if kind not in AccessKind.values:
        raise ValueError(f"Unknown access kind {kind!r}")
    return GaitAccess.objects.create(user=user, client_id=client_id, kind=kind, what=what[:200], at=now)


# Prescribing exercises from a session ------------------------------------------------------
# A second "Start the draft" this soon after the first (a double click, a resubmitted form) opens
# the draft the first one made: drafts are never deleted, so duplicates would stay.
PRESCRIBE_REPEAT_WINDOW = timedelta(seconds=30)


@transaction.atomic
def programme_prescribe(
    *,
    session: GaitSession,
    focus: list[dict],
    therapist,
    start_date: date,
    review_date: date | None,
    measured_cadence: int | None,
    now: datetime,
) -> tuple:
    """(draft, created): a draft home programme for the session's client from the chosen focus
    (items of gait.selectors.programme_focus): the suggested exercises (the weaker side first)
    and cues (the cadence cue with its metronome figure), to be edited and issued in the draft
    editor.
    The therapist's own draft for this client from the last PRESCRIBE_REPEAT_WINDOW is returned
    (created False) instead of a second one; the client's row is locked, so two requests at
    once make one.
    Raises ConflictError when there is nothing to prescribe from, ValidationError naming a bad
    date or cadence."""
    _require_clinical(therapist)
    if not therapist.has_perm("exercises.add_programme"):
        raise PermissionDenied("You may not prescribe exercise programmes.")
    if not focus:
        raise ConflictError("Nothing to prescribe from: no confirmed suggestion or reviewed finding was chosen.")
    suggestion = suggest_programme(
        focus=[{"code": item["code"], "side": item.get("side")} for item in focus], measured_cadence=measured_cadence
    )
    Client.objects.select_for_update().filter(pk=session.client_id).first()
    repeat = draft_made_since(client=session.client, therapist=therapist, since=now - PRESCRIBE_REPEAT_WINDOW)
    if repeat is not None:
        return repeat, False
    programme = programme_create_draft(
        client=session.client,
        therapist=therapist,
        start_date=start_date,
        review_date=review_date,
        measured_cadence=measured_cadence,
        suggestion=suggestion,
    )
    return programme, True
