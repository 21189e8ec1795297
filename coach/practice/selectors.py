"""Who may see which attempts: a learner their own; a studio's staff only those made in its
context (its lessons and classes, `Attempt.studio`), never a learner's own practice."""

from django.db.models import Q

from coach.practice.models import Attempt
from coach.studios.selectors import taught_studios


def attempts_for(user):
    """The user's own attempts, and those made for the lessons and classes of studios they teach."""
    if not user.is_authenticated:
        return Attempt.objects.none()
    return Attempt.objects.select_related("routine", "learner").filter(
        Q(learner=user) | Q(studio__in=taught_studios(user))
    )
