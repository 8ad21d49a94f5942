"""Gait session pages: start a session (with the standing tests), the session page (upload with
live progress, videos, findings with their key frames, charts, review, sign-off, amendments)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.selectors import therapist_list
from clients.selectors import client_get
from core.decorators import staff_permission_required
from core.exceptions import ApplicationError, NotFoundError

from . import charts, selectors, services
from .models import (
    AccessKind,
    ClinicalTestKind,
    Footwear,
    Severity,
    SquatQuality,
    TrialKind,
    View,
)


def _or_404(select, **ids):
    try:
        return select(**ids)
    except NotFoundError as exc:
        raise Http404(exc.message) from None


def _error_text(exc) -> str:
    if isinstance(exc, ApplicationError):
        return exc.message
    if isinstance(exc, ValidationError) and hasattr(exc, "message_dict"):
        return " ".join(f"{field}: {' '.join(errors)}" for field, errors in exc.message_dict.items())
    return " ".join(getattr(exc, "messages", [str(exc)]))


class SessionForm(forms.Form):
    date = forms.DateField(widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    therapist = forms.ModelChoiceField(queryset=None)
    treadmill_speed_kmh = forms.DecimalField(label="Treadmill speed (km/h)", required=False, max_digits=4,
                                             decimal_places=1, min_value=0, max_value=40)
    treadmill_incline_pct = forms.DecimalField(label="Incline (%)", required=False, max_digits=4, decimal_places=1,
                                               min_value=-10, max_value=40)
    footwear = forms.ChoiceField(choices=Footwear.choices, initial=Footwear.SHOES)
    footwear_detail = forms.CharField(label="Shoes / footwear detail", required=False, max_length=200)
    pain_today = forms.IntegerField(label="Pain today (0–10)", required=False, min_value=0, max_value=10)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["therapist"].queryset = therapist_list()


SIDES = (("LEFT", "left"), ("RIGHT", "right"))


class ClinicalTestsForm(forms.Form):
    """The standing tests, one field per side: strength grade, squat quality, Trendelenburg,
    balance seconds, and one free-text line for anything else."""

    other = forms.CharField(label="Other tests (free text)", required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        sign = [("", "—"), ("negative", "Negative"), ("positive", "Positive")]
        for _code, side in SIDES:
            self.fields[f"strength_{side}"] = forms.DecimalField(
                label=f"Hip abduction strength, {side} (0–5)", required=False, min_value=0, max_value=5,
                max_digits=2, decimal_places=1)
            self.fields[f"squat_{side}"] = forms.ChoiceField(
                label=f"Single-leg squat, {side}", required=False, choices=[("", "—"), *SquatQuality.choices])
            self.fields[f"trendelenburg_{side}"] = forms.ChoiceField(
                label=f"Trendelenburg, {side}", required=False, choices=sign)
            self.fields[f"balance_{side}"] = forms.DecimalField(
                label=f"Single-leg balance, {side} (s)", required=False, min_value=0, max_digits=5, decimal_places=1)

    def tests(self) -> list[dict]:
        data = self.cleaned_data
        found = []
        for code, side in SIDES:
            if data.get(f"strength_{side}") is not None:
                found.append({"kind": ClinicalTestKind.HIP_ABDUCTION_STRENGTH, "side": code,
                              "strength_grade": data[f"strength_{side}"]})
            if data.get(f"squat_{side}"):
                found.append({"kind": ClinicalTestKind.SINGLE_LEG_SQUAT, "side": code,
                              "squat_quality": data[f"squat_{side}"]})
            if data.get(f"trendelenburg_{side}"):
                found.append({"kind": ClinicalTestKind.TRENDELENBURG, "side": code,
                              "trendelenburg_positive": data[f"trendelenburg_{side}"] == "positive"})
            if data.get(f"balance_{side}") is not None:
                found.append({"kind": ClinicalTestKind.SINGLE_LEG_BALANCE, "side": code,
                              "balance_seconds": data[f"balance_{side}"]})
        if data.get("other"):
            found.append({"kind": ClinicalTestKind.OTHER, "side": "NONE", "name": "Other", "result": data["other"]})
        return found


@staff_permission_required("gait.add_gaitsession")
def session_create(request, client_id):
    client = _or_404(client_get, client_id=client_id)
    initial = {"date": timezone.localdate(), "therapist": request.user.pk}
    form = SessionForm(request.POST or None, initial=initial)
    tests = ClinicalTestsForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and tests.is_valid():
        try:
            session = services.session_create_with_tests(
                client=client, created_by=request.user, now=timezone.now(), clinical_tests=tests.tests(),
                **form.cleaned_data,
            )
            services.trial_create(session=session, kind=TrialKind.BASELINE, label="Baseline", by=request.user)
        except (ApplicationError, ValidationError) as exc:
            form.add_error(None, _error_text(exc))
        else:
            return redirect("gait:session-detail", session_id=session.pk)
    return render(request, "gait/session_form.html", {"client": client, "form": form, "tests": tests})


@staff_permission_required("gait.view_gaitsession")
def session_detail(request, session_id):
    session = _or_404(selectors.session_detail, session_id=session_id)
    services.access_record(user=request.user, client_id=session.client_id, kind=AccessKind.FINDINGS,
                           what=f"session #{session.pk} page", now=timezone.now())
    trials = list(session.trials.all())
    for trial in trials:
        for video in trial.videos.all():
            video.charts = charts.metric_charts(video.report)
    return render(request, "gait/session_detail.html", {
        "session": session,
        "client": session.client,
        "status": selectors.session_status(session),
        "status_label": selectors.SessionStatus.LABELS[selectors.session_status(session)],
        "trials": trials,
        "findings": list(session.findings.all()),
        "suggestions": list(selectors.session_suggestions(session=session)),
        "targets": selectors.session_targets(session=session),
        "severities": Severity.choices,
        "views": View.choices,
        "trial_kinds": TrialKind.choices,
        "limit_bytes": services.upload_limit_bytes(),
        "limit_mb": services.upload_limit_bytes() // (1024 * 1024),
        "signed_off": session.is_signed_off,
    })


def _back(session_id):
    return redirect("gait:session-detail", session_id=session_id)


def _run(request, session_id, action, success: str):
    try:
        action()
    except (ApplicationError, ValidationError) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, success)
    return _back(session_id)


@require_POST
@staff_permission_required("gait.add_trial")
def trial_create(request, session_id):
    session = _or_404(selectors.session_get, session_id=session_id)
    kind = request.POST.get("kind") or TrialKind.WITH_CUES
    return _run(request, session.pk, lambda: services.trial_create(
        session=session, kind=kind, label=request.POST.get("label", ""), cues=request.POST.get("cues", ""),
        by=request.user), "Trial added: upload its videos below.")


@require_POST
@staff_permission_required("gait.change_finding")
def finding_review(request, finding_id):
    finding = _or_404(selectors.finding_get, finding_id=finding_id)
    action = request.POST.get("action", "")
    edit = {}
    if action == "edit":
        for key in ("severity", "side", "summary"):
            if key in request.POST:
                edit[key] = request.POST[key]
    return _run(request, finding.session_id, lambda: services.finding_review(
        finding=finding, action=action, by=request.user, now=timezone.now(), note=request.POST.get("note", ""),
        reason=request.POST.get("reason", ""), **edit), "Review saved.")


@require_POST
@staff_permission_required("gait.add_finding")
def finding_add(request, session_id):
    session = _or_404(selectors.session_get, session_id=session_id)
    return _run(request, session.pk, lambda: services.finding_add(
        session=session, code=request.POST.get("code", ""), side=request.POST.get("side", ""),
        severity=request.POST.get("severity", ""), summary=request.POST.get("summary", ""),
        note=request.POST.get("note", ""), reason=request.POST.get("reason", ""), by=request.user,
        now=timezone.now()), "Finding added.")


DECIDED = {"confirm": "Suggestion confirmed.", "dismiss": "Suggestion dismissed."}


@require_POST
@staff_permission_required("gait.change_clinicalsuggestion")
def suggestion_decide(request, session_id, suggestion_id):
    suggestion = _or_404(selectors.suggestion_get, session_id=session_id, suggestion_id=suggestion_id)
    decision = request.POST.get("decision", "")
    return _run(request, suggestion.session_id, lambda: services.suggestion_decide(
        suggestion=suggestion, decision=decision, by=request.user, now=timezone.now(),
        note=request.POST.get("note", "")), DECIDED.get(decision, "Decision saved."))


@require_POST
@staff_permission_required("gait.sign_off_gaitsession")
def session_sign_off(request, session_id):
    session = _or_404(selectors.session_get, session_id=session_id)
    return _run(request, session.pk, lambda: services.session_sign_off(
        session=session, by=request.user, now=timezone.now()), "Session signed off.")


@require_POST
@staff_permission_required("gait.change_gaitvideo")
def video_retry(request, video_id):
    video = _or_404(selectors.video_get, video_id=video_id)
    return _run(request, video.trial.session_id, lambda: services.video_retry(
        video=video, by=request.user, now=timezone.now()), "The video is queued for analysis again.")
