"""Live classes: a session many learners practise together, and their seats."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from coach.practice.models import Attempt
from coach.routines.models import Routine
from coach.studios.models import Studio


def new_join_code() -> str:
    return uuid.uuid4().hex[:6].upper()


class ClassSession(models.Model):
    """A live remote class: an instructor and many learners practising one routine together."""

    class Status(models.TextChoices):
        OPEN = "open", "Open for joining"
        RUNNING = "running", "Running"
        ENDED = "ended", "Ended"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="classes")
    routine = models.ForeignKey(Routine, on_delete=models.CASCADE, related_name="classes")
    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="classes_taught"
    )
    title = models.CharField(max_length=200)
    join_code = models.CharField(max_length=8, unique=True, default=new_join_code)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    starts_at_ms = models.FloatField(
        null=True,
        blank=True,
        help_text="Server clock (ms since the epoch) at which the song starts for everyone.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "coach_classsession"
        ordering = ["-created_at"]

    def __str__(self):
        return self.title


class ClassParticipant(models.Model):
    """A learner in a class session, with the attempt that holds their frames and scores."""

    class_session = models.ForeignKey(
        ClassSession, on_delete=models.CASCADE, related_name="participants"
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="class_seats"
    )
    attempt = models.OneToOneField(
        Attempt, null=True, blank=True, on_delete=models.SET_NULL, related_name="class_seat"
    )
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "coach_classparticipant"
        constraints = [
            models.UniqueConstraint(
                fields=["class_session", "learner"], name="one_seat_per_learner"
            )
        ]

    def __str__(self):
        return f"{self.learner} in {self.class_session}"
