"""Deleting a song, routine or video export deletes its stored file and the folder it was the
last thing in (`songs/<id>/`, `routines/<id>/`, `videos/<id>/`), including rows removed by a
cascade (a song's routines and their videos), which no view sees one by one."""

from pathlib import Path

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from coach.models import Routine, Song, VideoExport


def delete_stored_file(field_file) -> None:
    """Delete the file and, on a local storage, its folder if that is now empty."""
    if not field_file:
        return
    storage, name = field_file.storage, field_file.name
    storage.delete(name)
    try:
        folder = Path(storage.path(name)).parent
    except NotImplementedError:  # remote storage: there are no folders to leave behind
        return
    root = Path(storage.path(""))
    if folder != root and root in folder.parents and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()


@receiver(post_delete, sender=Song, dispatch_uid="coach.song_file")
@receiver(post_delete, sender=Routine, dispatch_uid="coach.routine_file")
@receiver(post_delete, sender=VideoExport, dispatch_uid="coach.video_file")
def delete_files_of(sender, instance, **kwargs):
    field_file = {Song: "audio", Routine: "frames", VideoExport: "video"}[sender]
    stored = getattr(instance, field_file)
    # Only once the deletion is committed: a rolled-back delete keeps its files.
    transaction.on_commit(lambda: delete_stored_file(stored))
