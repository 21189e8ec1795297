"""Video exports: an MP4 of a routine, rendered in the background."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from coach.common.background_tasks import TaskStatus
from coach.routines.models import Routine


def video_export_path(export, filename):
    return f"videos/{export.id}/{filename}"


class VideoExport(models.Model):
    """An MP4 of a routine (the dancer, the music, beat counts) rendered on the `cpu` queue."""

    Status = TaskStatus

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    routine = models.ForeignKey(Routine, on_delete=models.CASCADE, related_name="video_exports")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.FloatField(default=0.0, help_text="0 to 1.")
    error = models.TextField(blank=True)
    video = models.FileField(upload_to=video_export_path, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "coach_videoexport"
        ordering = ["-created_at"]

    def __str__(self):
        return f"video of {self.routine}: {self.status}"
