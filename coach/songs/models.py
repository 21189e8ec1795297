"""Songs people upload (the audio file under `songs/<id>/`)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


def song_upload_path(song, filename):
    return f"songs/{song.id}/{filename}"


class Song(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="songs"
    )
    title = models.CharField(max_length=200)
    audio = models.FileField(upload_to=song_upload_path)
    duration_s = models.FloatField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "coach_song"
        ordering = ["-created_at"]

    def __str__(self):
        return self.title
