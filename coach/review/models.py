"""Instructors' comments on their students' attempts."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from coach.practice.models import Attempt


class AttemptComment(models.Model):
    """An instructor's remark on an attempt, optionally pinned to one beat; the student sees it on the report."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    beat = models.PositiveIntegerField(
        null=True, blank=True, help_text="Beat index, or empty for the whole attempt."
    )
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "coach_attemptcomment"
        ordering = ["beat", "created_at"]

    def __str__(self):
        return f"comment on {self.attempt_id} beat {self.beat}"
