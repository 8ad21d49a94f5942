"""Treatment note pages. Each view reads the clock here and makes one call into a selector or
service; refusals become form errors or messages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.decorators import staff_permission_required
from core.exceptions import ApplicationError, NotFoundError

from . import selectors, services
from .forms import AmendmentForm, NoteForm


def _page_or_404(request, appointment_id) -> dict:
    try:
        return selectors.note_page(appointment_id=appointment_id, user=request.user)
    except NotFoundError:
        raise Http404("No such appointment.") from None


def _add_errors(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


def _write_perms(note, sign: bool) -> list[str]:
    perms = ["records.change_treatmentnote" if note else "records.add_treatmentnote"]
    return [*perms, "records.sign_treatmentnote"] if sign else perms


@staff_permission_required(selectors.VIEW_PERM)
def note(request, appointment_id):
    """The appointment's note: read it, write or edit the draft, and sign it."""
    page = _page_or_404(request, appointment_id)
    note = page["note"]
    initial = {name: getattr(note, name) for name in NoteForm.base_fields} if note else None
    form = NoteForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        sign = request.POST.get("action") == "sign"
        if not request.user.has_perms(_write_perms(note, sign)):
            raise PermissionDenied
        status = 400
        if form.is_valid():
            try:
                note = services.note_save(
                    appointment=page["appointment"], author=request.user, fields=form.cleaned_data,
                    now=timezone.now(), sign=sign,
                )
            except ApplicationError as exc:
                # The form is shown again with what was typed (e.g. a colleague signed the note
                # meanwhile: the text can go into an amendment), never lost.
                form.add_error(None, exc.message)
                status = exc.status_code
            else:
                messages.success(request, "Note signed. It is now locked; changes are amendments." if note.is_signed
                                 else "Draft saved.")
                return redirect("records:note", appointment_id=appointment_id)
    context = {**page, "form": form, "amendment_form": AmendmentForm()}
    return render(request, "records/note.html", context, status=status)


@staff_permission_required("records.add_treatmentnoteamendment")
@require_POST
def note_amend(request, appointment_id):
    page = _page_or_404(request, appointment_id)
    form = AmendmentForm(request.POST)
    if page["note"] is None:
        raise Http404("This appointment has no note to amend.")
    if form.is_valid():
        try:
            services.note_amend(note=page["note"], author=request.user, now=timezone.now(), **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Amendment added.")
            return redirect("records:note", appointment_id=appointment_id)
    context = {**page, "form": NoteForm(initial=None), "amendment_form": form}
    return render(request, "records/note.html", context, status=400)
