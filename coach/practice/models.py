"""Practice attempts and the pose batches received for them on the practice socket."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from coach.routines.models import Routine
from coach.studios.models import Studio


class Attempt(models.Model):
    """A learner's practice of a routine: the pose frames received and the per-beat scores."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETE = "complete", "Complete"
        INCOMPLETE = "incomplete", "Incomplete"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    routine = models.ForeignKey(Routine, on_delete=models.CASCADE, related_name="attempts")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    studio = models.ForeignKey(
        Studio,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attempts",
        help_text="The studio whose lesson or class it was made for; empty for the learner's own "
        "practice. Only this studio's staff see it.",
    )

    class Mirror(models.TextChoices):
        AUTO = "auto", "Detect"
        ON = "on", "Mirrored"
        OFF = "off", "Not mirrored"

    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    pose_format = models.CharField(max_length=16, default="mediapipe33")
    mirror = models.CharField(max_length=4, choices=Mirror.choices, default=Mirror.AUTO)
    clock_offset_ms = models.FloatField(
        null=True, blank=True, help_text="Client clock minus server clock."
    )
    rtt_ms = models.FloatField(null=True, blank=True)
    audio_latency_ms = models.FloatField(
        default=0.0, help_text="The client's audio output latency."
    )
    beat_results = models.JSONField(default=list)
    summary = models.JSONField(default=dict)
    connection = models.UUIDField(
        null=True,
        blank=True,
        editable=False,
        help_text="The practice socket that holds the attempt: a newer one takes it over, and an "
        "older one's batches are no longer stored.",
    )
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "coach_attempt"
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.learner} on {self.routine}"

    @property
    def overall(self):
        """The attempt's overall score, None when it has none or the camera could not tell
        (``summary.reliable`` false; attempts stored before that field count as reliable)."""
        if not self.summary.get("reliable", True):
            return None
        return self.summary.get("overall")


class PoseBatch(models.Model):
    """One batch of pose frames as received on the practice socket, kept for replay and reports.

    `timestamps` and `frames` are `.npy` bytes: (n,) float64 ms on the song clock and
    (n, J, C) float32 in the attempt's pose format. While an attempt is in progress its beat
    results live here, with the batch that completed them (one insert, no growing rewrite of the
    attempt's list); finishing or interrupting the attempt writes `Attempt.beat_results`.
    """

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="batches")
    seq = models.PositiveIntegerField()
    timestamps = models.BinaryField()
    frames = models.BinaryField()
    image_size = models.JSONField(
        null=True, blank=True, help_text="[width, height] in pixels, for 2D formats."
    )
    beats = models.JSONField(
        default=list,
        blank=True,
        help_text="The beat results this batch completed, as sent to the learner.",
    )
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "coach_posebatch"
        ordering = ["seq"]
        constraints = [models.UniqueConstraint(fields=["attempt", "seq"], name="one_batch_per_seq")]

    def __str__(self):
        return f"batch {self.seq} of {self.attempt_id}"
