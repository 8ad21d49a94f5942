"""Reads about gait sessions, videos and findings."""

from __future__ import annotations

import uuid

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse

from clients.timeline import TimelineEntry, day_start
from core.exceptions import NotFoundError
from core.selectors import clinic_settings

from .clinical import targets
from .engine.thresholds import FINDINGS as DEFAULT_THRESHOLDS
from .models import (
    ClinicalSuggestion,
    Finding,
    GaitAccess,
    GaitSession,
    GaitVideo,
    Review,
    SuggestionStatus,
    Trial,
    TrialKind,
    VideoStatus,
)


def gait_threshold_overrides() -> dict:
    """The clinic's own finding thresholds ({code: value}); empty means the literature defaults.

    Raises DatabaseError when the database is not reachable or not migrated.
    """
    return dict(clinic_settings().gait_threshold_overrides or {})


class SessionStatus:
    """What reception may see of a session: where it stands, nothing clinical."""

    NO_VIDEOS = "NO_VIDEOS"
    ANALYSING = "ANALYSING"
    NEEDS_ATTENTION = "NEEDS_ATTENTION"
    IN_REVIEW = "IN_REVIEW"
    SIGNED_OFF = "SIGNED_OFF"
    LABELS = {
        NO_VIDEOS: "No videos yet",
        ANALYSING: "Analysing",
        NEEDS_ATTENTION: "A video failed",
        IN_REVIEW: "Ready for review",
        SIGNED_OFF: "Signed off",
    }
    CHOICES = list(LABELS.items())


def _with_counts(sessions: QuerySet) -> QuerySet:
    return sessions.annotate(
        videos_total=Count("trials__videos", distinct=True),
        videos_busy=Count(
            "trials__videos",
            filter=Q(trials__videos__status__in=[VideoStatus.QUEUED, VideoStatus.PROCESSING]),
            distinct=True,
        ),
        videos_failed=Count("trials__videos", filter=Q(trials__videos__status=VideoStatus.FAILED), distinct=True),
    )


def session_status(session: GaitSession) -> str:
    """Needs a session from a selector of this module (it counts the videos in the query)."""
    if session.signed_off_at:
        return SessionStatus.SIGNED_OFF
    if not session.videos_total:
        return SessionStatus.NO_VIDEOS
    if session.videos_busy:
        return SessionStatus.ANALYSING
    if session.videos_failed:
        return SessionStatus.NEEDS_ATTENTION
    return SessionStatus.IN_REVIEW


def session_list(*, client_id=None) -> QuerySet[GaitSession]:
    sessions = GaitSession.objects.select_related("client", "therapist").filter(client__erased_at__isnull=True)
    if client_id is not None:
        sessions = sessions.filter(client_id=client_id)
    return _with_counts(sessions).order_by("-date", "-id")


