"""Exercise library and programme pages (therapists). Each view reads the clock here and makes
one call into a selector or service; refusals become form errors or messages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from clients.selectors import client_get
from core.clinic_time import clinic_tz
from core.decorators import staff_permission_required
from core.exceptions import ApplicationError, NotFoundError

from . import selectors, services
from .forms import AddCueForm, AddExerciseForm, DraftForm, ExerciseForm, FocusForm, LibraryFilterForm, LineFormSet
from .suggestions import suggest_programme

VIEW_EXERCISE = "exercises.view_exercise"
VIEW_PROGRAMME = "exercises.view_programme"
CHANGE_PROGRAMME = "exercises.change_programme"


def _or_404(get, **kwargs):
    try:
        return get(**kwargs)
    except NotFoundError as exc:
        raise Http404(exc.message) from None


def _add_errors(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


# Library ----------------------------------------------------------------------------------
@staff_permission_required(VIEW_EXERCISE)
def library(request):
    form = LibraryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    exercises = selectors.exercise_list(filters=filters)
    return render(request, "exercises/library.html", {"form": form, "exercises": exercises})


@staff_permission_required(VIEW_EXERCISE)
def exercise_detail(request, slug):
    exercise = _or_404(selectors.exercise_get, slug=slug)
    return render(request, "exercises/exercise_detail.html", {
        "exercise": exercise, "may_edit": selectors.exercise_may_edit(exercise, request.user),
    })


def _exercise_form_page(request, exercise=None):
    initial = None
    if exercise:
        initial = {name: getattr(exercise, name) for name in ExerciseForm.base_fields}
    form = ExerciseForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                if exercise:
                    exercise = services.exercise_update(exercise=exercise, user=request.user, fields=form.cleaned_data)
                else:
                    exercise = services.exercise_create(created_by=request.user, fields=form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                status = exc.status_code
            else:
                messages.success(request, f"Saved “{exercise.name}”.")
                return redirect("exercises:detail", slug=exercise.slug)
    return render(request, "exercises/exercise_form.html", {"form": form, "exercise": exercise}, status=status)


@staff_permission_required("exercises.add_exercise")
def exercise_new(request):
    return _exercise_form_page(request)


@staff_permission_required("exercises.change_exercise")
def exercise_edit(request, slug):
    exercise = _or_404(selectors.exercise_get, slug=slug)
    if not selectors.exercise_may_edit(exercise, request.user):
        raise PermissionDenied
    return _exercise_form_page(request, exercise)


@staff_permission_required("exercises.change_exercise")
@require_POST
def exercise_hidden(request, slug):
    exercise = _or_404(selectors.exercise_get, slug=slug)
    hidden = request.POST.get("hidden") == "true"
    services.exercise_set_hidden(exercise=exercise, hidden=hidden)
    messages.success(request, f"“{exercise.name}” is {'hidden from the library' if hidden else 'in use again'}.")
    return redirect("exercises:detail", slug=slug)


@staff_permission_required("exercises.view_retrainingcue")
def cues(request):
    return render(request, "exercises/cues.html", {"cues": selectors.cue_list(include_hidden=True)})


@staff_permission_required("exercises.change_retrainingcue")
@require_POST
def cue_hidden(request, slug):
    cue = _or_404(selectors.cue_get, slug=slug)
    services.cue_set_hidden(cue=cue, hidden=request.POST.get("hidden") == "true")
    messages.success(request, f"“{cue.title}” is {'hidden' if cue.hidden else 'in use again'}.")
    return redirect("exercises:cues")


# Programmes -------------------------------------------------------------------------------
@staff_permission_required(VIEW_PROGRAMME)
def client_programmes(request, client_id):
    """A client's programmes, and the form that starts a new one from chosen focus areas."""
    client = _or_404(client_get, client_id=client_id)
    now = timezone.now()
    initial = {"start_date": now.astimezone(clinic_tz()).date(),
               "review_date": selectors.programme_default_review_date(client=client, now=now)}
    form = FocusForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if not request.user.has_perm("exercises.add_programme"):
            raise PermissionDenied
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                suggestion = suggest_programme(focus=form.focus(), measured_cadence=data["measured_cadence"])
                programme = services.programme_create_draft(
                    client=client, therapist=request.user, start_date=data["start_date"],
                    review_date=data["review_date"], measured_cadence=data["measured_cadence"], suggestion=suggestion,
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, "Draft programme started from your focus areas; adjust it, then issue it.")
                return redirect("exercises:programme", programme_id=programme.pk)
    return render(request, "exercises/client_programmes.html", {
        "client": client, "programmes": selectors.programme_list(client=client), "form": form,
    }, status=status)


