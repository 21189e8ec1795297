"""Private files: each is served only to whoever may see its object (`coach.permissions`), so an
outsider gets 404 as on every page. Nothing serves `MEDIA_URL` directly.

The video export's download lives with the other video views (`coach.video_views`).
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from coach import permissions
from coach.file_responses import stored_file_response


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
