"""Calendar pages. Each view reads the clock here, makes one call into a selector or service,
and turns refusals into form errors naming the clash."""

from __future__ import annotations

from datetime import date, timedelta
from html import escape

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from accounts.selectors import UnknownTherapist, is_therapist, therapist_get
from clients.selectors import bookable_client_search
from core.clinic_time import clinic_tz, local_display
from core.decorators import staff_permission_required
from core.exceptions import ApplicationError, ConflictError, NotFoundError

from . import selectors, services
from .forms import BookForm, CancelForm, MarkForm, RescheduleForm, client_label

WEEKDAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def _parse_day(value: str | None, today: date) -> tuple[date, str | None]:
    if not value:
        return today, None
    try:
        return date.fromisoformat(value), None
    except ValueError:
        return today, f"“{value}” is not a date (use YYYY-MM-DD); showing today."


def _calendar_therapist(request):
    """None = whole clinic. Therapists see their own calendar unless they ask for another."""
    value = request.GET.get("therapist")
    if value is None:
        return request.user if is_therapist(request.user) else None
    if value in ("", "all"):
        return None
    try:
        return therapist_get(therapist_id=value)
    except UnknownTherapist:
        raise Http404("No such therapist.") from None


@staff_permission_required("appointments.view_appointment")
def calendar(request):
    now = timezone.now()
    today = timezone.localdate(now, clinic_tz())
    day, error = _parse_day(request.GET.get("date"), today)
    mode = "day" if request.GET.get("view") == "day" else "week"
    therapist = _calendar_therapist(request)
    first = day if mode == "day" else day - timedelta(days=day.weekday())
    num_days = 1 if mode == "day" else 7
    layout = "matrix" if (mode == "week" and therapist is None) else "columns"
    can_book = request.user.has_perm("appointments.add_appointment")
    cal = selectors.calendar_get(
        first_day=first, num_days=num_days, therapist=therapist, now=now, with_free=layout == "columns" and can_book
    )
    step = timedelta(days=num_days)
    therapist_param = str(therapist.id) if therapist else "all"
    columns, matrix = [], []
    base, new = reverse("appointments:calendar"), reverse("appointments:new")
    if layout == "columns" and mode == "day":
        columns = [
            _column(t.display_name, "", t.id, day, False, cal.entries[(t.id, day)], cal.free[(t.id, day)], cal.rows,
                    base, new, can_book)
            for t in cal.therapists
        ]  # fmt: skip
    elif layout == "columns":
        t = cal.therapists[0]
        columns = [
            _column(f"{WEEKDAY_NAMES[d.weekday()]} {d.day}", d.strftime("%b"), t.id, d, d == today,
                    cal.entries[(t.id, d)], cal.free[(t.id, d)], cal.rows, base, new, can_book)
            for d in cal.days
        ]  # fmt: skip
    else:
        matrix = [
            {
                "therapist": t,
                "cells": [_matrix_cell(cal.entries[(t.id, d)], t, d, base, new, can_book) for d in cal.days],
            }
            for t in cal.therapists
        ]
    context = {
        "cal": cal,
        "mode": mode,
        "layout": layout,
        "day": day,
        "first": first,
        "last": cal.days[-1],
        "today": today,
        "therapist": therapist,
        "therapist_param": therapist_param,
        "therapist_options": _therapist_options(
            cal.therapists if therapist is None else selectors.therapists_for_booking(), therapist
        ),
        "columns": columns,
        "cancelled": _cancelled(cal.cancelled, base),
        "matrix": matrix,
        "day_names": [(d, WEEKDAY_NAMES[d.weekday()]) for d in cal.days],
        "prev_day": (first - step).isoformat() if mode == "week" else (day - step).isoformat(),
        "next_day": (first + step).isoformat() if mode == "week" else (day + step).isoformat(),
        "can_book": can_book,
        "new_url": reverse("appointments:new"),
        "base_url": reverse("appointments:calendar"),
        "error": error,
        "tz_name": str(clinic_tz()),
    }
    return render(request, "appointments/calendar.html", context)


