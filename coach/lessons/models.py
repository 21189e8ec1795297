"""Lessons: an instructor assigns a routine to students, each with their own assignment."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from coach.practice.models import Attempt
from coach.routines.models import BODY_PART_CHOICES, Routine
from coach.studios.models import Studio


class Lesson(models.Model):
    """An instructor's assignment of a routine to some students of their studio."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="lessons")
    routine = models.ForeignKey(Routine, on_delete=models.CASCADE, related_name="lessons")
    instructor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lessons_taught"
    )
    title = models.CharField(max_length=200)
    notes = models.TextField(blank=True)
    due_at = models.DateTimeField()
    target_score = models.FloatField(help_text="Overall score (0-100) an attempt must reach.")
    focus_part = models.CharField(
        max_length=12,
        blank=True,
        choices=BODY_PART_CHOICES,
        help_text="A body part the lesson works on; a routine generated for it leans toward it.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "coach_lesson"
        ordering = ["due_at"]

    def __str__(self):
        return self.title


class LessonAssignment(models.Model):
    """One student's copy of a lesson: done when an attempt reaches the target or the instructor says so."""

    class Status(models.TextChoices):
        TODO = "todo", "To do"
        DONE = "done", "Done"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="assignments")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.TODO)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by_attempt = models.ForeignKey(
        Attempt, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        db_table = "coach_lessonassignment"
        constraints = [
            models.UniqueConstraint(fields=["lesson", "student"], name="one_assignment_per_student")
        ]

    def __str__(self):
        return f"{self.lesson} for {self.student}"

    @property
    def overdue(self) -> bool:
        return self.status == self.Status.TODO and timezone.now() > self.lesson.due_at
