"""Studios, memberships and invitation links."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from coach.classes.models import ClassSession
from coach.lessons.models import LessonAssignment
from coach.lessons.services import assignment_state
from coach.studios.models import Invitation, Membership, Studio

INVITATION_LIFETIME = timedelta(days=14)


@transaction.atomic
def create_studio(owner, name: str) -> Studio:
    studio = Studio.objects.create(name=name)
    Membership.objects.create(user=owner, studio=studio, role=Membership.Role.OWNER)
    return studio


def invite(studio, created_by, role: str = Membership.Role.STUDENT) -> Invitation:
    return Invitation.objects.create(
        studio=studio,
        created_by=created_by,
        role=role,
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )


class InvitationError(ValueError):
    pass


@transaction.atomic
def accept_invitation(invitation: Invitation, user) -> Membership:
    """Join the invitation's studio; an existing membership is kept as it is."""
    if not invitation.is_valid():
        raise InvitationError("This invitation has expired. Ask your instructor for a new link.")
    membership, created = Membership.objects.get_or_create(
        user=user, studio=invitation.studio, defaults={"role": invitation.role}
    )
    if created:
        Invitation.objects.filter(pk=invitation.pk).update(uses=invitation.uses + 1)
    return membership


class RoleChangeError(ValueError):
    pass


def set_teaching_role(membership: Membership, role: str) -> Membership:
    """Promote a student to instructor or demote an instructor to student (the owner's call;
    the view checks who asks). The owner's own membership never changes here."""
    if role not in (Membership.Role.INSTRUCTOR, Membership.Role.STUDENT):
        raise RoleChangeError("A member can be made an instructor or a student.")
    if membership.role == Membership.Role.OWNER:
        raise RoleChangeError("The owner's role cannot be changed.")
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


def studio_for_student(studio, student) -> dict:
    """What a student sees of their studio: its teachers, their own lessons there (with their
    state) and its open live classes; not the other members or the invitation links."""
    teachers = (
        studio.memberships.filter(role__in=(Membership.Role.OWNER, Membership.Role.INSTRUCTOR))
        .select_related("user")
        .order_by("role", "user__username")
    )
    assignments = (
        LessonAssignment.objects.filter(student=student, lesson__studio=studio)
        .select_related("lesson__routine__song")
        .order_by("-lesson__due_at")
    )
    classes = studio.classes.exclude(status=ClassSession.Status.ENDED).select_related(
        "routine__song"
    )
    return {
        "studio": studio,
        "teachers": teachers,
        "assignments": [(a, assignment_state(a)) for a in assignments],
        "classes": classes,
    }
