"""Studios, their members' roles and the invitation links that let people join."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class Studio(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=120)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "coach_studio"

    def __str__(self):
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        INSTRUCTOR = "instructor", "Instructor"
        STUDENT = "student", "Student"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=12, choices=Role.choices)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "coach_membership"
        constraints = [
            models.UniqueConstraint(fields=["user", "studio"], name="one_membership_per_studio")
        ]

    def __str__(self):
        return f"{self.user} ({self.role}) in {self.studio}"

    @property
    def teaches(self) -> bool:
        return self.role in (self.Role.OWNER, self.Role.INSTRUCTOR)


class Invitation(models.Model):
    """A link an instructor shares; whoever opens it signed in joins the studio as a student."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(
        max_length=12, choices=Membership.Role.choices, default=Membership.Role.STUDENT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    uses = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "coach_invitation"

    def __str__(self):
        return f"Invitation to {self.studio}"

    def is_valid(self) -> bool:
        return timezone.now() < self.expires_at
