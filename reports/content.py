"""What goes into a client's progress report, assembled from the other apps' selectors.

Only SIGNED-OFF gait sessions count, and of their findings only the accepted or edited ones (in
the therapist's words where they edited them). The report is about one signed-off session of the
client ("now"); the signed-off session before it is "before"; trends run over every signed-off
session up to it. Files (key frames, illustrations) are read here as bytes: the template embeds
them, so no URL of client data ever ends up in a PDF.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.db.models import Prefetch
from django.db.models.fields.json import KeyTransform
from PIL import Image

from careplans.models import SelfBookingInvite
from careplans.selectors import care_plan_active_for_client, future_reassessments
from clients.models import Client
from core.clinic_time import clinic_tz, local_day_display, local_display
from core.selectors import clinic_name
from exercises.models import Programme, ProgrammeCue, ProgrammeExercise, ProgrammeStatus
from gait.clinical import targets
from gait.clinical.comparison import compare
from gait.models import Finding, GaitSession, GaitVideo, Review, TrialKind, VideoStatus
from gait.selectors import confirmed_suggestions, session_runner

from . import plain_language as words

KEYFRAME_MAX_PX = 800  # key frames are downscaled to this before embedding (keeps the PDF small)
KEYFRAME_QUALITY = 80
MAX_CHARTS = 6
LOGO = Path(__file__).resolve().parent / "static" / "reports" / "logo.svg"


@dataclass
class FindingItem:
    title: str
    seen: str  # what was seen: the report's words, or the therapist's where they wrote them
    why: str
    therapist_wrote: bool
    now_image: str = ""  # embedded:N URLs of ReportContent.resources
    before_image: str = ""
    cued_image: str = ""
    before_date: str = ""
    cue_note: str = ""  # e.g. "With the running cues this was no longer flagged."


@dataclass
class ExerciseItem:
    name: str
    dosage: str
    load: str
    side: str
    instructions: list[str]
    mistakes: list[str]
    notes: str
    illustration: str  # embedded:N URL of the SVG drawing, or ""


@dataclass
class ReportContent:
    clinic_name: str
    clinic_contact: str
    logo: str
    client_name: str
    today: str
    session_date: str = ""
    therapist: str = ""
    complaint: str = ""
    pain_today: str = ""
    views: list[str] = field(default_factory=list)
    findings_note: str = ""
    findings: list[FindingItem] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    charts: list[dict] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    cue_changes: list[str] = field(default_factory=list)
    changes_intro: str = ""
    programme_version: int | None = None
    programme_notes: str = ""
    exercises: list[ExerciseItem] = field(default_factory=list)
    cues: list[dict] = field(default_factory=list)
    next_date: str = ""
    booking: str = ""
    booking_url: str = ""
    session_count: int = 0
    # Sentences the report wrote itself (scanned for diagnosis terms) and the therapist's own.
    texts: list[str] = field(default_factory=list)
    therapist_texts: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # the report cannot be made
    warnings: list[str] = field(default_factory=list)  # it can, but lacks something
    # The report's images by URL ("embedded:N" -> (mime type, bytes)): the PDF's URL fetcher
    # serves only these. (Not data URIs: parsing megabytes of base64 attributes is slow.)
    resources: dict[str, tuple[str, bytes]] = field(default_factory=dict)

    def embed(self, mime: str, data: bytes) -> str:
        if not data:
            return ""
        url = f"embedded:{len(self.resources) + 1}"
        self.resources[url] = (mime, data)
        return url


# ---- files ---------------------------------------------------------------------------------


def keyframe_jpeg(name: str) -> bytes:
    """A key frame from the default storage, downscaled to KEYFRAME_MAX_PX, as JPEG bytes
    (b"" when the file is missing or unreadable: the report then shows the words alone)."""
    if not name:
        return b""
    try:
        with default_storage.open(name, "rb") as handle:
            data = handle.read()
        image = Image.open(io.BytesIO(data))
        if image.format == "JPEG" and max(image.size) <= KEYFRAME_MAX_PX:
            return data  # small enough already: no second lossy encoding
        image.draft("RGB", (KEYFRAME_MAX_PX, KEYFRAME_MAX_PX))  # JPEG: decode at a reduced scale
        image = image.convert("RGB")
        # Bilinear is plenty for a photo shown ~9 cm wide, and several times faster than Lanczos.
        image.thumbnail((KEYFRAME_MAX_PX, KEYFRAME_MAX_PX), Image.Resampling.BILINEAR)
    except (OSError, ValueError, Image.DecompressionBombError):
        return b""
    out = io.BytesIO()
    image.save(out, "JPEG", quality=KEYFRAME_QUALITY)
    return out.getvalue()


@lru_cache(maxsize=128)
def static_svg(path: str) -> bytes:
    """A shipped static SVG (exercise illustrations: generic drawings, no client data)."""
    found = finders.find(path) if path else None
    return Path(found).read_bytes() if found else b""


def logo_svg() -> bytes:
    return LOGO.read_bytes()


# ---- sessions and metrics ------------------------------------------------------------------


def signed_off_sessions(client: Client, up_to: GaitSession | None = None) -> list[GaitSession]:
    """The client's signed-off sessions, oldest first (up to and including `up_to`)."""
    sessions = GaitSession.objects.filter(client=client, signed_off_at__isnull=False)
    if up_to is not None:
        sessions = sessions.filter(date__lte=up_to.date).exclude(date=up_to.date, id__gt=up_to.id)
    # Only the metrics block of each engine report: the rest (events, quality) can be large and a
    # long history has many videos.
    videos = (
        GaitVideo.objects.filter(status=VideoStatus.DONE, report__isnull=False)
        .annotate(metrics=KeyTransform("metrics", "report"))
        .defer("report", "thresholds")
        .select_related("trial")
        .order_by("uploaded_at", "id")
    )
    return list(
        sessions.order_by("date", "id").prefetch_related(
            Prefetch("trials__videos", videos),
            Prefetch(
                "findings",
                Finding.objects.filter(review__in=[Review.ACCEPTED, Review.EDITED])
                .select_related("video__trial")
                .defer("video__report", "video__thresholds")
                .order_by("id"),
                to_attr="kept_findings",
            ),
        )
    )


