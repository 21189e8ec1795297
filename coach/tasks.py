"""Celery tasks of the coaching app; `coach.tasks.*` run on the `cpu` queue (coach/settings.py)."""

from celery import shared_task

from coach.models import VideoExport
from coach.services.video_exports import render_export


@shared_task(name="coach.tasks.export_routine_video")
def export_routine_video(export_id: str) -> str:
    """Render a routine's MP4 for a `VideoExport`; a finished export is not redone."""
    export = VideoExport.objects.select_related("routine__song").filter(pk=export_id).first()
    if export is None:  # deleted (with its routine) while it waited in the queue
        return "missing"
    return render_export(export)
