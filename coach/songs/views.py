"""Song pages: upload and list songs, a song's page (ask for a routine), its audio for whoever may see it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from coach.common.file_responses import stored_file_response
from coach.routines.forms import GenerateForm
from coach.routines.services import GenerationRequestError, request_generation
from coach.songs.forms import SongUploadForm
from coach.songs.selectors import songs_for
from coach.songs.services import AudioError, create_song


@login_required
def songs(request):
    form = SongUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            song = create_song(request.user, form.cleaned_data["audio"], form.cleaned_data["title"])
        except AudioError as error:
            form.add_error("audio", str(error))
        else:
            messages.success(request, f"“{song.title}” is ready ({song.duration_s:.0f} s).")
            return redirect("song", song_id=song.id)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "songs": songs_for(request.user)}
    return render(request, "songs/list.html", context, status=status)


@login_required
def song(request, song_id):
    song = get_object_or_404(songs_for(request.user), pk=song_id)
    form = GenerateForm(request.POST or None, initial={"level": "beginner"})
    if request.method == "POST" and form.is_valid():
        try:
            job = request_generation(song, request.user, **form.cleaned_data)
        except GenerationRequestError as error:
            form.add_error(None, str(error))
        else:
            return redirect("job", job_id=job.id)
    context = {"song": song, "form": form, "routines": song.routines.all()}
    return render(request, "songs/detail.html", context)


@require_safe
@login_required
def song_audio(request, song_id):
    """The uploaded song, for its owner and their teachers (the song page)."""
    song = get_object_or_404(songs_for(request.user), pk=song_id)
    return stored_file_response(request, song.audio)
