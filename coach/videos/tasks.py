"""The video export's Celery task, on the `cpu` queue (`CELERY_TASK_ROUTES`,
coach/config/settings.py); its name is the one it had in `coach/tasks.py`, so queued messages
and the route still match."""

from celery import shared_task

from coach.videos.models import VideoExport
from coach.videos.services import render_export


@shared_task(name="coach.tasks.export_routine_video")
def export_routine_video(export_id: str) -> str:
    """Render a routine's MP4 for a `VideoExport`; a finished export is not redone."""
    export = VideoExport.objects.select_related("routine__song").filter(pk=export_id).first()
    if export is None:  # deleted (with its routine) while it waited in the queue
        return "missing"
    return render_export(export)