def _programme_page(request, programme, *, formset=None, draft_form=None, status=200):
    draft = not programme.is_issued
    may_edit = draft and request.user.has_perm(CHANGE_PROGRAMME)
    lines = list(programme.exercises.all())
    if may_edit and formset is None:
        formset = LineFormSet(prefix="lines", initial=[
            {"line_id": line.pk, **{name: getattr(line, name) for name in
                                    ("sets", "reps", "hold_seconds", "load", "per_week", "side", "notes")}}
            for line in lines
        ])
        draft_form = DraftForm(initial={"start_date": programme.start_date, "review_date": programme.review_date,
                                        "notes": programme.notes})
    rows = list(zip(lines, formset.forms, strict=True)) if may_edit else [(line, None) for line in lines]
    return render(request, "exercises/programme.html", {
        "programme": programme, "client": programme.client, "rows": rows, "formset": formset,
        "draft_form": draft_form, "may_edit": may_edit,
        "may_issue": draft and request.user.has_perm("exercises.issue_programme"),
        "may_revise": not draft and request.user.has_perm("exercises.add_programme"),
        "add_exercise_form": AddExerciseForm() if may_edit else None,
        "add_cue_form": AddCueForm() if may_edit else None,
    }, status=status)


@staff_permission_required(VIEW_PROGRAMME)
def programme(request, programme_id):
    """A draft (edit dosage, dates and advice; issue) or an issued version (read, print, revise)."""
    programme = _or_404(selectors.programme_get, programme_id=programme_id)
    if request.method != "POST":
        return _programme_page(request, programme)
    action = request.POST.get("action")
    if not request.user.has_perm("exercises.issue_programme" if action == "issue" else CHANGE_PROGRAMME):
        raise PermissionDenied
    formset = LineFormSet(request.POST, prefix="lines")
    draft_form = DraftForm(request.POST)
    if not (formset.is_valid() and draft_form.is_valid()):
        return _programme_page(request, programme, formset=formset, draft_form=draft_form, status=400)
    lines = [{"id": form.cleaned_data.pop("line_id"), **form.cleaned_data} for form in formset.forms]
    try:
        programme = services.programme_update_draft(programme=programme, fields=draft_form.cleaned_data, lines=lines)
        if action == "issue":
            programme = services.programme_issue(programme=programme, issued_by=request.user, now=timezone.now())
    except ValidationError as exc:
        _add_errors(draft_form, exc)
        return _programme_page(request, programme, formset=formset, draft_form=draft_form, status=400)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("exercises:programme", programme_id=programme_id)
    messages.success(request, f"Issued as version {programme.version}." if programme.is_issued else "Draft saved.")
    return redirect("exercises:programme", programme_id=programme_id)


def _draft_action(request, programme_id, action, success: str):
    programme = _or_404(selectors.programme_get, programme_id=programme_id)
    try:
        action(programme)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect("exercises:programme", programme_id=programme_id)


@staff_permission_required(CHANGE_PROGRAMME)
@require_POST
def programme_add_exercise(request, programme_id):
    form = AddExerciseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose an exercise from the library.")
        return redirect("exercises:programme", programme_id=programme_id)
    exercise = form.cleaned_data["exercise"]
    return _draft_action(request, programme_id, lambda p: services.programme_add_exercise(programme=p, exercise=exercise),
                         f"Added “{exercise.name}”.")


@staff_permission_required(CHANGE_PROGRAMME)
@require_POST
def programme_remove_exercise(request, programme_id, line_id):
    return _draft_action(request, programme_id, lambda p: services.programme_remove_line(programme=p, line_id=line_id),
                         "Exercise removed.")


@staff_permission_required(CHANGE_PROGRAMME)
@require_POST
def programme_add_cue(request, programme_id):
    form = AddCueForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a cue.")
        return redirect("exercises:programme", programme_id=programme_id)
    cue = form.cleaned_data["cue"]
    return _draft_action(request, programme_id, lambda p: services.programme_add_cue(programme=p, cue=cue),
                         f"Added “{cue.title}”.")


@staff_permission_required(CHANGE_PROGRAMME)
@require_POST
def programme_remove_cue(request, programme_id, cue_line_id):
    return _draft_action(request, programme_id,
                         lambda p: services.programme_remove_cue(programme=p, cue_line_id=cue_line_id), "Cue removed.")


@staff_permission_required("exercises.add_programme")
@require_POST
def programme_revise(request, programme_id):
    programme = _or_404(selectors.programme_get, programme_id=programme_id)
    try:
        draft = services.programme_revise(programme=programme, therapist=request.user,
                                          start_date=timezone.now().astimezone(clinic_tz()).date())
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("exercises:programme", programme_id=programme_id)
    messages.success(request, f"New draft from version {programme.version}; version {programme.version} is unchanged.")
    return redirect("exercises:programme", programme_id=draft.pk)


@staff_permission_required(VIEW_PROGRAMME)
def programme_print(request, programme_id):
    programme = _or_404(selectors.programme_get, programme_id=programme_id)
    return render(request, "exercises/programme_print.html", {"programme": programme, "client": programme.client})
