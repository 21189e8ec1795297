"""Routine video export: ask for it, follow its progress (JSON or WebSocket), download it.

Whoever may see the routine may do all three; anyone else gets 404 (or close code 4403 on the
socket), as for every other object (`coach.permissions`).
"""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_GET, require_http_methods

from coach import permissions
from coach.models import VideoExport
from coach.services.video_exports import (
    download_filename,
    export_group,
    export_state,
    latest_export,
    request_export,
)

CLOSE_FORBIDDEN = 4403


def exports_for(user):
    """Video exports of the routines `user` may see."""
    return VideoExport.objects.filter(routine__in=permissions.routines_for(user)).select_related(
        "routine__song"
    )


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
@require_http_methods(["GET", "POST"])
def routine_video(request, routine_id):
    """GET: the routine's latest export (or `{"status": null}`); POST: ask for the video."""
    routine = get_object_or_404(permissions.routines_for(request.user), pk=routine_id)
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
@require_GET
def video_export_download(request, export_id):
    export = get_object_or_404(exports_for(request.user), pk=export_id)
    if export.status != VideoExport.Status.SUCCEEDED or not export.video:
        raise Http404("This video is not ready.")
    return FileResponse(
        export.video.open("rb"), as_attachment=True, filename=download_filename(export),
        content_type="video/mp4",
    )  # fmt: skip


class VideoExportConsumer(AsyncJsonWebsocketConsumer):
    """Pushes an export's state each time the task reports progress."""

    async def connect(self):
        export_id = self.scope["url_route"]["kwargs"]["export_id"]
        state = await self._state(self.scope["user"], export_id)
        if state is None:
            # Accept first so the client receives the documented close code, not a bare 403.
            await self.accept()
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.group = export_group(export_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json(state)

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def export_update(self, event):
        await self.send_json(event["state"])

    @database_sync_to_async
    def _state(self, user, export_id):
        export = exports_for(user).filter(pk=export_id).first()
        return export_state(export) if export else None
