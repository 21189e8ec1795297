"""Who may see what: each feature's `selectors` module answers with a queryset, built on these.

A learner sees their own work; an owner or instructor also sees the work of every member of a
studio they teach. Attempts are narrower (`coach.practice.selectors`). Views look objects up
through these querysets, so an outsider gets a 404.
"""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from coach.accounts.models import User
from coach.studios.models import Membership, Studio


def taught_studios(user) -> "Studio.objects":
    return Studio.objects.filter(
        memberships__user=user,
        memberships__role__in=(Membership.Role.OWNER, Membership.Role.INSTRUCTOR),
    )


def people_taught_by(user):
    """Users who belong to a studio that `user` owns or teaches in (including `user`)."""
    return User.objects.filter(memberships__studio__in=taught_studios(user)).distinct()


def own_or_taught(queryset, owner_field: str, user):
    """The rows of `queryset` whose `owner_field` is `user` or someone `user` teaches."""
    if not user.is_authenticated:
        return queryset.none()
    return queryset.filter(
        Q(**{owner_field: user}) | Q(**{f"{owner_field}__in": people_taught_by(user)})
    ).distinct()


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


def taught_studio_or_404(user, studio_id):
    """A studio `user` owns or teaches in; 404 for any other."""
    return get_object_or_404(taught_studios(user).distinct(), pk=studio_id)
