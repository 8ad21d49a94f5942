from __future__ import annotations

import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from .media import can_view_media
from .selectors import health_report, today_overview


@login_required
def home(request):
    today = timezone.localdate()
    sections = today_overview(user=request.user, today=today)
    return render(request, "core/home.html", {"today": today, "sections": sections})


@require_GET
def protected_media(request, path: str):
    """Serve an uploaded file only to a logged-in user whom its folder's rule allows."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    root = Path(settings.MEDIA_ROOT).resolve()
    full_path = (root / path).resolve()
    if root not in full_path.parents:
        raise Http404("No such file.")
    if not can_view_media(request.user, full_path.relative_to(root).as_posix()):
        # Answered here, not raised: a refusal is expected, and a raised PermissionDenied is
        # logged with a full traceback.
        return permission_denied(request, None)
    if not full_path.is_file():
        raise Http404("No such file.")
    content_type, _ = mimetypes.guess_type(full_path.name)
    response = FileResponse(
        open(full_path, "rb"),  # noqa: SIM115 (FileResponse closes it)
        content_type=content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def healthz(request):
    """For load balancers and compose health checks: 503 when requests cannot be served."""
    report = health_report(now=timezone.now())
    response = JsonResponse(report, status=503 if report["status"] == "down" else 200)
    response["Cache-Control"] = "no-store"
    return response


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def permission_denied(request, exception):
    return render(request, "403.html", status=403)


def server_error(request):
    return render(request, "500.html", status=500)
