"""Routine video export: ask for it, follow its progress (JSON, or the socket in
`coach.videos.consumers`), download it.

Whoever may see the routine may do all three; anyone else gets 404 (or close code 4403 on the
socket), as for every other object (`coach.videos.selectors`).
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from coach.common.file_responses import stored_file_response
from coach.routines.selectors import routines_for
from coach.videos.models import VideoExport
from coach.videos.selectors import exports_for
from coach.videos.services import (
    download_filename,
    export_state,
    latest_export,
    request_export,
)


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
@require_http_methods(["GET", "POST"])
def routine_video(request, routine_id):
    """GET: the routine's latest export (or `{"status": null}`); POST: ask for the video."""
    routine = get_object_or_404(routines_for(request.user), pk=routine_id)
    if request.method == "GET":
        export = latest_export(routine)
        return JsonResponse(export_state(export) if export else {"status": None})
    export = request_export(request.user, routine)
    if _wants_json(request):
        return JsonResponse(export_state(export), status=202)
    return redirect("routine", routine_id=routine.id)


@login_required
@require_GET
def video_export(request, export_id):
    """The export's state, for pages that cannot keep a WebSocket open."""
    return JsonResponse(export_state(get_object_or_404(exports_for(request.user), pk=export_id)))


@login_required
@require_safe
def video_export_download(request, export_id):
    export = get_object_or_404(exports_for(request.user), pk=export_id)
    if export.status != VideoExport.Status.SUCCEEDED or not export.video:
        raise Http404("This video is not ready.")
    return stored_file_response(
        request, export.video, filename=download_filename(export), as_attachment=True,
        content_type="video/mp4",
    )  # fmt: skip
