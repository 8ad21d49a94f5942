"""Reads about gait sessions, videos and findings."""

from __future__ import annotations

import uuid

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse

from clients.timeline import TimelineEntry, day_start
from core.exceptions import NotFoundError
from core.selectors import clinic_settings

from .models import (
    ClinicalSuggestion,
    Finding,
    GaitAccess,
    GaitSession,
    GaitVideo,
    Review,
    SuggestionStatus,
    Trial,
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


FRONTAL_VIEWS = ("rear", "front")


def video_view_warning(video: GaitVideo) -> str | None:
    """A clip uploaded with one view that looks like another (a side clip uploaded as rear, say).
    The engine measures a clip as labelled and only warns, so the findings are probably not
    about this runner at all; the page shows this next to them. Rear against front cannot be
    told apart from the body's width, so only side against rear/front is checked."""
    from .engine.view import WIDTH_RATIO_SPLIT  # the engine's own split between the two shapes

    quality = (video.report or {}).get("quality") or {}
    ratio = quality.get("body_width_ratio")
    if video.view == "auto" or quality.get("view_source") != "caller" or ratio is None:
        return None
    looks_frontal = ratio > WIDTH_RATIO_SPLIT
    if looks_frontal == (video.view in FRONTAL_VIEWS):
        return None
    looks = "from behind or in front" if looks_frontal else "from the side"
    return (
        f"Uploaded as a {video.view} view, but the runner looks filmed {looks}. The findings of this "
        f"video were measured as a {video.view} view and are probably wrong: check each one against "
        "the video, and reject those that do not hold."
    )
