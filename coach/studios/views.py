"""Studio pages: open a studio, its members and invitation links, accepting an invitation, an
owner's change of a member's teaching role."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from coach.studios.forms import StudioForm
from coach.studios.models import Invitation
from coach.studios.selectors import can_manage_studio, owned_studios, studios_for, taught_studios
from coach.studios.services import (
    InvitationError,
    RoleChangeError,
    accept_invitation,
    create_studio,
    invite,
    set_teaching_role,
    studio_for_student,
)


@login_required
def studio_new(request):
    form = StudioForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        studio = create_studio(request.user, form.cleaned_data["name"])
        return redirect("studio", studio_id=studio.id)
    return render(request, "studios/new.html", {"form": form})


@login_required
def studio(request, studio_id):
    studio = get_object_or_404(studios_for(request.user), pk=studio_id)
    if not can_manage_studio(request.user, studio):
        return render(request, "studios/student.html", studio_for_student(studio, request.user))
    members = studio.memberships.select_related("user").order_by("role", "user__username")
    invitations = studio.invitations.order_by("-created_at")[:5]
    links = [
        (i, request.build_absolute_uri(reverse("invitation", args=[i.id]))) for i in invitations
    ]
    return render(
        request, "studios/detail.html", {"studio": studio, "members": members, "links": links}
    )


@login_required
@require_POST
def studio_invite(request, studio_id):
    studio = get_object_or_404(taught_studios(request.user), pk=studio_id)
    invite(studio, request.user)
    messages.success(request, "A new invitation link is ready: share it with your students.")
    return redirect("studio", studio_id=studio.id)


def invitation(request, invitation_id):
    invitation = get_object_or_404(Invitation.objects.select_related("studio"), pk=invitation_id)
    if not request.user.is_authenticated:
        return render(request, "studios/invitation.html", {"invitation": invitation})
    if request.method == "POST":
        try:
            accept_invitation(invitation, request.user)
        except InvitationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"You joined {invitation.studio.name}.")
            return redirect("dashboard")
    return render(request, "studios/invitation.html", {"invitation": invitation})


@login_required
@require_POST
def member_role(request, studio_id, membership_id):
    studio = get_object_or_404(owned_studios(request.user), pk=studio_id)
    membership = get_object_or_404(studio.memberships.select_related("user"), pk=membership_id)
    try:
        set_teaching_role(membership, request.POST.get("role", ""))
    except RoleChangeError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, f"{membership.user.username} is now {membership.get_role_display().lower()}."
        )
    return redirect("studio_review", studio_id=studio.id)
