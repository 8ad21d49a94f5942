"""Reads of the exercise library and of clients' programmes. Callers check permissions
(exercises.view_exercise for the library, exercises.view_programme for programmes); the timeline
source checks them itself."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse

from careplans.selectors import care_plan_active_for_client, future_reassessments
from clients.timeline import TimelineEntry
from core.clinic_time import clinic_tz
from core.exceptions import NotFoundError

from .models import (
    BodyRegion,
    Exercise,
    ExerciseCategory,
    Programme,
    ProgrammeCue,
    ProgrammeExercise,
    ProgrammeStatus,
    RetrainingCue,
)

VIEW_PROGRAMME_PERM = "exercises.view_programme"
HIDDEN_CHOICES = ("false", "true", "all")


def exercise_list(*, filters: dict | None = None) -> QuerySet[Exercise]:
    """Library exercises by name. Filters: q (name, muscles or tag), region, category, hidden
    ("false" by default: visible only; "true": hidden only; "all"). Raises ValidationError
    naming a bad filter."""
    filters = filters or {}
    exercises = Exercise.objects.select_related("progression", "regression")
    hidden = str(filters.get("hidden") or "false").lower()
    if hidden not in HIDDEN_CHOICES:
        raise ValidationError({"hidden": [f"Choose one of {', '.join(HIDDEN_CHOICES)}."]})
    if hidden != "all":
        exercises = exercises.filter(hidden=hidden == "true")
    region = filters.get("region")
    if region:
        if region not in BodyRegion.values:
            raise ValidationError({"region": [f"Choose one of {', '.join(BodyRegion.values)}."]})
        exercises = exercises.filter(region=region)
    category = filters.get("category")
    if category:
        if category not in ExerciseCategory.values:
            raise ValidationError({"category": [f"Choose one of {', '.join(ExerciseCategory.values)}."]})
        exercises = exercises.filter(category=category)
    query = (filters.get("q") or "").strip()
    if query:
        tag = query.lower().replace(" ", "_")
        exercises = exercises.filter(
            Q(name__icontains=query) | Q(target_muscles__icontains=query) | Q(addresses__icontains=tag)
        )
    return exercises.order_by("name", "id")


def exercise_get(*, slug) -> Exercise:
    try:
        return Exercise.objects.select_related("progression", "regression", "created_by").get(slug=slug)
    except Exercise.DoesNotExist:
        raise NotFoundError("No such exercise.") from None


def exercise_get_by_id(*, exercise_id) -> Exercise:
    try:
        return Exercise.objects.get(pk=exercise_id)
    except (Exercise.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("No such exercise.") from None


def exercise_may_edit(exercise: Exercise, user) -> bool:
    """Staff edit the exercises they made; built-in ones are only hidden or shown."""
    return (not exercise.builtin and exercise.created_by_id == user.pk
            and user.has_perm("exercises.change_exercise"))


def cue_list(*, include_hidden: bool = False) -> QuerySet[RetrainingCue]:
    cues = RetrainingCue.objects.all()
    return cues if include_hidden else cues.filter(hidden=False)


def cue_get(*, slug) -> RetrainingCue:
    try:
        return RetrainingCue.objects.get(slug=slug)
    except RetrainingCue.DoesNotExist:
        raise NotFoundError("No such cue.") from None


def cue_get_by_id(*, cue_id) -> RetrainingCue:
    try:
        return RetrainingCue.objects.get(pk=cue_id)
    except (RetrainingCue.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("No such cue.") from None


# Programmes ----------------------------------------------------------------------------------
def _programmes() -> QuerySet[Programme]:
    return Programme.objects.filter(client__erased_at__isnull=True).select_related(
        "client", "therapist", "issued_by", "revised_from"
    ).prefetch_related(
        Prefetch("exercises", ProgrammeExercise.objects.order_by("order", "id")),
        Prefetch("cues", ProgrammeCue.objects.order_by("order", "id")),
    )


def programme_list(*, client, with_lines: bool = False) -> QuerySet[Programme]:
    """The client's programmes: drafts first, then issued versions newest first; their lines
    only when asked (the page lists headings, the API gives everything)."""
    programmes = _programmes() if with_lines else Programme.objects.filter(client__erased_at__isnull=True).select_related(
        "therapist", "issued_by")
    return programmes.filter(client=client).order_by("status", "-version", "-id")  # DRAFT < ISSUED


def programme_get(*, programme_id) -> Programme:
    """One programme of a client who is not erased (an erased client's programmes are gone)."""
    try:
        return _programmes().get(pk=programme_id)
    except (Programme.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("No such programme.") from None


def draft_made_since(*, client, therapist, since: datetime) -> Programme | None:
    """The therapist's newest draft for the client made at or after `since`, if any."""
    return (Programme.objects.filter(client=client, therapist=therapist, status=ProgrammeStatus.DRAFT,
                                     created_at__gte=since).order_by("-created_at", "-id").first())


def programme_default_review_date(*, client, now: datetime) -> date | None:
    """The next reassessment: the booked one if any, else the active care plan's due date."""
    booked = future_reassessments(client=client, now=now).values_list("starts_at", flat=True).first()
    if booked:
        return booked.astimezone(clinic_tz()).date()
    plan = care_plan_active_for_client(client)
    return plan.next_reassessment_due if plan else None


def client_programmes_timeline(*, client, user, now: datetime, limit: int | None) -> list[TimelineEntry]:
    """Timeline source: issued programmes at their issue time, drafts at their creation
    (clinical: only for users who may see programmes). Two queries."""
    if not user.has_perm(VIEW_PROGRAMME_PERM):
        return []
    base = Programme.objects.filter(client=client)
    # A programme is dated by when it was issued (or drafted): never in the future.
    past = base.order_by("-created_at", "-id")
    if limit is not None:
        past = past[:limit]
    entries = []
    for programme in past:
        issued = programme.status == ProgrammeStatus.ISSUED
        entries.append(TimelineEntry(
            at=programme.issued_at if issued else programme.created_at,
            kind="programme",
            kind_label="Exercise programme",
            title=f"Exercise programme v{programme.version}" if issued else "Exercise programme (draft)",
            status="Issued" if issued else "Draft",
            url=reverse("exercises:programme", args=[programme.pk]),
            clinical=True,
        ))
    return entries
