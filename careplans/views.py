"""Care plan pages, the recall list and the public self-booking page. Each view reads the clock
once and makes one call into a selector or service; domain errors become messages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from clients.selectors import client_get
from core.clinic_time import local_day_display, local_display
from core.decorators import staff_permission_required
from core.exceptions import ApplicationError, NotFoundError

from . import selectors, services
from .apps import RECALL_PERMS
from .forms import CarePlanForm, RecallBookForm, SelfBookForm

RECALLS_PER_PAGE = 20


def _plan_or_404(plan_id):
    try:
        return selectors.care_plan_get(plan_id=plan_id)
    except NotFoundError:
        raise Http404("No such care plan.") from None


def _client_or_404(client_id):
    try:
        return client_get(client_id=client_id)
    except NotFoundError:
        raise Http404("No such client.") from None


def _clinical(user) -> bool:
    return user.has_perm("clients.view_clinical")


# Plans on a client -----------------------------------------------------------------------
@staff_permission_required("careplans.view_careplan")
def client_plans(request, client_id):
    client = _client_or_404(client_id)
    plans = selectors.care_plan_list(filters={"client": client.pk})
    return render(request, "careplans/client_plans.html", {"client": client, "plans": plans})


@staff_permission_required("careplans.add_careplan")
def plan_create(request, client_id):
    client = _client_or_404(client_id)
    initial = {"start_date": timezone.localdate(), "therapist": request.user.pk}
    form = CarePlanForm(request.POST or None, initial=initial, clinical=_clinical(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.care_plan_create(client=client, created_by=request.user, **form.plan_data())
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, f"Care plan started; first reassessment due {local_day_display(plan.next_reassessment_due)}."
            )
            return redirect("careplans:detail", plan_id=plan.pk)
    return render(request, "careplans/plan_form.html", {"form": form, "client": client, "title": "New care plan"})


@staff_permission_required("careplans.view_careplan")
def plan_detail(request, plan_id):
    plan = _plan_or_404(plan_id)
    now = timezone.now()
    context = {
        "plan": plan,
        "clinical": _clinical(request.user),
        "booked": selectors.future_reassessments(client=plan.client, now=now),
        "invites": plan.self_booking_invites.all()[:5],
        "can_book": request.user.has_perms(RECALL_PERMS),
        "now": now,
    }
    return render(request, "careplans/plan_detail.html", context)


@staff_permission_required("careplans.change_careplan")
def plan_edit(request, plan_id):
    plan = _plan_or_404(plan_id)
    initial = {
        "therapist": plan.therapist_id,
        "goal": plan.goal,
        "start_date": plan.start_date,
        "reassessment_interval_weeks": plan.reassessment_interval_weeks,
        "next_reassessment_due": plan.next_reassessment_due,
    }
    form = CarePlanForm(request.POST or None, initial=initial, clinical=_clinical(request.user), editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.care_plan_update(plan=plan, data=form.plan_data())
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Care plan saved.")
            return redirect("careplans:detail", plan_id=plan.pk)
    return render(
        request,
        "careplans/plan_form.html",
        {"form": form, "client": plan.client, "plan": plan, "title": "Edit care plan"},
    )


@staff_permission_required("careplans.change_careplan")
@require_POST
def plan_status(request, plan_id):
    plan = _plan_or_404(plan_id)
    try:
        plan = services.care_plan_set_status(plan=plan, action=request.POST.get("action", ""), now=timezone.now())
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Care plan {plan.get_status_display().lower()}.")
    return redirect("careplans:detail", plan_id=plan.pk)


@staff_permission_required(RECALL_PERMS)
@require_POST
def plan_invite(request, plan_id):
    """Email the client a single-use link to pick a reassessment slot."""
    plan = _plan_or_404(plan_id)
    try:
        sent = services.self_booking_invite_create(
            plan=plan, site_url=request.build_absolute_uri("/"), now=timezone.now(), created_by=request.user
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"A booking link offering {len(sent.invite.offered_slots)} times is being emailed to {plan.client.full_name}.",
        )
    return redirect(_next_or(request, reverse("careplans:detail", args=[plan.pk])))


def _next_or(request, default: str) -> str:
    target = request.POST.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else default


# Recall list ---------------------------------------------------------------------------------
@staff_permission_required(RECALL_PERMS)
def recalls(request):
    now = timezone.now()
    error = None
    try:
        within_days = selectors.parse_within_days(request.GET.get("within_days"))
    except ValidationError as exc:
        error, within_days = exc.message_dict["within_days"][0], selectors.recall_within_days_default()
    page = Paginator(selectors.recall_list(now=now, within_days=within_days), RECALLS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    rows = selectors.recall_rows(plans=page.object_list, now=now)
    return render(
        request,
        "careplans/recalls.html",
        {"page": page, "rows": rows, "within_days": within_days, "error": error, "today": timezone.localdate(now)},
    )


@staff_permission_required(RECALL_PERMS)
@require_POST
def recall_book(request, plan_id):
    plan = _plan_or_404(plan_id)
    form = RecallBookForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That slot could not be read; choose one of the buttons again.")
        return redirect("careplans:recalls")
    try:
        appointment = services.recall_book(
            plan=plan,
            therapist_id=form.cleaned_data["therapist_id"],
            starts_at=form.cleaned_data["starts_at"],
            now=timezone.now(),
            booked_by=request.user,
        )
    except ApplicationError as exc:
        messages.error(request, f"{plan.client.full_name}: {exc.message}")
    else:
        messages.success(
            request,
            f"Reassessment booked for {plan.client.full_name} on {local_display(appointment.starts_at)} "
            f"with {appointment.therapist.display_name}.",
        )
    return redirect(_next_or(request, reverse("careplans:recalls")))


# Public self-booking page ----------------------------------------------------------------------
def _no_store(response):
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
def self_book(request, token):
    """The client's booking page: no login; shows only first name, clinic name and slot times."""
    now = timezone.now()
    try:
        invite = services.self_booking_check(token=token, now=now)
    except services.SelfBookingError as exc:
        return _no_store(
            render(request, "careplans/self_book_error.html", {"message": exc.message}, status=exc.status_code)
        )
    error, status = None, 200
    if request.method == "POST":
        form = SelfBookForm(request.POST)
        if form.is_valid():
            try:
                appointment = services.self_booking_book(token=token, slot_index=form.cleaned_data["slot"], now=now)
            except services.SlotTaken as exc:
                error, status = exc.message, exc.status_code
            except services.SelfBookingError as exc:
                return _no_store(
                    render(request, "careplans/self_book_error.html", {"message": exc.message}, status=exc.status_code)
                )
            else:
                return _no_store(
                    render(
                        request,
                        "careplans/self_book_done.html",
                        {"first_name": invite.client.first_name, "starts_at": appointment.starts_at},
                    )
                )
        else:
            error, status = "Please choose one of the times offered.", 400
    slots = selectors.offered_slots_still_free(invite, now=now)
    context = {"first_name": invite.client.first_name, "slots": slots, "error": error}
    return _no_store(render(request, "careplans/self_book.html", context, status=status))
