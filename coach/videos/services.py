"""Routine videos: asking for one, reusing one on its way or done, and reporting progress.

An export belongs to its routine, not to the person who asked: whoever may see the routine
(`coach.routines.selectors.routines_for`) may ask for its video and download it. The rendering itself
is `generation.video`; the Celery task (`coach.videos.tasks`, named `coach.tasks.export_routine_video`, `cpu` queue) is a
thin layer that calls `render_export`.
"""

import logging
import tempfile
from datetime import timedelta
from functools import partial
from pathlib import Path

from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from coach.common.background_tasks import (
    IN_FLIGHT,
    fail,
    queue_on_commit,
    requeue,
    save_and_broadcast,
    throttled,
)
from coach.routines.models import Routine
from coach.routines.services import download_stem, routine_frames
from coach.songs.services import local_audio_path
from coach.videos.models import VideoExport
from generation.video import VideoError, write_video

log = logging.getLogger(__name__)
# An export still unfinished this long after it was asked for was lost (a worker restarted with
# the in-memory broker): rendering takes seconds per minute of song, so it is asked for again.
ABANDONED_AFTER = timedelta(minutes=30)
INTERRUPTED = "The export was interrupted. Please ask for the video again."
SOMETHING_WENT_WRONG = "Something went wrong while making the video. Please try again."


def request_export(user, routine: Routine) -> VideoExport:
    """The routine's video export: one on its way or finished is reused, else a new one is queued.

    The caller has checked that `user` may see `routine`. A failed export is not reused, so
    asking again retries.
    """
    from coach.videos.tasks import export_routine_video

    with transaction.atomic():
        current = VideoExport.objects.filter(
            routine=routine, status__in=(*IN_FLIGHT, VideoExport.Status.SUCCEEDED)
        ).first()
        if current is not None and current.status in IN_FLIGHT:
            if timezone.now() - current.created_at < ABANDONED_AFTER:
                return current
            fail(partial(update_export, current), INTERRUPTED)
        elif (
            current is not None
            and current.video
            and current.video.storage.exists(current.video.name)
        ):
            return current
        export = VideoExport.objects.create(routine=routine, requested_by=user)
        queue_on_commit(export_routine_video, export)
    return export


def requeue_unfinished_exports() -> int:
    """Send every queued or interrupted export to the queue again; returns how many."""
    from coach.videos.tasks import export_routine_video

    return requeue(
        VideoExport, export_routine_video, status=VideoExport.Status.QUEUED, progress=0.0
    )


def latest_export(routine: Routine) -> VideoExport | None:
    return VideoExport.objects.filter(routine=routine).first()


def export_group(export_id) -> str:
    return f"video.{export_id}"


def export_state(export: VideoExport) -> dict:
    """What the routine page shows: status, progress 0..1, a readable error, the download link."""
    succeeded = export.status == VideoExport.Status.SUCCEEDED
    return {
        "id": str(export.id),
        "routine": str(export.routine_id),
        "status": export.status,
        "progress": round(export.progress, 3),
        "error": export.error,
        "download_url": reverse("video_export_download", args=[export.id]) if succeeded else None,
    }


def update_export(export: VideoExport, **fields) -> None:
    """Save the given fields and tell anyone watching the export's progress socket."""
    save_and_broadcast(export, export_group(export.id), export_state, **fields)


def download_filename(export: VideoExport) -> str:
    """A name a person recognises in their downloads: song, style and level."""
    return f"{download_stem(export.routine)}.mp4"


def routine_for_video(routine: Routine) -> dict:
    """The routine in the shape `generation.video.write_video` draws."""
    return {
        "fps": routine.fps,
        "joints": routine.joints,
        "frames": routine_frames(routine),
        "beats": routine.beats,
        "downbeats": routine.downbeats,
        "segments": routine.segments,
        "style": routine.style,
        "level": routine.level,
    }


def render_export(export: VideoExport) -> str:
    """Render and store the export's video; safe to run twice (a finished export is left alone).

    Progress goes to the export's group about every 5 %; a failure is recorded on the export
    with a message for the person who asked. Returns the final status.
    """
    if export.status not in IN_FLIGHT:
        return export.status
    update_export(export, status=VideoExport.Status.RUNNING, progress=0.0, error="")
    # The end is reported with the video (SUCCEEDED, progress 1.0), not by the renderer.
    progress = throttled(
        lambda fraction, _: update_export(export, progress=min(fraction, 0.99)), report_end=False
    )

    routine = export.routine
    try:
        with tempfile.TemporaryDirectory() as folder, local_audio_path(routine.song) as audio:
            path = Path(folder) / "routine.mp4"
            write_video(
                routine_for_video(routine), path, audio, title=routine.song.title, progress=progress
            )
            with open(path, "rb") as handle:
                export.video.save(download_filename(export), File(handle), save=False)
    except VideoError as error:
        fail(partial(update_export, export), str(error))
        return export.status
    except Exception:
        log.exception("video export %s failed", export.id)
        fail(partial(update_export, export), SOMETHING_WENT_WRONG)
        return export.status
    update_export(
        export,
        status=VideoExport.Status.SUCCEEDED,
        progress=1.0,
        video=export.video.name,
        finished_at=timezone.now(),
    )
    return export.status
