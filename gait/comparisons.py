"""Reads for comparing a client's gait over time: two trials side by side (per-metric change
against each metric's SDD, matched gait events for the player) and the client's gait timeline
(every session, and the key metrics across sessions for the trend charts).

The arithmetic lives in gait/clinical/comparison.py (plain Python); this module loads the rows
in a fixed, small number of queries and hands the reports to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.urls import reverse

from core.exceptions import ApplicationError, NotFoundError

from .clinical.comparison import SDD, compare, matched_events
from .clinical.targets import Runner, cadence_band
from .models import GaitSession, GaitVideo, Trial, TrialKind, VideoStatus
from .selectors import SessionStatus, _with_counts, session_status

# Sagittal views first: the side view carries the stride timing the player steps on.
VIEW_ORDER = ("side", "rear", "front")
VIEW_LABELS = {"side": "Side", "rear": "Rear", "front": "Front"}
# Metrics drawn across sessions on the client's gait timeline, in this order.
TREND_METRICS = ("cadence", "pelvic_drop", "knee_valgus", "overstride", "contact_time", "heel_strike", "trunk_lean")
METRIC_LABELS = {
    "cadence": "Cadence",
    "pelvic_drop": "Pelvic drop",
    "knee_valgus": "Knee moving in (frontal plane projection angle)",
    "foot_turn_out": "Foot turn-out",
    "arm_crossover": "Arm crossover",
    "overstride": "Overstride (shank angle at contact)",
    "heel_ahead_of_hip": "Heel ahead of hip at contact",
    "heel_strike": "Heel strike (foot angle at contact)",
    "trunk_lean": "Trunk lean",
    "contact_time": "Ground contact time",
    "duty_factor": "Duty factor",
    "strike_loudness": "Foot-strike loudness",
}


class ComparisonRefused(ApplicationError):
    code = "not_comparable"


def metric_label(name: str) -> str:
    return METRIC_LABELS.get(name) or name.replace("_", " ").capitalize()


def video_view(video: GaitVideo) -> str:
    """The view the analysis used: the one detected when the upload said "auto"."""
    if video.view != "auto":
        return video.view
    return video.detected_view or (video.report or {}).get("view") or ""


def _analysed_by_view(trial: Trial) -> dict[str, GaitVideo]:
    """The newest analysed video of each view (videos come prefetched, oldest first)."""
    chosen = {}
    for video in trial.analysed_videos:
        if video.report and video_view(video) in VIEW_LABELS:
            chosen[video_view(video)] = video
    return chosen


def _trial_label(trial: Trial) -> str:
    return f"{trial.session.date:%-d %b %Y} · {trial.label}"


@dataclass
class TrialSide:
    trial: Trial
    label: str
    views: list[str]


@dataclass
class ViewComparison:
    view: str
    label: str
    video_a: GaitVideo
    video_b: GaitVideo
    rows: list[dict]
    events: list[dict]  # every matched contact, both sides, in trial A's order
    strides: list[dict]  # the contacts the player steps on: left contact n in both (else right)
    stride_side: str


@dataclass
class TrialComparison:
    a: TrialSide
    b: TrialSide
    client_id: int
    same_session: bool
    views: list[ViewComparison]
    message: str
    trial_choices: list[Trial] = field(default_factory=list)


def _analysed_videos() -> Prefetch:
    return Prefetch(
        "videos",
        GaitVideo.objects.filter(status=VideoStatus.DONE).order_by("uploaded_at", "id"),
        to_attr="analysed_videos",
    )


def _runner_bands(session: GaitSession) -> dict:
    """The runner's cadence band for the "improved / worse" verdict on cadence, when the session
    has the height and treadmill speed it needs (otherwise a detectable change is "changed")."""
    if session.height_cm is None or not session.treadmill_speed_kmh:
        return {}
    try:
        band = cadence_band(
            Runner(
                height_cm=float(session.height_cm),
                speed_kmh=float(session.treadmill_speed_kmh),
                leg_length_cm=float(session.leg_length_cm) if session.leg_length_cm is not None else None,
            )
        )
    except ValueError:
        return {}
    return {"cadence": (band.low, band.high)}


def _rows(video_a: GaitVideo, video_b: GaitVideo, bands: dict) -> list[dict]:
    rows = []
    for change in compare(video_a.report.get("metrics") or {}, video_b.report.get("metrics") or {}, bands=bands):
        row = change.as_dict()
        row["label"] = metric_label(change.metric)
        rows.append(row)
    return rows


def trial_comparison(*, trial_a_id, trial_b_id, with_choices: bool = False) -> TrialComparison:
    """Trial B against trial A (A is "before"): for each view both trials have an analysed video
    of, the per-metric change with its SDD verdict and the matched contacts for the player.

    Raises NotFoundError for an unknown trial (or an erased client's), ComparisonRefused for the
    same trial twice or trials of two different clients. Two queries (three with the choices).
    """
    ids = []
    for name, raw in (("a", trial_a_id), ("b", trial_b_id)):
        try:
            ids.append(int(raw))
        except (TypeError, ValueError):
            raise ComparisonRefused(f"{name}: give a trial id (a whole number).", extra={"field": name}) from None
    for name, pk in zip(("a", "b"), ids, strict=True):
        if not 0 < pk < 2**63:
            raise NotFoundError(f"No such trial: {name}={pk}.")
    if ids[0] == ids[1]:
        raise ComparisonRefused("Choose two different trials to compare.")
    trials = {
        trial.pk: trial
        for trial in Trial.objects.filter(pk__in=ids, session__client__erased_at__isnull=True)
        .select_related("session__client")
        .prefetch_related(_analysed_videos())
    }
    for name, pk in zip(("a", "b"), ids, strict=True):
        if pk not in trials:
            raise NotFoundError(f"No such trial: {name}={pk}.")
    trial_a, trial_b = trials[ids[0]], trials[ids[1]]
    if trial_a.session.client_id != trial_b.session.client_id:
        raise ComparisonRefused("The two trials belong to different clients; only one client's trials can be compared.")
    by_view_a, by_view_b = _analysed_by_view(trial_a), _analysed_by_view(trial_b)
    common = [view for view in VIEW_ORDER if view in by_view_a and view in by_view_b]
    bands = _runner_bands(trial_b.session)
    views = []
    for view in common:
        va, vb = by_view_a[view], by_view_b[view]
        ra, rb = va.report, vb.report
        fps_a, fps_b = float(ra.get("fps") or va.fps), float(rb.get("fps") or vb.fps)
        pairs = [p.as_dict() for p in matched_events(ra.get("events") or {}, rb.get("events") or {}, fps_a, fps_b)]
        side = "left" if any(p["side"] == "left" for p in pairs) else "right"
        views.append(
            ViewComparison(
                view=view,
                label=VIEW_LABELS[view],
                video_a=va,
                video_b=vb,
                rows=_rows(va, vb, bands),
                events=pairs,
                strides=[p for p in pairs if p["side"] == side],
                stride_side=side,
            )
        )
    a = TrialSide(trial_a, _trial_label(trial_a), [v for v in VIEW_ORDER if v in by_view_a])
    b = TrialSide(trial_b, _trial_label(trial_b), [v for v in VIEW_ORDER if v in by_view_b])
    message = "" if views else _no_common_view(a, b)
    choices = list(client_trials(client_id=trial_a.session.client_id)) if with_choices else []
    return TrialComparison(
        a=a,
        b=b,
        client_id=trial_a.session.client_id,
        same_session=trial_a.session_id == trial_b.session_id,
        views=views,
        message=message,
        trial_choices=choices,
    )


def _no_common_view(a: TrialSide, b: TrialSide) -> str:
    def has(side: TrialSide) -> str:
        if not side.views:
            return f"{side.label} has no analysed video yet"
        return f"{side.label} has {' and '.join(side.views)} view{'s' if len(side.views) > 1 else ''}"

    return f"The two trials have no analysed video of a common view to compare: {has(a)}; {has(b)}."


def client_trials(*, client_id) -> list[Trial]:
    """Every trial of the client, newest session first (for choosing what to compare)."""
    return (
        Trial.objects.filter(session__client_id=client_id, session__client__erased_at__isnull=True)
        .select_related("session")
        .order_by("-session__date", "-session_id", "created_at", "id")
    )


# Links to comparisons ------------------------------------------------------------------------
def _main_trial(trials) -> Trial | None:
    """The trial a session is compared by: its first baseline run, else its first run."""
    trials = list(trials)
    return next((t for t in trials if t.kind == TrialKind.BASELINE), trials[0] if trials else None)


def _cued_trial(trials) -> Trial | None:
    return next((t for t in trials if t.kind == TrialKind.WITH_CUES), None)


def compare_url(a: Trial, b: Trial) -> str:
    return f"{reverse('gait:compare')}?a={a.pk}&b={b.pk}"


def _links(session: GaitSession, previous: GaitSession | None, first: GaitSession | None) -> list[dict]:
    trials = list(session.trials.all())
    main, cued = _main_trial(trials), _cued_trial(trials)
    links = []
    if main is not None and cued is not None:
        links.append({"kind": "cues", "label": "Compare baseline with cues", "url": compare_url(main, cued)})
    if main is None:
        return links
    for kind, other, text in (("previous", previous, "previous session"), ("first", first, "first session")):
        if other is None or (kind == "first" and previous is not None and other.pk == previous.pk):
            continue
        before = _main_trial(other.trials.all())
        if before is not None:
            links.append(
                {
                    "kind": kind,
                    "label": f"Compare with {text} ({other.date:%-d %b %Y})",
                    "url": compare_url(before, main),
                }
            )
    return links


def session_comparison_links(*, session: GaitSession) -> list[dict]:
    """For the session page: baseline against the cued run, and this session against the
    client's previous and first sessions (each by its baseline run). Two queries."""
    sessions = list(
        GaitSession.objects.filter(client_id=session.client_id)
        .order_by("date", "id")
        .prefetch_related(Prefetch("trials", Trial.objects.order_by("created_at", "id")))
    )
    index = next((i for i, s in enumerate(sessions) if s.pk == session.pk), None)
    if index is None:
        return []
    earlier = sessions[:index]
    return _links(sessions[index], earlier[-1] if earlier else None, earlier[0] if earlier else None)


# The client's gait timeline ----------------------------------------------------------------
@dataclass
class TimelineSession:
    session: GaitSession
    status: str
    status_label: str
    trials: list[Trial]
    links: list[dict]
    metrics: dict  # {metric: {"left": x, "right": y, "unit": u}} of the session's main trial


@dataclass
class Trend:
    metric: str
    label: str
    unit: str
    sided: bool
    points: list[dict]  # {"date", "session_id", "left", "right"} oldest first


def _main_metrics(trial: Trial | None) -> dict:
    """Per metric, the value from the main trial's analysed videos, sagittal view first (a
    metric measured in several views, e.g. cadence, is taken from the first that has it)."""
    if trial is None:
        return {}
    by_view = _analysed_by_view(trial)
    merged = {}
    for view in VIEW_ORDER:
        video = by_view.get(view)
        for name, entry in ((video.report.get("metrics") or {}) if video else {}).items():
            if name not in merged and (entry.get("left") is not None or entry.get("right") is not None):
                merged[name] = {"left": entry.get("left"), "right": entry.get("right"), "unit": entry.get("unit") or ""}
    return merged


def client_gait_timeline(*, client_id) -> tuple[list[TimelineSession], list[Trend]]:
    """Every gait session of the client (newest first, with status, trials and comparison links)
    and the key metrics across sessions (oldest first). Three queries whatever the number of
    sessions."""
    sessions = list(
        _with_counts(GaitSession.objects.filter(client_id=client_id, client__erased_at__isnull=True))
        .select_related("therapist")
        .prefetch_related(
            Prefetch("trials", Trial.objects.order_by("created_at", "id").prefetch_related(_analysed_videos()))
        )
        .order_by("date", "id")
    )
    rows = []
    for i, session in enumerate(sessions):
        trials = list(session.trials.all())
        rows.append(
            TimelineSession(
                session=session,
                status=session_status(session),
                status_label=SessionStatus.LABELS[session_status(session)],
                trials=trials,
                links=_links(session, sessions[i - 1] if i else None, sessions[0] if i else None),
                metrics=_main_metrics(_main_trial(trials)),
            )
        )
    trends = []
    for metric in TREND_METRICS:
        points = [
            {"date": row.session.date, "session_id": row.session.pk, **row.metrics[metric]}
            for row in rows
            if metric in row.metrics
        ]
        if not points:
            continue
        unit = points[0]["unit"] or (SDD[metric].unit if metric in SDD else "")
        sided = metric != "cadence"
        if not sided:  # cadence: one value per session, the mean of the two sides
            for p in points:
                values = [v for v in (p["left"], p["right"]) if v is not None]
                p["value"] = round(sum(values) / len(values), 1)
        trends.append(Trend(metric, metric_label(metric), unit, sided, points))
    rows.reverse()
    return rows, trends
