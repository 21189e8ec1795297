"""Who may see which live classes (the pages and sockets look classes up through these)."""

from coach.classes.models import ClassSession
from coach.studios.selectors import studios_for


def classes_for(user):
    """Live classes of the studios `user` belongs to (as student, instructor or owner)."""
    return ClassSession.objects.filter(studio__in=studios_for(user)).select_related(
        "routine__song", "studio"
    )
