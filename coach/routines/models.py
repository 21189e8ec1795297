"""Generated routines and the generation jobs that make them.

Pose arrays are stored as one `.npy` file per routine, never a row per joint.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from coach.common.background_tasks import TaskStatus
from coach.songs.models import Song
from generation.styles import LEVEL_CHOICES, STYLE_CHOICES
from scoring.skeleton import BODY_PARTS

# The body parts feedback names, as a choice: a lesson's focus, a personalised routine's lean.
BODY_PART_CHOICES = [(part, part.replace("_", " ")) for part in BODY_PARTS]


def routine_frames_path(routine, filename):
    return f"routines/{routine.id}/{filename}"


class Routine(models.Model):
    """A generated dance for a song: joint positions (T, J, 3) in metres at `fps`, stored as .npy."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    song = models.ForeignKey(Song, on_delete=models.CASCADE, related_name="routines")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="routines"
    )
    style = models.CharField(max_length=20, choices=STYLE_CHOICES)
    level = models.CharField(max_length=12, choices=LEVEL_CHOICES)
    seed = models.IntegerField(default=0)
    fps = models.FloatField()
    joints = models.JSONField(help_text="Joint names, in the order of the frames' second axis.")
    n_frames = models.PositiveIntegerField()
    frames = models.FileField(upload_to=routine_frames_path)
    beats = models.JSONField(help_text="Beat times in seconds on the song clock.")
    downbeats = models.JSONField(default=list)
    segments = models.JSONField(
        default=list,
        help_text='Phrases: [{"start_s", "end_s", "label"}], plus "phrase_id" (and "known" when '
        "personalised) for the phrase family.",
    )
    phrases = models.JSONField(
        default=dict,
        blank=True,
        help_text='A personalised routine\'s phrases: {"known": [ids], "new": [ids], "text"}; '
        "empty otherwise.",
    )
    tempo_bpm = models.FloatField(null=True)
    model_version = models.CharField(max_length=80)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "coach_routine"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_style_display()} ({self.level}) for {self.song}"

    @property
    def duration_s(self) -> float:
        return self.n_frames / self.fps


class GenerationJob(models.Model):
    Status = TaskStatus

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    song = models.ForeignKey(Song, on_delete=models.CASCADE, related_name="jobs")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs"
    )
    style = models.CharField(max_length=20, choices=STYLE_CHOICES)
    level = models.CharField(max_length=12, choices=LEVEL_CHOICES)
    seed = models.IntegerField(default=0)
    architecture = models.CharField(
        max_length=20,
        blank=True,
        help_text="Model family to generate with; empty means the shipped default.",
    )
    personalise = models.BooleanField(
        default=False, help_text="Build on the requester's attempts in the style (phrase family)."
    )
    half_time = models.BooleanField(
        default=False, help_text="Each phrase danced over 16 beats, at half speed (phrase family)."
    )
    focus_part = models.CharField(
        max_length=12,
        blank=True,
        choices=BODY_PART_CHOICES,
        help_text="The body part to lean toward (a lesson's focus); empty: the learner's weakest.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.FloatField(default=0.0, help_text="0 to 1.")
    message = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    routine = models.OneToOneField(
        Routine, null=True, blank=True, on_delete=models.SET_NULL, related_name="job"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "coach_generationjob"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.style} ({self.level}) for {self.song}: {self.status}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)
