"""Gait files, served only through these views: permission checked, every access to a client's
video, landmarks or key frame logged, and HTTP range requests answered (206) so videos seek.
Files are read through the storage API, so this works the same on local disk and S3."""

from __future__ import annotations

import mimetypes
import re

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.decorators import staff_permission_required
from core.exceptions import NotFoundError

from . import selectors, services
from .models import AccessKind

CHUNK = 256 * 1024
RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
VIDEO_KINDS = {
    "original": ("original", AccessKind.VIDEO),
    "playable": ("playable", AccessKind.VIDEO),
    "overlay": ("overlay", AccessKind.VIDEO),
    "landmarks": ("landmarks", AccessKind.LANDMARKS),
}


def _stream(handle, start: int, length: int):
    try:
        handle.seek(start)
        left = length
        while left > 0:
            data = handle.read(min(CHUNK, left))
            if not data:
                break
            left -= len(data)
            yield data
    finally:
        handle.close()


def _log_first_request(request) -> bool:
    """A video player sends many range requests for one viewing; log the one from the start."""
    found = RANGE.match(request.headers.get("Range", "").strip())
    return found is None or found.group(1) == "0"


def serve_file(request, field_file, download_name: str):
    storage, name = field_file.storage, field_file.name
    try:
        size = storage.size(name)
    except (FileNotFoundError, OSError):
        raise Http404("No such file.") from None
    content_type = mimetypes.guess_type(download_name)[0] or "application/octet-stream"
    start, end = 0, size - 1
    found = RANGE.match(request.headers.get("Range", "").strip())
    partial = found is not None and (found.group(1) or found.group(2))
    if partial:
        first, last = found.group(1), found.group(2)
        if first == "":  # the last N bytes
            start, end = max(0, size - int(last)), size - 1
        else:
            start, end = int(first), min(int(last), size - 1) if last else size - 1
        if start >= size or start > end:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
    length = end - start + 1
    response = StreamingHttpResponse(
        _stream(storage.open(name, "rb"), start, length), status=206 if partial else 200, content_type=content_type
    )
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    if partial:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = f'inline; filename="{download_name}"'
    return response


def _or_404(select, **ids):
    try:
        return select(**ids)
    except NotFoundError:
        raise Http404("No such file.") from None


@require_GET
@staff_permission_required("gait.view_gaitvideo")
def video_media(request, video_id: int, kind: str):
    video = _or_404(selectors.video_get, video_id=video_id)
    if kind not in VIDEO_KINDS:
        raise Http404("No such file.")
    attribute, access = VIDEO_KINDS[kind]
    field_file = getattr(video, attribute)
    if not field_file:
        raise Http404("No such file.")
    if _log_first_request(request):
        services.access_record(
            user=request.user, client_id=video.client_id, kind=access, what=f"video #{video.pk} {kind}",
            now=timezone.now(),
        )
    extension = field_file.name.rsplit(".", 1)[-1]
    return serve_file(request, field_file, f"video-{video.pk}-{kind}.{extension}")


@require_GET
@staff_permission_required("gait.view_finding")
def finding_keyframe(request, finding_id: int):
    finding = _or_404(selectors.finding_get, finding_id=finding_id)
    if not finding.keyframe:
        raise Http404("No such file.")
    services.access_record(
        user=request.user, client_id=finding.session.client_id, kind=AccessKind.KEYFRAME,
        what=f"finding #{finding.pk} key frame", now=timezone.now(),
    )
    return serve_file(request, finding.keyframe, f"finding-{finding.pk}.jpg")
