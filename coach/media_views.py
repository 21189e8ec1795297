"""Private files: each is served only to whoever may see its object (`coach.permissions`), so an
outsider gets 404 as on every page. Nothing serves `MEDIA_URL` directly.

The video export's download lives with the other video views (`coach.video_views`).
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from coach import permissions
from coach.file_responses import CACHE_CONTROL, stored_file_response
from coach.services.routines import routine_bvh as make_routine_bvh

BVH_CONTENT_TYPE = "text/plain; charset=utf-8"


@require_safe
@login_required
def song_audio(request, song_id):
    """The uploaded song, for its owner and their teachers (the song page)."""
    song = get_object_or_404(permissions.songs_for(request.user), pk=song_id)
    return stored_file_response(request, song.audio)


@require_safe
@login_required
def routine_audio(request, routine_id):
    """The routine's song, for everyone who may see the routine: a student assigned a lesson or
    seated in a class hears it without seeing the instructor's song."""
    routine = get_object_or_404(permissions.routines_for(request.user), pk=routine_id)
    return stored_file_response(request, routine.song.audio)


@require_safe
@login_required
def routine_frames(request, routine_id):
    """The routine's joint positions as the stored `.npy` (T, J, 3) float32, metres."""
    routine = get_object_or_404(permissions.routines_for(request.user), pk=routine_id)
    return stored_file_response(
        request, routine.frames, filename=f"routine-{routine.id}.npy", as_attachment=True
    )


@require_safe
@login_required
def routine_bvh(request, routine_id):
    """The routine as a BVH file for animation software (made on request; a few MB for a
    3-minute routine), for everyone who may see the routine."""
    routine = get_object_or_404(permissions.routines_for(request.user), pk=routine_id)
    return bvh_response(routine)


def bvh_response(routine) -> HttpResponse:
    """The routine's BVH as a download: the page's link and the API answer with this."""
    filename, text = make_routine_bvh(routine)
    response = HttpResponse(text.encode(), content_type=BVH_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = CACHE_CONTROL
    return response