def _videos(session: GaitSession, kinds: tuple[str, ...]) -> list[GaitVideo]:
    return [v for t in session.trials.all() if t.kind in kinds for v in t.videos.all()]


def session_metrics(session: GaitSession, kinds: tuple[str, ...] = (TrialKind.BASELINE, TrialKind.OTHER)) -> dict:
    """The session's metrics ({name: {left, right, unit}}), the mean over the analysed videos of
    these trial kinds that measured each one (a rear and a side video measure different things)."""
    sums: dict[str, dict] = {}
    for video in _videos(session, kinds):
        for name, entry in (video.metrics or {}).items():
            slot = sums.setdefault(name, {"unit": entry.get("unit") or "", "left": [], "right": []})
            for side in ("left", "right"):
                if entry.get(side) is not None:
                    slot[side].append(float(entry[side]))
    return {
        name: {
            "unit": slot["unit"],
            **{side: (sum(slot[side]) / len(slot[side]) if slot[side] else None) for side in ("left", "right")},
        }
        for name, slot in sums.items()
    }


def _bands(session: GaitSession) -> dict:
    runner = session_runner(session)
    if runner is None or not runner.speed_kmh:
        return {}
    band = targets.cadence_band(runner)
    return {"cadence": (band.low, band.high)}


# ---- the report ----------------------------------------------------------------------------


def _clinic_contact() -> str:
    parts = [p for p in (settings.CLINIC_PHONE, settings.CLINIC_EMAIL) if p]
    return " · ".join(parts)


def _finding_key(finding: Finding) -> tuple[str, str]:
    return finding.code, finding.current_side or ""


def _is_cued(finding: Finding) -> bool:
    return finding.video is not None and finding.video.trial.kind == TrialKind.WITH_CUES