def session_get(*, session_id) -> GaitSession:
    try:
        return session_list().get(pk=session_id)
    except (GaitSession.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("No such gait session.") from None


def session_detail(*, session_id) -> GaitSession:
    """A session with its tests, trials, videos, findings and amendments loaded."""
    trials = Trial.objects.prefetch_related(Prefetch("videos", GaitVideo.objects.order_by("uploaded_at", "id")))
    try:
        return (
            _with_counts(GaitSession.objects.filter(pk=session_id, client__erased_at__isnull=True))
            .select_related("client", "therapist", "signed_off_by", "appointment", "care_plan")
            .prefetch_related(
                "clinical_tests",
                Prefetch("trials", trials),
                Prefetch("findings", Finding.objects.select_related("video", "reviewed_by").order_by("id")),
                "amendments__author",
            )
            .get()
        )
    except (GaitSession.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("No such gait session.") from None


def trial_get(*, trial_id) -> Trial:
    try:
        return Trial.objects.select_related("session__client").get(pk=trial_id)
    except (Trial.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("No such trial.") from None


def video_list(*, session_id=None, trial_id=None) -> QuerySet[GaitVideo]:
    videos = GaitVideo.objects.select_related("trial", "client").filter(client__erased_at__isnull=True)
    if session_id is not None:
        videos = videos.filter(trial__session_id=session_id)
    if trial_id is not None:
        videos = videos.filter(trial_id=trial_id)
    return videos.order_by("uploaded_at", "id")


def video_get(*, video_id) -> GaitVideo:
    try:
        return video_list().get(pk=video_id)
    except (GaitVideo.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("No such video.") from None


def finding_get(*, finding_id) -> Finding:
    try:
        return Finding.objects.select_related("session__client", "video").get(
            pk=finding_id, session__client__erased_at__isnull=True
        )
    except (Finding.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("No such finding.") from None


def findings_pending(session: GaitSession) -> int:
    return session.findings.filter(review=Review.PENDING).count()


def video_for_media_path(relative_path: str) -> GaitVideo | None:
    """The video whose folder holds this media file (gait/client-<id>/<token>/...)."""
    parts = relative_path.split("/")
    if len(parts) < 3 or parts[0] != "gait":
        return None
    try:
        token = uuid.UUID(parts[2])
    except ValueError:
        return None
    return GaitVideo.objects.filter(token=token).first()


def access_log(*, client_id=None) -> QuerySet[GaitAccess]:
    log = GaitAccess.objects.select_related("user", "client")
    if client_id is not None:
        log = log.filter(client_id=client_id)
    return log


def client_gait_sessions_timeline(*, client, user, now, limit) -> list[TimelineEntry]:
    """Timeline source: the client's gait sessions with their status (not clinical: reception
    may see that a session exists and where it stands; only clinical staff get the link). One query."""
    if not user.has_perm("gait.view_session_status"):
        return []
    sessions = session_list(client_id=client.pk)
    if limit is not None:
        sessions = sessions[: limit * 2]
    clinical = user.has_perm("gait.view_gaitsession")
    return [
        TimelineEntry(
            at=day_start(session.date),
            kind="gait_session",
            kind_label="Gait session",
            title=f"Gait session with {session.therapist.display_name}",
            status=SessionStatus.LABELS[session_status(session)],
            url=reverse("gait:session-detail", args=[session.pk]) if clinical else "",
            all_day=True,
        )
        for session in sessions
    ]


def session_suggestions(*, session: GaitSession) -> QuerySet[ClinicalSuggestion]:
    """The session's suggestions, strongest first (not-current ones, kept for their decision, last)."""
    return session.suggestions.select_related("decided_by").order_by("-current", "-score", "id")


def confirmed_suggestions(*, session: GaitSession) -> QuerySet[ClinicalSuggestion]:
    return session.suggestions.filter(status=SuggestionStatus.CONFIRMED, current=True).order_by("-score", "id")


def suggestion_get(*, session_id, suggestion_id) -> ClinicalSuggestion:
    """One suggestion of this session (404 for another session's, or an erased client's)."""
    try:
        return ClinicalSuggestion.objects.select_related("session", "decided_by").get(
            pk=suggestion_id, session_id=session_id, session__client__erased_at__isnull=True
        )
    except (ClinicalSuggestion.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("No such suggestion in this gait session.") from None


# Personalised targets --------------------------------------------------------------------------
NO_HEIGHT = "Add the runner's height to personalise the bands: these are the default bands (a 175 cm runner)."


def session_runner(session: GaitSession) -> targets.Runner | None:
    """The runner for the personal target bands, or None without a height."""
    if session.height_cm is None:
        return None
    sex = {"F": "female", "M": "male"}.get(session.client.sex)
    return targets.Runner(
        height_cm=float(session.height_cm),
        speed_kmh=float(session.treadmill_speed_kmh) if session.treadmill_speed_kmh else None,
        leg_length_cm=float(session.leg_length_cm) if session.leg_length_cm is not None else None,
        sex=sex,
    )


def target_runner(session: GaitSession) -> tuple[targets.Runner, bool]:
    """The runner the bands are computed for, and whether it is this runner (else the reference
    175 cm runner at the session's treadmill speed: the default bands)."""
    runner = session_runner(session)
    if runner is not None:
        return runner, True
    speed = float(session.treadmill_speed_kmh) if session.treadmill_speed_kmh else None
    return targets.Runner(height_cm=targets.REF_HEIGHT_CM, speed_kmh=speed), False


def _baseline_videos(session: GaitSession) -> QuerySet[GaitVideo]:
    return GaitVideo.objects.select_related("trial").filter(
        trial__session=session, trial__kind=TrialKind.BASELINE, status=VideoStatus.DONE, report__isnull=False
    ).order_by("uploaded_at", "id")


def session_cadence(session: GaitSession) -> float | None:
    """Mean cadence of the session's analysed baseline videos (every analysed video without one)."""
    videos = GaitVideo.objects.filter(trial__session=session, status=VideoStatus.DONE, report__isnull=False)
    values = [v.report.get("cadence_spm") for v in videos.filter(trial__kind=TrialKind.BASELINE)] or [
        v.report.get("cadence_spm") for v in videos
    ]
    values = [float(v) for v in values if v]
    return sum(values) / len(values) if values else None


def _clinic_overrides(video: GaitVideo) -> dict:
    """The thresholds the video was judged by, where they differ from the defaults (so a default
    band keeps its literature source and an override says it was set by the clinician)."""
    used = video.thresholds or {}
    return {code: value for code, value in used.items()
            if code in DEFAULT_THRESHOLDS and float(value) != DEFAULT_THRESHOLDS[code]["value"]}  # fmt: skip


def _priority_findings(session: GaitSession) -> list[dict]:
    """The reviewed picture (rejected and cued-run findings left out), with each finding's own threshold."""
    rows = session.findings.exclude(review=Review.REJECTED).exclude(video__trial__kind=TrialKind.WITH_CUES)
    out = []
    for f in rows.order_by("id"):
        side = f.current_side or None
        if side in (None, "left", "right"):
            out.append({"code": f.code, "side": side, "value": f.value, "unit": f.unit, "severity": f.current_severity,
                        "confidence": f.confidence, "threshold": f.threshold})  # fmt: skip
    return out


def session_targets(*, session: GaitSession) -> dict:
    """Per analysed baseline video: each metric's value, its band for this runner (formula and
    source) and verdict; and at most three priorities, worst first (a combined pattern replaces
    its parts). Without a height the default bands are used and `message` says so."""
    runner, personalised = target_runner(session)
    videos, all_targets = [], []
    for video in _baseline_videos(session):
        report = video.report or {}
        judged = targets.judge_metrics(
            runner, report.get("metrics") or {}, cadence_spm=report.get("cadence_spm"),
            thresholds=_clinic_overrides(video),
        )  # fmt: skip
        all_targets += judged
        rows = [t.as_dict() for t in judged]
        for row in rows:  # the reference runner's band is the default one, not this runner's
            row["band"]["personalised"] = row["band"]["personalised"] and personalised
        videos.append({"video": video.pk, "trial": video.trial.label, "name": video.original_name, "targets": rows})
    top = targets.priorities(_priority_findings(session), all_targets, gait_threshold_overrides())
    messages = [] if personalised else [NO_HEIGHT]
    if runner.speed_kmh is None:
        messages.append("Add the treadmill speed for cadence, step and stride length bands.")
    return {
        "personalised": personalised,
        "runner": {"height_cm": runner.height_cm if personalised else None, "speed_kmh": runner.speed_kmh,
                   "leg_length_cm": runner.leg_length_cm, "sex": runner.sex},  # fmt: skip
        "messages": messages,
        "videos": videos,
        "priorities": [p.as_dict() for p in top],
    }
