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
from exercises.forms import PlainCheckboxInput, ProgrammeDatesForm

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


class SessionDetailsForm(forms.Form):
    """What the therapist records about the session itself (editable later, see session_edit)."""

    date = forms.DateField(widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    treadmill_speed_kmh = forms.DecimalField(label="Treadmill speed (km/h)", required=False, max_digits=4,
                                             decimal_places=1, min_value=0, max_value=40)
    treadmill_incline_pct = forms.DecimalField(label="Incline (%)", required=False, max_digits=4, decimal_places=1,
                                               min_value=-10, max_value=40)
    footwear = forms.ChoiceField(choices=Footwear.choices, initial=Footwear.SHOES)
    footwear_detail = forms.CharField(label="Shoes / footwear detail", required=False, max_length=200)
    pain_today = forms.IntegerField(label="Pain today (0–10)", required=False, min_value=0, max_value=10)
    # The personal target bands (gait/clinical/targets.py) need the runner's size on the day.
    height_cm = forms.DecimalField(
        label="Height (cm)", required=False, max_digits=4, decimal_places=1, min_value=100, max_value=230,
        error_messages={"min_value": "Height is in centimetres: between 100 and 230.",
                        "max_value": "Height is in centimetres: between 100 and 230."})
    leg_length_cm = forms.DecimalField(
        label="Leg length, floor to greater trochanter (cm)", required=False, max_digits=4, decimal_places=1,
        min_value=40, max_value=130,
        error_messages={"min_value": "Leg length is in centimetres: between 40 and 130.",
                        "max_value": "Leg length is in centimetres: between 40 and 130."})
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))


class SessionForm(SessionDetailsForm):
    therapist = forms.ModelChoiceField(queryset=None)
    field_order = ["date", "therapist"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["therapist"].queryset = therapist_list()


class SessionEditForm(SessionDetailsForm):
    """After sign-off a change is an amendment: the form then asks for the reason."""

    def __init__(self, *args, signed_off: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if signed_off:
            self.fields["reason"] = forms.CharField(
                label="Reason for amendment", max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={"required": "The session is signed off: give the reason for this amendment."})

    def changes(self) -> dict:
        """Only what the therapist changed: an amendment records exactly that."""
        return {name: self.cleaned_data[name] for name in self.changed_data if name != "reason"}


def _form_errors(form, exc) -> None:
    """A service's field errors next to their fields; anything else at the top of the form."""
    errors = (getattr(exc, "extra", None) or {}).get("errors")
    if errors is None:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {None: [_error_text(exc)]}
    for field, texts in errors.items():
        for text in texts:
            form.add_error(field if field in form.fields else None, text)


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
    view_warnings = {}
    for trial in trials:
        for video in trial.videos.all():
            video.charts = charts.metric_charts(video.report)
            video.view_warning = view_warnings[video.pk] = selectors.video_view_warning(video)
    findings = list(session.findings.all())
    for finding in findings:
        finding.view_warning = view_warnings.get(finding.video_id)
    return render(request, "gait/session_detail.html", {
        "session": session,
        "client": session.client,
        "status": selectors.session_status(session),
        "status_label": selectors.SessionStatus.LABELS[selectors.session_status(session)],
        "trials": trials,
        "findings": findings,
        "suggestions": list(selectors.session_suggestions(session=session)),
        "targets": selectors.session_targets(session=session),
        "severities": Severity.choices,
        "views": View.choices,
        "trial_kinds": TrialKind.choices,
        "limit_bytes": services.upload_limit_bytes(),
        "limit_mb": services.upload_limit_bytes() // (1024 * 1024),
        "signed_off": session.is_signed_off,
        "prescribe_unavailable": selectors.prescribe_unavailable_reason(session)
        if request.user.has_perm("exercises.add_programme") else "",
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


@staff_permission_required("gait.change_gaitsession")
def session_edit(request, session_id):
    session = _or_404(selectors.session_get, session_id=session_id)
    initial = {name: getattr(session, name) for name in SessionDetailsForm.base_fields}
    form = SessionEditForm(request.POST or None, initial=initial, signed_off=session.is_signed_off)
    if request.method == "POST" and form.is_valid():
        if not form.changes():
            messages.info(request, "Nothing changed.")
            return _back(session.pk)
        try:
            services.session_update(session=session, data=form.changes(), by=request.user, now=timezone.now(),
                                    reason=form.cleaned_data.get("reason", ""))
        except (ApplicationError, ValidationError) as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "Amendment recorded." if session.is_signed_off else "Session details saved.")
            return _back(session.pk)
    return render(request, "gait/session_edit.html", {"session": session, "client": session.client, "form": form})


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


# Prescribing exercises from the session ------------------------------------------------------
def _focus_key(item: dict) -> str:
    return f"focus_{item['code']}_{item.get('side') or 'both'}"


class PrescribeForm(ProgrammeDatesForm):
    """What to address (the session's focus, all ticked) and the programme's dates and cadence."""

    def __init__(self, *args, focus: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.focus_items = focus
        for item in focus:
            self.fields[_focus_key(item)] = forms.BooleanField(required=False, initial=True, label=item["title"],
                                                               widget=PlainCheckboxInput,
                                                               help_text=item["reason"])

    def focus_fields(self):
        return [self[_focus_key(item)] for item in self.focus_items]

    def chosen_focus(self) -> list[dict]:
        return [item for item in self.focus_items if self.cleaned_data.get(_focus_key(item))]

    def clean(self):
        data = super().clean()
        if self.focus_items and not self.chosen_focus():
            raise forms.ValidationError("Tick at least one thing for the programme to address.")
        return data


@staff_permission_required(["gait.view_gaitsession", "exercises.add_programme"])
def session_prescribe(request, session_id):
    """Prescribe a home programme from the session: its confirmed suggestions and reviewed
    findings fill the focus; the draft editor opens prefilled, to be edited and issued there."""
    now = timezone.now()
    prescription = _or_404(selectors.prescription_for_session, session_id=session_id, now=now,
                           with_defaults=request.method != "POST")
    session = prescription.session
    form = PrescribeForm(request.POST or None, focus=prescription.focus, initial={
        "start_date": prescription.start_date, "review_date": prescription.review_date,
        "measured_cadence": prescription.cadence,
    })
    status = 200
    if request.method == "POST":
        status = 409 if prescription.unavailable else 400
        if not prescription.unavailable and form.is_valid():
            data = form.cleaned_data
            try:
                programme, created = services.programme_prescribe(
                    session=session, focus=form.chosen_focus(), therapist=request.user,
                    start_date=data["start_date"], review_date=data["review_date"],
                    measured_cadence=data["measured_cadence"], now=now,
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                status = exc.status_code
            else:
                messages.success(request, "Draft programme prescribed from the session; adjust it, then issue it."
                                 if created else "You started this draft moments ago: here it is (no second draft).")
                return redirect("exercises:programme", programme_id=programme.pk)
    else:
        services.access_record(user=request.user, client_id=session.client_id, kind=AccessKind.FINDINGS,
                               what=f"session #{session.pk} prescribing", now=now)
    return render(request, "gait/session_prescribe.html", {
        "session": session, "client": session.client, "prescription": prescription, "form": form,
    }, status=status)