def _finding_items(content: ReportContent, session: GaitSession, before: GaitSession | None) -> None:
    earlier = {}
    if before is not None:
        for f in before.kept_findings:
            if not _is_cued(f) and f.keyframe:
                earlier.setdefault(_finding_key(f), f)
    cued = {}
    for f in session.kept_findings:
        if _is_cued(f):
            cued.setdefault(_finding_key(f), f)
    cued_views = {v.view if v.view != "auto" else v.detected_view for v in _videos(session, (TrialKind.WITH_CUES,))}
    seen_keys = set()
    for f in session.kept_findings:
        if _is_cued(f) or _finding_key(f) in seen_keys:
            continue
        seen_keys.add(_finding_key(f))
        side = f.current_side or ""
        generated_seen, why = words.finding_text(f.code, side, f.current_severity)
        if f.review == Review.EDITED and f.therapist_summary.strip():
            seen, therapist_wrote = f.therapist_summary.strip(), True
        elif f.source == "THERAPIST" and f.summary.strip():
            seen, therapist_wrote = f.summary.strip(), True
        else:
            seen, therapist_wrote = generated_seen, False
        item = FindingItem(title=words.finding_title(f.code, side), seen=seen, why=why, therapist_wrote=therapist_wrote)
        (content.therapist_texts if therapist_wrote else content.texts).append(seen)
        content.texts += [item.title, why]
        item.now_image = content.embed("image/jpeg", keyframe_jpeg(f.keyframe.name if f.keyframe else ""))
        previous = earlier.get(_finding_key(f))
        if previous is not None:
            item.before_image = content.embed("image/jpeg", keyframe_jpeg(previous.keyframe.name))
            item.before_date = local_day_display(before.date)
        with_cues = cued.get(_finding_key(f))
        if with_cues is not None:
            item.cued_image = content.embed(
                "image/jpeg", keyframe_jpeg(with_cues.keyframe.name if with_cues.keyframe else "")
            )
            item.cue_note = "With the running cues this was still seen; keep practising them."
        elif f.video is not None and (f.video.view if f.video.view != "auto" else f.video.detected_view) in cued_views:
            item.cue_note = "With the running cues this was no longer flagged in the same view."
        if item.cue_note:
            content.texts.append(item.cue_note)
        content.findings.append(item)


def _changes(content: ReportContent, sessions: list[GaitSession], session: GaitSession) -> None:
    now_metrics = session_metrics(session)
    bands = _bands(session)
    if len(sessions) >= 2:
        first = sessions[0]
        content.changes_intro = (
            f"Compared with your first assessment on {local_day_display(first.date)}. A change counts only when it "
            "is larger than what the video measurement can reliably tell apart; anything smaller is marked "
            '"no detectable change".'
        )
        rows = compare(session_metrics(first), now_metrics, bands=bands)
        content.changes = [
            words.change_text(r.metric, r.side, r.unit, r.a, r.b, r.verdict, first="then", second="now")
            for r in rows
            if r.verdict != "not compared"
        ]
        if not content.changes:
            content.changes = ["No measurement was taken the same way at both assessments, so none is compared."]
    else:
        content.changes_intro = "This is your first assessment: the next one will show how things change."
    cued_metrics = session_metrics(session, (TrialKind.WITH_CUES,))
    if cued_metrics:
        rows = compare(now_metrics, cued_metrics, bands=bands)
        content.cue_changes = [
            words.change_text(r.metric, r.side, r.unit, r.a, r.b, r.verdict, first="normally", second="with the cues")
            for r in rows
            if r.verdict != "not compared"
        ]
    content.texts += [content.changes_intro, *content.changes, *content.cue_changes]


def _trend_series(sessions: list[GaitSession], session: GaitSession) -> list[dict]:
    """Per metric: dates and left/right values over the sessions, the metrics of this session's
    findings and cadence first; at most MAX_CHARTS, and only with two sessions or more."""
    if len(sessions) < 2:
        return []
    per_session = [(s.date, session_metrics(s)) for s in sessions]
    wanted = ["cadence"] + [f.code for f in session.kept_findings if f.code != "cadence"]
    for _, metrics in per_session:
        wanted += [m for m in metrics if m in words.METRICS]
    names = list(dict.fromkeys(m for m in wanted if any(m in metrics for _, metrics in per_session)))
    series = []
    for name in names[:MAX_CHARTS]:
        unit = next(metrics[name]["unit"] for _, metrics in per_session if name in metrics)
        series.append(
            {
                "name": name,
                "label": words.metric_label(name),
                "unit": unit,
                "dates": [d for d, _ in per_session],
                "left": [metrics.get(name, {}).get("left") for _, metrics in per_session],
                "right": [metrics.get(name, {}).get("right") for _, metrics in per_session],
            }
        )
    return series


def _programme(content: ReportContent, client: Client) -> Programme | None:
    programme = (
        Programme.objects.filter(client=client, status=ProgrammeStatus.ISSUED)
        .prefetch_related(
            Prefetch("exercises", ProgrammeExercise.objects.order_by("order", "id")),
            Prefetch("cues", ProgrammeCue.objects.order_by("order", "id")),
        )
        .order_by("-version")
        .first()
    )
    if programme is None:
        content.warnings.append("No programme has been issued to this client yet: the report has no exercises.")
        return None
    content.programme_version = programme.version
    content.programme_notes = programme.notes
    if programme.notes:
        content.therapist_texts.append(programme.notes)
    for line in programme.exercises.all():
        content.exercises.append(exercise_item(line, content))
    content.cues = [{"title": c.title, "wording": c.wording} for c in programme.cues.all()]
    return programme


