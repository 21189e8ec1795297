"""Deleting a song, routine or video export deletes its stored file and the folder it was the
last thing in (`songs/<id>/`, `routines/<id>/`, `videos/<id>/`), including rows removed by a
cascade (a song's routines and their videos), which no view sees one by one. Each app that
stores files names its models' file fields here (`delete_files_with`, from its `AppConfig.ready`)."""

from pathlib import Path

from django.db import transaction
from django.db.models.signals import post_delete


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


def delete_files_with(model, field: str) -> None:
    """Delete the file in `model`'s `field` when a row of it is deleted."""

    def delete_file_of(sender, instance, **kwargs):
        stored = getattr(instance, field)
        # Only once the deletion is committed: a rolled-back delete keeps its files.
        transaction.on_commit(lambda: delete_stored_file(stored))

    post_delete.connect(
        delete_file_of, sender=model, weak=False, dispatch_uid=f"{model._meta.label_lower}.{field}"
    )
