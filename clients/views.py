"""Client pages. Each view makes one call into a selector or service; domain errors become
messages or form errors."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.decorators import staff_permission_required
from core.exceptions import ApplicationError, NotFoundError

from . import selectors, services
from .filters import ClientFilter
from .forms import ClientForm, ConsentForm, EraseForm, IntakeConsentForm


def _client_or_404(client_id):
    try:
        return selectors.client_get(client_id=client_id)
    except NotFoundError:
        raise Http404("No such client.") from None


@staff_permission_required("clients.view_client")
def client_list(request):
    filters = request.GET.dict()
    filters.pop("page", None)
    try:
        clients = selectors.client_list(filters=filters)
        error = None
    except ValidationError as exc:
        clients, error = [], "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
    page = Paginator(clients, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "clients/client_list.html",
        {"page": page, "filter_form": ClientFilter(data=request.GET).form, "error": error, "query": query.urlencode()},
    )


@staff_permission_required("clients.view_client")
def client_detail(request, client_id):
    try:
        profile = selectors.client_profile(
            client_id=client_id, user=request.user, now=timezone.now(), full_timeline=request.GET.get("timeline") == "all"
        )
    except NotFoundError:
        raise Http404("No such client.") from None
    if request.user.has_perm("clients.add_consent"):
        profile["consent_form"] = ConsentForm()
    return render(request, "clients/client_detail.html", profile)


@staff_permission_required("clients.add_client")
def client_create(request):
    clinical = request.user.has_perm("clients.view_clinical")
    form = ClientForm(request.POST or None, clinical=clinical)
    consent_form = IntakeConsentForm(request.POST or None) if request.user.has_perm("clients.add_consent") else None
    if request.method == "POST" and form.is_valid() and (consent_form is None or consent_form.is_valid()):
        now = timezone.now()
        try:
            client = services.client_create(
                created_by=request.user,
                today=timezone.localdate(now),
                allow_duplicate=form.cleaned_data["allow_duplicate"],
                consents=consent_form.decisions() if consent_form else None,
                consent_note=consent_form.cleaned_data["note"] if consent_form else "",
                now=now,
                **form.record_data(),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        except services.ProbableDuplicate as exc:
            form.add_error(None, exc.message)
            form.show_duplicate_confirmation = True
        else:
            messages.success(request, f"{client.full_name} was added.")
            return redirect("clients:detail", client_id=client.pk)
    return render(
        request, "clients/client_form.html", {"form": form, "consent_form": consent_form, "title": "New client"}
    )


@staff_permission_required("clients.change_client")
def client_edit(request, client_id):
    client = _client_or_404(client_id)
    clinical = request.user.has_perm("clients.view_clinical")
    form = ClientForm(request.POST or None, instance=client, clinical=clinical)
    if request.method == "POST" and form.is_valid():
        try:
            client = services.client_update(
                client=client,
                updated_by=request.user,
                today=timezone.localdate(),
                data=form.record_data(),
                allow_duplicate=form.cleaned_data["allow_duplicate"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        except services.ProbableDuplicate as exc:
            form.add_error(None, exc.message)
            form.show_duplicate_confirmation = True
        else:
            messages.success(request, "Changes saved.")
            return redirect("clients:detail", client_id=client.pk)
    return render(
        request, "clients/client_form.html", {"form": form, "client": client, "title": f"Edit {client.full_name}"}
    )


@staff_permission_required("clients.change_client")
@require_POST
def client_archive(request, client_id):
    client = _client_or_404(client_id)
    try:
        services.client_archive(client=client, now=timezone.now())
        messages.success(request, f"{client.full_name} was archived. Archived clients cannot be booked.")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("clients:detail", client_id=client.pk)


@staff_permission_required("clients.change_client")
@require_POST
def client_unarchive(request, client_id):
    client = _client_or_404(client_id)
    try:
        services.client_unarchive(client=client)
        messages.success(request, f"{client.full_name} is active again.")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("clients:detail", client_id=client.pk)


@staff_permission_required("clients.add_consent")
@require_POST
def consent_record(request, client_id):
    client = _client_or_404(client_id)
    form = ConsentForm(request.POST)
    if form.is_valid():
        try:
            consent = services.consent_record(
                client=client,
                purpose=form.cleaned_data["purpose"],
                granted=form.granted,
                recorded_by=request.user,
                now=timezone.now(),
                note=form.cleaned_data["note"],
            )
        except (ApplicationError, ValidationError) as exc:
            messages.error(request, getattr(exc, "message", None) or "; ".join(exc.messages))
        else:
            state = "given" if consent.granted else "refused or withdrawn"
            messages.success(request, f"Consent for {consent.get_purpose_display().lower()} recorded as {state}.")
    else:
        messages.error(request, "Choose a purpose and a decision to record consent.")
    return redirect("clients:detail", client_id=client.pk)


@staff_permission_required("clients.export_client")
def client_export(request, client_id):
    client = _client_or_404(client_id)
    export = services.client_export(client=client, exported_by=request.user, now=timezone.now())
    response = FileResponse(export.file, as_attachment=True, filename=export.filename, content_type="application/zip")
    response["Cache-Control"] = "private, no-store"
    return response


@staff_permission_required("clients.erase_client")
def client_erase(request, client_id):
    client = _client_or_404(client_id)
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.client_erase(
                client=client,
                erased_by=request.user,
                now=timezone.now(),
                confirmation=form.cleaned_data["confirmation"],
            )
        except services.ErasureNotConfirmed as exc:
            form.add_error("confirmation", exc.message)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"The personal data of client #{client.pk} was erased.")
            return redirect("clients:list")
    return render(request, "clients/client_erase.html", {"client": client, "form": form})
