"""Writes: the exercise library and clients' programmes.

A programme line copies what the client reads from the library when it is added (name,
instructions, common mistakes, illustration; a cue's wording with its metronome figure), so
issuing freezes exactly what the therapist reviewed, and later library changes — or deleting an
exercise — never change an issued programme. Issued programmes are never edited: revising makes
a new draft version from one.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.text import slugify

from clients.models import Client
from core.exceptions import ApplicationError, ConflictError, NotFoundError

from .models import Exercise, Programme, ProgrammeCue, ProgrammeExercise, ProgrammeStatus, RetrainingCue, Side
from .suggestions import Suggestion

EXERCISE_FIELDS = (
    "name", "category", "region", "target_muscles", "instructions", "common_mistakes", "default_sets",
    "default_reps", "default_hold_seconds", "default_per_week", "one_sided", "addresses", "progression",
    "progression_text", "regression", "regression_text",
)
LINE_DOSAGE_FIELDS = ("sets", "reps", "hold_seconds", "load", "per_week", "side", "notes")
DRAFT_FIELDS = ("start_date", "review_date", "measured_cadence", "notes")


class NotEditable(ApplicationError):
    status_code = 403
    code = "not_editable"


class ProgrammeIssued(ConflictError):
    code = "programme_issued"

    def __init__(self):
        super().__init__("This programme has been issued and cannot change; revise it to make a new version.")


# Library -------------------------------------------------------------------------------------
# Words the library's URLs use (/exercises/new/, /exercises/cues/ ...), never an exercise's slug.
RESERVED_SLUGS = {"new", "cues", "clients", "programmes"}


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "exercise"
    slug, n = base, 2
    while slug in RESERVED_SLUGS or Exercise.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check_dosage(sets, reps, hold, per_week) -> None:
    from django.core.exceptions import ValidationError

    errors = {}
    if not reps and not hold:
        errors["reps"] = ["Give repetitions or a hold time (or both)."]
    if sets is not None and sets < 1:
        errors["sets"] = ["At least one set."]
    if per_week is not None and not 1 <= per_week <= 14:
        errors["per_week"] = ["Between 1 and 14 sessions a week."]
    if errors:
        raise ValidationError(errors)


def exercise_create(*, created_by, fields: dict) -> Exercise:
    fields = {name: value for name, value in fields.items() if name in EXERCISE_FIELDS}
    _check_dosage(fields.get("default_sets"), fields.get("default_reps"), fields.get("default_hold_seconds"),
                  fields.get("default_per_week"))
    exercise = Exercise(**fields, slug=_unique_slug(fields.get("name", "")), created_by=created_by, builtin=False)
    exercise.full_clean()
    exercise.save()
    return exercise


def exercise_update(*, exercise: Exercise, user, fields: dict) -> Exercise:
    """Staff edit their own exercises; built-in ones are shown or hidden, never rewritten."""
    if exercise.builtin:
        raise NotEditable("Built-in exercises cannot be edited; hide it and add your own version instead.")
    if exercise.created_by_id != user.pk:
        raise NotEditable("Only the person who added this exercise may edit it.")
    for name, value in fields.items():
        if name in EXERCISE_FIELDS:
            setattr(exercise, name, value)
    _check_dosage(exercise.default_sets, exercise.default_reps, exercise.default_hold_seconds,
                  exercise.default_per_week)
    if exercise.progression_id == exercise.pk or exercise.regression_id == exercise.pk:
        from django.core.exceptions import ValidationError

        raise ValidationError({"progression": ["An exercise cannot progress or regress to itself."]})
    exercise.full_clean()
    exercise.save()
    return exercise


def exercise_set_hidden(*, exercise: Exercise, hidden: bool) -> Exercise:
    """Hidden exercises are left out of the library list and of suggestions; programmes that
    already use them keep them."""
    exercise.hidden = hidden
    exercise.save(update_fields=["hidden", "updated_at"])
    return exercise


def cue_set_hidden(*, cue: RetrainingCue, hidden: bool) -> RetrainingCue:
    cue.hidden = hidden
    cue.save(update_fields=["hidden", "updated_at"])
    return cue


# Programmes ----------------------------------------------------------------------------------
def _require_draft(programme: Programme) -> None:
    if programme.status != ProgrammeStatus.DRAFT:
        raise ProgrammeIssued()


def _exercise_line(programme, exercise: Exercise, *, order: int, side: str = Side.BOTH, reason: str = "",
                   **dosage) -> ProgrammeExercise:
    return ProgrammeExercise(
        programme=programme, exercise=exercise, order=order,
        name=exercise.name, instructions=exercise.instructions, common_mistakes=exercise.common_mistakes,
        illustration=exercise.illustration, one_sided=exercise.one_sided,
        sets=dosage.get("sets") or exercise.default_sets,
        reps=dosage.get("reps", exercise.default_reps),
        hold_seconds=dosage.get("hold_seconds", exercise.default_hold_seconds),
        per_week=dosage.get("per_week") or exercise.default_per_week,
        load=dosage.get("load", ""), notes=dosage.get("notes", ""),
        side=side if exercise.one_sided else Side.BOTH, reason=reason,
    )


def _cue_line(programme, cue: RetrainingCue, *, order: int, reason: str = "") -> ProgrammeCue:
    return ProgrammeCue(programme=programme, cue=cue, order=order, title=cue.title,
                        wording=cue.wording_for(programme.measured_cadence), reason=reason)


def _check_dates(start_date, review_date) -> None:
    from django.core.exceptions import ValidationError

    if review_date and start_date and review_date < start_date:
        raise ValidationError({"review_date": ["The review date must be on or after the start date."]})


@transaction.atomic
def programme_create_draft(
    *, client: Client, therapist, start_date: date, review_date: date | None = None,
    measured_cadence: int | None = None, notes: str = "", suggestion: Suggestion | None = None,
) -> Programme:
    """A new draft for the client, filled from a suggestion when one is given."""
    _check_dates(start_date, review_date)
    programme = Programme.objects.create(
        client=client, therapist=therapist, start_date=start_date, review_date=review_date,
        measured_cadence=measured_cadence, notes=notes,
    )
    if suggestion:
        ProgrammeExercise.objects.bulk_create([
            _exercise_line(programme, item.exercise, order=n, side=item.side, reason=item.reason)
            for n, item in enumerate(suggestion.exercises)
        ])
        ProgrammeCue.objects.bulk_create([
            ProgrammeCue(programme=programme, cue=item.cue, order=n, title=item.cue.title, wording=item.wording,
                         reason=item.reason)
            for n, item in enumerate(suggestion.cues)
        ])
    return programme


def _locked_draft(programme: Programme) -> Programme:
    locked = Programme.objects.select_for_update().get(pk=programme.pk)
    _require_draft(locked)
    return locked


@transaction.atomic
def programme_update_draft(
    *, programme: Programme, fields: dict | None = None, lines: list[dict] | None = None,
    cues: list[dict] | None = None,
) -> Programme:
    """Change a draft. `fields`: start_date, review_date, measured_cadence, notes. `lines`, when
    given, replaces the exercise lines in that order: each is {"id": <line of this draft>} or
    {"exercise": Exercise}, with dosage (sets, reps, hold_seconds, load, per_week, side, notes).
    `cues`, when given, replaces the cues: each {"id": ...} or {"cue": RetrainingCue}."""
    programme = _locked_draft(programme)
    for name, value in (fields or {}).items():
        if name in DRAFT_FIELDS:
            setattr(programme, name, value)
    _check_dates(programme.start_date, programme.review_date)
    programme.save()
    if lines is not None:
        existing = {line.pk: line for line in programme.exercises.all()}
        keep = []
        for order, item in enumerate(lines):
            dosage = {name: item[name] for name in LINE_DOSAGE_FIELDS if name in item}
            if item.get("id") is not None:
                line = existing.get(item["id"])
                if line is None:
                    raise NotFoundError(f"Line {item['id']} is not part of this programme.")
                for name, value in dosage.items():
                    setattr(line, name, value)
                line.order = order
            else:
                line = _exercise_line(programme, item["exercise"], order=order, **dosage)
            _check_dosage(line.sets, line.reps, line.hold_seconds, line.per_week)
            line.save()
            keep.append(line.pk)
        programme.exercises.exclude(pk__in=keep).delete()
    if cues is not None:
        existing_cues = {cue.pk: cue for cue in programme.cues.all()}
        keep = []
        for order, item in enumerate(cues):
            if item.get("id") is not None:
                line = existing_cues.get(item["id"])
                if line is None:
                    raise NotFoundError(f"Cue line {item['id']} is not part of this programme.")
                line.order = order
            else:
                line = _cue_line(programme, item["cue"], order=order)
            line.save()
            keep.append(line.pk)
        programme.cues.exclude(pk__in=keep).delete()
    return programme


@transaction.atomic
def programme_add_exercise(*, programme: Programme, exercise: Exercise) -> ProgrammeExercise:
    programme = _locked_draft(programme)
    order = (programme.exercises.aggregate(m=Max("order"))["m"] or 0) + 1
    line = _exercise_line(programme, exercise, order=order)
    line.save()
    return line


@transaction.atomic
def programme_remove_line(*, programme: Programme, line_id) -> None:
    programme = _locked_draft(programme)
    deleted, _ = programme.exercises.filter(pk=line_id).delete()
    if not deleted:
        raise NotFoundError("No such exercise in this programme.")


@transaction.atomic
def programme_add_cue(*, programme: Programme, cue: RetrainingCue) -> ProgrammeCue:
    programme = _locked_draft(programme)
    if programme.cues.filter(cue=cue).exists():
        raise ConflictError(f"“{cue.title}” is already in this programme.")
    order = (programme.cues.aggregate(m=Max("order"))["m"] or 0) + 1
    line = _cue_line(programme, cue, order=order)
    line.save()
    return line


@transaction.atomic
def programme_remove_cue(*, programme: Programme, cue_line_id) -> None:
    programme = _locked_draft(programme)
    deleted, _ = programme.cues.filter(pk=cue_line_id).delete()
    if not deleted:
        raise NotFoundError("No such cue in this programme.")


@transaction.atomic
def programme_issue(*, programme: Programme, issued_by, now: datetime) -> Programme:
    """Freeze the draft as the client's next version. The client's row is locked so two issues
    at once get consecutive numbers; the unique key (client, version) is the backstop."""
    Client.objects.select_for_update().filter(pk=programme.client_id).first()
    programme = _locked_draft(programme)
    if not programme.exercises.exists() and not programme.cues.exists():
        raise ApplicationError("Add at least one exercise or cue before issuing.")
    latest = Programme.objects.filter(client_id=programme.client_id).aggregate(m=Max("version"))["m"] or 0
    programme.version = latest + 1
    programme.status = ProgrammeStatus.ISSUED
    programme.issued_at = now
    programme.issued_by = issued_by
    try:
        with transaction.atomic():
            programme.save()
    except IntegrityError:
        raise ConflictError("Another version was issued for this client at the same moment; try again.") from None
    return programme


@transaction.atomic
def programme_revise(*, programme: Programme, therapist, start_date: date) -> Programme:
    """A new draft copied from an issued programme (lines keep their snapshot text)."""
    if programme.status != ProgrammeStatus.ISSUED:
        raise ConflictError("Only an issued programme can be revised; edit the draft instead.")
    review_date = programme.review_date if programme.review_date and programme.review_date >= start_date else None
    draft = Programme.objects.create(
        client=programme.client, therapist=therapist, start_date=start_date, review_date=review_date,
        measured_cadence=programme.measured_cadence, notes=programme.notes, revised_from=programme,
    )
    copy_fields = [f.name for f in ProgrammeExercise._meta.concrete_fields if f.name not in ("id", "programme")]
    ProgrammeExercise.objects.bulk_create([
        ProgrammeExercise(programme=draft, **{name: getattr(line, name) for name in copy_fields})
        for line in programme.exercises.all()
    ])
    cue_fields = [f.name for f in ProgrammeCue._meta.concrete_fields if f.name not in ("id", "programme")]
    ProgrammeCue.objects.bulk_create([
        ProgrammeCue(programme=draft, **{name: getattr(line, name) for name in cue_fields})
        for line in programme.cues.all()
    ])
    return draft