def exercise_item(line: ProgrammeExercise, content: ReportContent) -> ExerciseItem:
    """One programme line, from its snapshot (the library exercise may since be changed or gone)."""
    return ExerciseItem(
        name=line.name,
        dosage=line.dosage,
        load=line.load,
        side=line.get_side_display() if line.one_sided and line.side != "BOTH" else "",
        instructions=[s.strip() for s in line.instructions.splitlines() if s.strip()],
        mistakes=[s.strip() for s in line.common_mistakes.splitlines() if s.strip()],
        notes=line.notes,
        illustration=content.embed("image/svg+xml", static_svg(line.illustration)),
    )


def _next_reassessment(content: ReportContent, client: Client, programme, today: date, booking_url: str) -> None:
    now = datetime.combine(today, time.min, tzinfo=clinic_tz())
    booked = future_reassessments(client=client, now=now).first()
    plan = care_plan_active_for_client(client)
    contact = f" ({content.clinic_contact})" if content.clinic_contact else ""
    if booked is not None:
        content.next_date = local_display(booked.starts_at)
        content.booking = f"It is booked. To change it, contact {content.clinic_name}{contact}."
    else:
        due = (plan.next_reassessment_due if plan else None) or (programme.review_date if programme else None)
        if due is None:
            content.warnings.append("No next reassessment date: the client has no active care plan or review date.")
            content.booking = (
                f"Your therapist will agree the next check with you: contact {content.clinic_name}{contact}."
            )
        else:
            content.next_date = local_day_display(due) if due > today else f"Due now (since {local_day_display(due)})"
            invite = (
                SelfBookingInvite.objects.filter(plan=plan, used_at__isnull=True, expires_at__gt=now)
                .order_by("-created_at")
                .first()
                if plan
                else None
            )
            if booking_url:
                content.booking_url = booking_url
                content.booking = "Book a time that suits you with your personal booking link:"
            elif invite is not None:
                content.booking = (
                    "Book a time that suits you with the booking link we emailed you "
                    f"(it works until {local_display(invite.expires_at)}), or contact {content.clinic_name}{contact}."
                )
            else:
                content.booking = f"To book it, contact {content.clinic_name}{contact}."
    content.texts.append(content.booking)


def progress_report_content(*, client_id: int, session_id: int, today: date, booking_url: str = "") -> ReportContent:
    client = Client.objects.filter(pk=client_id, erased_at__isnull=True).first()
    content = ReportContent(
        clinic_name=clinic_name(),
        clinic_contact=_clinic_contact(),
        logo="",
        client_name=client.full_name if client else "",
        today=local_day_display(today),
    )
    content.logo = content.embed("image/svg+xml", logo_svg())
    if client is None:
        content.problems.append("No such client.")
        return content
    session = GaitSession.objects.filter(pk=session_id, client=client).select_related("therapist").first()
    if session is None:
        content.problems.append("This gait session does not belong to this client.")
        return content
    if not session.is_signed_off:
        has_any = GaitSession.objects.filter(client=client, signed_off_at__isnull=False).exists()
        content.problems.append(
            "This gait session is not signed off yet: sign it off first."
            if has_any
            else "No signed-off gait session yet: sign off the assessment first."
        )
        return content
    sessions = signed_off_sessions(client, up_to=session)
    session = sessions[-1]
    before = sessions[-2] if len(sessions) >= 2 else None
    content.session_count = len(sessions)
    content.session_date = local_day_display(session.date)
    content.therapist = session.therapist.display_name
    content.complaint = client.presenting_complaint.strip()
    if content.complaint:
        content.therapist_texts.append(content.complaint)
    content.pain_today = f"{session.pain_today} out of 10" if session.pain_today is not None else "not recorded"
    views = sorted(
        {
            (v.view if v.view != "auto" else v.detected_view) or "unknown"
            for v in _videos(session, tuple(TrialKind.values))
        }
    )
    content.views = [
        {"rear": "from behind", "front": "from the front", "side": "from the side"}.get(v, v) for v in views
    ]
    _finding_items(content, session, before)
    if not content.findings:
        content.findings_note = "Nothing in the way you run needed flagging at this assessment."
        content.texts.append(content.findings_note)
    for s in confirmed_suggestions(session=session):
        text = words.suggestion_text(s.code, s.side)
        content.suggestions.append(text)
        content.texts.append(text)
    content.charts = _trend_series(sessions, session)
    _changes(content, sessions, session)
    programme = _programme(content, client)
    _next_reassessment(content, client, programme, today, booking_url)
    return content
