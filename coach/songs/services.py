"""Accepting a song upload: decode it, check the limits, store it whole or not at all."""

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.core.files import File
from django.db import transaction

from coach.songs.models import Song
from generation.audio import ALLOWED_EXTENSIONS, MAX_UPLOAD_BYTES, AudioError, load_song

__all__ = ("create_song", "AudioError", "ALLOWED_EXTENSIONS", "MAX_UPLOAD_BYTES")


def create_song(owner, uploaded_file, title: str = "") -> Song:
    """Store an uploaded song after decoding it; raise `AudioError` with a readable message.

    `uploaded_file` is a Django `UploadedFile` (or any file object with `name`, `size`, `chunks`).
    Nothing is saved unless the whole file decodes and passes every check.
    """
    name = Path(uploaded_file.name or "song").name
    suffix = Path(name).suffix.lower()
    if uploaded_file.size is not None and uploaded_file.size > MAX_UPLOAD_BYTES:
        raise AudioError(f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
    fd, tmp_name = tempfile.mkstemp(suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as tmp:
            for chunk in uploaded_file.chunks():
                tmp.write(chunk)
        audio = load_song(tmp_name)
        with transaction.atomic(), open(tmp_name, "rb") as handle:
            song = Song(
                owner=owner,
                title=(title.strip() or Path(name).stem)[:200],
                duration_s=audio.duration_s,
            )
            song.audio.save(name, File(handle), save=False)
            try:
                song.save()
            except Exception:
                song.audio.delete(save=False)
                raise
        return song
    finally:
        os.unlink(tmp_name)


@contextmanager
def local_audio_path(song: Song):
    """A local file path holding the song's audio, whatever the storage backend is."""
    try:
        path = song.audio.path
    except NotImplementedError:  # remote storage: copy to a temporary file
        path = None
    if path is not None:
        yield path
        return
    suffix = Path(song.audio.name).suffix
    with tempfile.NamedTemporaryFile(suffix=suffix) as tmp, song.audio.open("rb") as handle:
        for chunk in handle.chunks():
            tmp.write(chunk)
        tmp.flush()
        yield tmp.name