def _column(title, subtitle, therapist_id, day, is_today, entries, free, rows, base_url, new_url, can_book) -> str:
    """One column of the day or week calendar (a therapist, or a day), built here rather than in
    the template for the same reason as `_matrix_cell`: the whole-clinic day has a column per
    therapist and ~1,000 free slots, which the template engine renders at ~0.2 ms each."""
    parts = [
        f'<div class="cal-col{" is-today" if is_today else ""}" data-therapist="{therapist_id}" '
        f'data-date="{day.isoformat()}"><div class="cal-head r-1"><strong>{escape(title)}</strong> '
        f'{escape(subtitle)}</div><div class="cal-fill r-2 s-{rows}"></div>'
    ]
    if can_book:
        who = escape(title)
        for f in free:
            at = f"{f.starts_local:%H:%M}"
            parts.append(
                f'<a class="cal-free r-{f.row} s-{f.span}" href="{new_url}?therapist={f.therapist_id}'
                f'&amp;date={f.starts_local:%Y-%m-%d}&amp;time={at}" data-time="{at}"><span class="visually-hidden">'
                f"Book {who} {WEEKDAY_NAMES[f.starts_local.weekday()]} {f.starts_local.day} {f.starts_local:%b} "
                f"</span>{at}</a>"
            )
    for e in entries:
        client, type_name, label = escape(e.client_name), escape(e.type_name), escape(e.status_label)
        status = "" if e.status == "booked" else f' <span class="appt-status">{label}</span>'
        parts.append(
            f'<a class="appt r-{e.row} s-{e.span} kind-{e.kind} status-{e.status}" data-colour="{escape(e.colour)}" '
            f'href="{base_url}{e.id}/" title="{e.label} {client} · {type_name} · {label}">'
            f'<span class="appt-time">{e.label}</span> <span class="appt-client">{client}</span> '
            f'<span class="appt-type">{type_name}</span>{status}</a>'
        )
    parts.append("</div>")
    return mark_safe("".join(parts))  # noqa: S308 - built from escaped values above


def _therapist_options(therapists, chosen) -> str:
    """The calendar's therapist <option>s (one per therapist; built here like the columns)."""
    return mark_safe(  # noqa: S308 - built from escaped values
        "".join(
            f'<option value="{t.id}"{" selected" if chosen and chosen.id == t.id else ""}>{escape(t.display_name)}</option>'
            for t in therapists
        )
    )


def _cancelled(entries, base_url) -> list[str]:
    """The day's or week's cancelled appointments, listed under the calendar (built like `_column`)."""
    return [
        mark_safe(  # noqa: S308 - built from escaped values
            f'<a class="appt status-cancelled kind-{e.kind}" href="{base_url}{e.id}/">'
            f"{WEEKDAY_NAMES[e.starts_local.weekday()]} {e.starts_local.day} {e.starts_local:%b} {e.label} "
            f"{escape(e.client_name)} · {escape(e.type_name)}</a>"
        )
        for e in entries
    ]


def _matrix_cell(entries, therapist, day, base_url, new_url, can_book) -> str:
    """One therapist-day cell of the whole-clinic week, built here rather than in the template:
    a busy week has ~1,000 appointments and the template engine costs ~0.2 ms for each one.
    Every value is escaped (the standard library's html.escape: Django's lazy-aware one costs more)."""
    parts = []
    for e in entries:
        status = "" if e.status == "booked" else f' <span class="appt-status">{escape(e.status_label)}</span>'
        parts.append(
            f'<a class="appt kind-{e.kind} status-{e.status}" data-colour="{escape(e.colour)}" href="{base_url}{e.id}/">'
            f'<span class="appt-time">{e.label}</span> <span class="appt-client">{escape(e.client_name)}</span> '
            f'<span class="appt-type">{escape(e.type_name)}</span>{status}</a>'
        )
    if can_book:
        who = escape(f"{therapist.display_name} on {day:%a} {day.day} {day:%b}")
        parts.append(
            f'<a class="cal-add" href="{new_url}?therapist={therapist.id}&amp;date={day.isoformat()}" title="Book {who}">'
            f'+<span class="visually-hidden"> Book {who}</span></a>'
        )
    return mark_safe("".join(parts))  # noqa: S308 - built from escaped values above


def _clash_context(exc: ApplicationError) -> dict:
    return {"clash_id": exc.extra.get("clashing_appointment_id")} if isinstance(exc, ConflictError) else {}


def _client_choices(clients) -> list[dict]:
    return [{"id": c.id, "label": client_label(c)} for c in clients]


@staff_permission_required("appointments.add_appointment")
def client_search(request):
    """The booking form's client picker (JSON): active clients matching ?q=, at most 20."""
    return JsonResponse({"results": _client_choices(bookable_client_search(query=request.GET.get("q", "")))})


