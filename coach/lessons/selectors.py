"""Who may see which lessons and assignments: teachers their studios', students their own."""

from django.db.models import Q

from coach.lessons.models import Lesson, LessonAssignment
from coach.studios.selectors import taught_studios


def lessons_taught_by(user):
    """Lessons of the studios `user` owns or teaches in."""
    if not user.is_authenticated:
        return Lesson.objects.none()
    return Lesson.objects.filter(studio__in=taught_studios(user)).select_related(
        "routine__song", "studio"
    )


def lessons_for(user):
    """Lessons `user` teaches (their studios') or is assigned."""
    if not user.is_authenticated:
        return Lesson.objects.none()
    return (
        Lesson.objects.filter(Q(studio__in=taught_studios(user)) | Q(assignments__student=user))
        .select_related("routine__song", "studio", "instructor")
        .distinct()
    )


def assignments_taught_by(user):
    if not user.is_authenticated:
        return LessonAssignment.objects.none()
    return LessonAssignment.objects.filter(lesson__studio__in=taught_studios(user)).select_related(
        "lesson", "student"
    )
