"""Who may see what: one helper per object type, each returning a queryset.

A learner sees their own work; an owner or instructor also sees the work of every member of a
studio they teach. Attempts are narrower: staff see only those made in their studio's context
(its lessons and classes, `Attempt.studio`), never a learner's own practice or another studio's.
Views look objects up through these querysets, so an outsider gets a 404.
"""

from django.db.models import Q

from coach.models import (
    Attempt,
    ClassSession,
    GenerationJob,
    Lesson,
    LessonAssignment,
    Membership,
    Routine,
    Song,
    Studio,
    User,
)


def taught_studios(user) -> "Studio.objects":
    return Studio.objects.filter(
        memberships__user=user,
        memberships__role__in=(Membership.Role.OWNER, Membership.Role.INSTRUCTOR),
    )


def people_taught_by(user):
    """Users who belong to a studio that `user` owns or teaches in (including `user`)."""
    return User.objects.filter(memberships__studio__in=taught_studios(user)).distinct()


def _own_or_taught(queryset, owner_field: str, user):
    if not user.is_authenticated:
        return queryset.none()
    return queryset.filter(Q(**{owner_field: user}) | Q(**{f"{owner_field}__in": people_taught_by(user)})).distinct()


def songs_for(user):
    return _own_or_taught(Song.objects.all(), "owner", user)


def routines_for(user):
    own_or_taught = _own_or_taught(Routine.objects.all(), "owner", user)
    if not user.is_authenticated:
        return own_or_taught
    # A student practises the routines of their lessons and live classes, whoever made them.
    assigned = Routine.objects.filter(lessons__assignments__student=user)
    in_class = Routine.objects.filter(classes__participants__learner=user)
    return Routine.objects.select_related("song").filter(
        Q(pk__in=own_or_taught) | Q(pk__in=assigned) | Q(pk__in=in_class)
    )


def jobs_for(user):
    return _own_or_taught(GenerationJob.objects.select_related("song"), "requested_by", user)


def attempts_for(user):
    """The user's own attempts, and those made for the lessons and classes of studios they teach."""
    if not user.is_authenticated:
        return Attempt.objects.none()
    return Attempt.objects.select_related("routine", "learner").filter(
        Q(learner=user) | Q(studio__in=taught_studios(user))
    )


def studios_for(user):
    if not user.is_authenticated:
        return Studio.objects.none()
    return Studio.objects.filter(memberships__user=user).distinct()


def can_manage_studio(user, studio) -> bool:
    """Owners and instructors invite people and see the studio's members."""
    return taught_studios(user).filter(pk=studio.pk).exists()


def owned_studios(user) -> "Studio.objects":
    """Studios `user` owns: only an owner promotes or demotes instructors."""
    if not user.is_authenticated:
        return Studio.objects.none()
    return Studio.objects.filter(memberships__user=user, memberships__role=Membership.Role.OWNER)


def lessons_taught_by(user):
    """Lessons of the studios `user` owns or teaches in."""
    if not user.is_authenticated:
        return Lesson.objects.none()
    return Lesson.objects.filter(studio__in=taught_studios(user)).select_related("routine__song", "studio")


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
    return LessonAssignment.objects.filter(lesson__studio__in=taught_studios(user)).select_related("lesson", "student")


def attempts_reviewed_by(user):
    """Attempts by others made for the studios `user` teaches: the ones they may comment on."""
    if not user.is_authenticated:
        return Attempt.objects.none()
    return (
        Attempt.objects.filter(studio__in=taught_studios(user))
        .exclude(learner=user)
        .select_related("routine", "learner")
    )


def classes_for(user):
    """Live classes of the studios `user` belongs to (as student, instructor or owner)."""
    return ClassSession.objects.filter(studio__in=studios_for(user)).select_related("routine__song", "studio")
