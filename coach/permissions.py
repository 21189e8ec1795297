"""Who may see what: one helper per object type, each returning a queryset.

A learner sees their own work; an owner or instructor also sees the work of every member of a
studio they teach. Views look objects up through these querysets, so an outsider gets a 404.
"""

from django.db.models import Q

from coach.models import Attempt, GenerationJob, Membership, Routine, Song, Studio, User


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
    return _own_or_taught(Routine.objects.select_related("song"), "owner", user)


def jobs_for(user):
    return _own_or_taught(GenerationJob.objects.select_related("song"), "requested_by", user)


def attempts_for(user):
    return _own_or_taught(Attempt.objects.select_related("routine", "learner"), "learner", user)


def studios_for(user):
    if not user.is_authenticated:
        return Studio.objects.none()
    return Studio.objects.filter(memberships__user=user).distinct()


def can_manage_studio(user, studio) -> bool:
    """Owners and instructors invite people and see the studio's members."""
    return taught_studios(user).filter(pk=studio.pk).exists()
