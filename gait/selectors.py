"""Reads about gait sessions, videos and findings."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse

from clients.timeline import TimelineEntry, day_start
from core.clinic_time import clinic_tz
from core.exceptions import NotFoundError
from core.selectors import clinic_settings
from exercises.selectors import programme_default_review_date
from exercises.suggestions import ALIASES, CADENCE_RANGE, OPPOSITE_SIDE_CODES, OTHER_SIDE, SUGGESTIONS

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


# Prescribing exercises from a session ------------------------------------------------------
# gait may import exercises (not the reverse): the session -> programme focus mapping lives here.
REVIEWED = (Review.ACCEPTED, Review.EDITED)


@dataclass
class Prescription:
    """What a programme prescribed from a session starts from: the focus (confirmed suggestions,
    then reviewed findings, each with why), the measured cadence and the default dates."""

    session: GaitSession
    focus: list[dict]
    # Reviewed findings the library has no exercises for (e.g. a therapist's own finding code).
    not_in_library: list[str]
    cadence: int | None
    cadence_note: str
    start_date: date
    review_date: date | None
    unavailable: str  # why nothing can be prescribed from this session, or ""


def _focus(session: GaitSession) -> tuple[list[dict], list[str], str]:
    """(focus, accepted findings the library has nothing for, what was reviewed: "" nothing,
    "rejected" only rejections, "accepted" something accepted, edited or confirmed)."""
    focus, not_in_library, seen = [], [], set()
    reviewed = ""

    def add(code, side, reason, source):
        code = ALIASES.get(code, code)
        side = side if side in ("left", "right") else None
        if code not in SUGGESTIONS:
            not_in_library.append(f"{code.replace('_', ' ')}{f' ({side})' if side else ''}")
            return
        if (code, side) in seen:
            return
        seen.add((code, side))
        label = SUGGESTIONS[code][0]
        title = f"{label}, {side}" if side else label
        if side and code in OPPOSITE_SIDE_CODES:
            title = f"{label}: the {side} side drops (trains the {OTHER_SIDE[side]} leg)"
        focus.append({"code": code, "side": side, "reason": reason, "source": source, "label": label, "title": title})

    for suggestion in confirmed_suggestions(session=session):
        reviewed = "accepted"
        add(suggestion.code, suggestion.side, f"Confirmed suggestion: {suggestion.title}", "suggestion")
    # session.findings may be prefetched (the session page): no query then.
    for finding in session.findings.all():
        if finding.review == Review.REJECTED:
            reviewed = reviewed or "rejected"
        if finding.review not in REVIEWED:
            continue
        reviewed = "accepted"
        side = finding.current_side
        what = "Edited finding" if finding.review == Review.EDITED else "Accepted finding"
        label = SUGGESTIONS.get(finding.code, (finding.code.replace("_", " "),))[0]
        add(finding.code, side, f"{what}: {label}{f', {side}' if side in ('left', 'right') else ''}", "finding")
    return focus, not_in_library, reviewed


def programme_focus(session: GaitSession) -> list[dict]:
    """The session's focus for a home programme, as exercises.suggestions.suggest_programme takes
    it: [{code, side, reason, source, label, title}], confirmed suggestions first (strongest
    first), then accepted or edited findings with the therapist's side. Dismissed or
    no-longer-current suggestions, pending and rejected findings are left out; so are codes the
    library has no exercises for. A pelvic drop keeps the engine's side (the side that drops);
    the suggestion service trains the other leg."""
    return _focus(session)[0]


def _unavailable(focus, not_in_library, reviewed) -> str:
    if focus:
        return ""
    if not reviewed:
        return (
            "No reviewed findings yet: accept or edit a finding, or confirm a suggestion, before prescribing "
            "from this session."
        )
    if reviewed == "rejected":
        return "Every reviewed finding was rejected and no suggestion is confirmed: nothing to prescribe from."
    return (
        f"None of the reviewed findings ({', '.join(not_in_library)}) has exercises in the library: start "
        "a programme from chosen focus areas on the client's programmes page instead."
    )


def prescribe_unavailable_reason(session: GaitSession) -> str:
    """Why a programme cannot be prescribed from this session, or "" when it can. One query
    when the findings are prefetched."""
    return _unavailable(*_focus(session))


def prescription_for_session(*, session_id, now: datetime, with_defaults: bool = True) -> Prescription:
    """Everything the prescribe page needs. Raises NotFoundError for an unknown session or an
    erased client's. The review date is the next reassessment (the booked one, else the care
    plan's due date) when it is not already past; the start date is today. Without defaults
    (a submitted form brings its own dates and cadence) the cadence and review date are not
    looked up."""
    try:
        session = GaitSession.objects.select_related("client").get(pk=session_id, client__erased_at__isnull=True)
    except (GaitSession.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("No such gait session.") from None
    focus, not_in_library, reviewed = _focus(session)
    today = now.astimezone(clinic_tz()).date()
    review_date = cadence = None
    note = ""
    if with_defaults:
        review_date = programme_default_review_date(client=session.client, now=now)
        if review_date and review_date < today:  # an overdue reassessment: the therapist picks a date
            review_date = None
        measured = session_cadence(session)
        cadence = round(measured) if measured else None
        if cadence is not None and not CADENCE_RANGE[0] <= cadence <= CADENCE_RANGE[1]:
            note = (
                f"The analysed videos give {cadence} steps/min, outside a running cadence "
                f"({CADENCE_RANGE[0]}–{CADENCE_RANGE[1]}): enter the runner's cadence for the metronome figure."
            )
            cadence = None
        elif cadence is None and any("cadence" in SUGGESTIONS[item["code"]][3] for item in focus):
            note = "No analysed video gives a cadence: enter it for the cadence cue's metronome figure."
    return Prescription(
        session=session,
        focus=focus,
        not_in_library=not_in_library,
        cadence=cadence,
        cadence_note=note,
        start_date=today,
        review_date=review_date,
        unavailable=_unavailable(focus, not_in_library, reviewed),
    )


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