@staff_permission_required("appointments.add_appointment")
def appointment_new(request):
    initial = {key: request.GET[key] for key in ("therapist", "client", "date", "time") if request.GET.get(key)}
    if request.GET.get("type"):
        initial["appointment_type"] = request.GET["type"]
    form = BookForm(request.POST or None, initial=initial)
    if request.method == "POST" and "find_client" in request.POST:
        # Without JavaScript the picker searches by submitting the form: show the matches to pick
        # from and keep everything else as typed; nothing is booked.
        query = request.POST.get("client_search", "")
        matches = _client_choices(bookable_client_search(query=query))
        return render(request, "appointments/book.html", {"form": form, "matches": matches, "query": query})
    extra = {}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appointment = services.appointment_book(
                client=data["client"],
                therapist=data["therapist"],
                appointment_type=data["appointment_type"],
                starts_at=form.starts_at(),
                room=data["room"],
                notes=data["notes"],
                now=timezone.now(),
                created_by=request.user,
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            extra = _clash_context(exc)
        else:
            messages.success(request, f"Booked {appointment.client.full_name} on {local_display(appointment.starts_at)}.")
            return redirect(_calendar_url(appointment))
    status = 409 if extra.get("clash_id") else (400 if request.method == "POST" else 200)
    return render(request, "appointments/book.html", {"form": form, **extra}, status=status)


def _calendar_url(appointment) -> str:
    local = timezone.localtime(appointment.starts_at, clinic_tz()).date()
    return f"{reverse('appointments:calendar')}?date={local.isoformat()}&therapist={appointment.therapist_id}"


def _appointment_or_404(request, appointment_id):
    try:
        return selectors.appointment_detail(appointment_id=appointment_id, user=request.user)
    except NotFoundError:
        raise Http404("No such appointment.") from None


def _detail_context(request, detail: dict, **forms) -> dict:
    appointment = detail["appointment"]
    local = timezone.localtime(appointment.starts_at, clinic_tz())
    context = {
        **detail,
        "can_change": request.user.has_perm("appointments.change_appointment"),
        "reschedule_form": RescheduleForm(
            initial={"therapist": appointment.therapist_id, "date": local.date(), "time": local.time()}
        ),
        "cancel_form": CancelForm(),
        "calendar_url": _calendar_url(appointment),
    }
    context.update(forms)
    return context


@staff_permission_required("appointments.view_appointment")
def appointment_detail(request, appointment_id):
    detail = _appointment_or_404(request, appointment_id)
    return render(request, "appointments/detail.html", _detail_context(request, detail))


@staff_permission_required("appointments.change_appointment")
@require_POST
def appointment_reschedule(request, appointment_id):
    detail = _appointment_or_404(request, appointment_id)
    form = RescheduleForm(request.POST)
    extra = {}
    if form.is_valid():
        try:
            appointment = services.appointment_reschedule(
                appointment=detail["appointment"],
                starts_at=form.starts_at(),
                therapist=form.cleaned_data["therapist"],
                now=timezone.now(),
                changed_by=request.user,
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            extra = _clash_context(exc)
        else:
            messages.success(request, "The appointment was moved.")
            return redirect("appointments:detail", appointment_id=appointment.id)
    status = 409 if extra.get("clash_id") else 400
    return render(
        request,
        "appointments/detail.html",
        _detail_context(request, detail, reschedule_form=form, **extra),
        status=status,
    )


@staff_permission_required("appointments.change_appointment")
@require_POST
def appointment_cancel(request, appointment_id):
    detail = _appointment_or_404(request, appointment_id)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.appointment_cancel(
                appointment=detail["appointment"],
                reason=form.cleaned_data["reason"],
                now=timezone.now(),
                changed_by=request.user,
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "The appointment was cancelled.")
            return redirect("appointments:detail", appointment_id=appointment_id)
    return render(request, "appointments/detail.html", _detail_context(request, detail, cancel_form=form), status=400)


@staff_permission_required("appointments.change_appointment")
@require_POST
def appointment_mark(request, appointment_id):
    detail = _appointment_or_404(request, appointment_id)
    form = MarkForm(request.POST)
    if form.is_valid():
        try:
            appointment = services.appointment_mark(
                appointment=detail["appointment"],
                status=form.cleaned_data["status"],
                now=timezone.now(),
                changed_by=request.user,
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            marked = f"Marked {form.cleaned_data['status'].replace('_', '-').lower()}."
            messages.success(request, _with_follow_up(marked, appointment.follow_up))
    else:
        messages.error(request, "Choose attended or no-show.")
    return redirect("appointments:detail", appointment_id=appointment_id)


def _with_follow_up(marked: str, follow_up) -> str:
    """The 'marked attended' message plus what the care plan scheduler did, with links to it."""
    if follow_up is None or not follow_up.summary:
        return marked
    links = []
    if follow_up.appointment is not None:
        links.append(
            format_html(
                '<a href="{}">the reassessment</a>', reverse("appointments:detail", args=[follow_up.appointment.id])
            )
        )
    if follow_up.plan is not None:
        links.append(
            format_html('<a href="{}">the care plan</a>', reverse("careplans:detail", args=[follow_up.plan.id]))
        )
    if follow_up.appointment is None and follow_up.due is not None:
        links.append(format_html('<a href="{}">the recall list</a>', reverse("careplans:recalls")))
    shown = format_html_join(" and ", "{}", ((link,) for link in links))
    return format_html("{} {} {}", marked, follow_up.summary, format_html("Open {}.", shown) if links else "")
