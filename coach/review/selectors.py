"""The attempts a teacher may review and comment on."""

from coach.practice.models import Attempt
from coach.studios.selectors import taught_studios


def attempts_reviewed_by(user):
    """Attempts by others made for the studios `user` teaches: the ones they may comment on."""
    if not user.is_authenticated:
        return Attempt.objects.none()
    return (
        Attempt.objects.filter(studio__in=taught_studios(user))
        .exclude(learner=user)
        .select_related("routine", "learner")
    )
