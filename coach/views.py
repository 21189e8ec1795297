"""Pages. Each view parses input, calls one service or selector, and renders."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from coach import permissions
from coach.forms import GenerateForm, SignUpForm, SongUploadForm, StudioForm
from coach.models import Invitation, Membership
from coach.services.routines import GenerationRequestError, personal_phrases, request_generation
from coach.services.songs import AudioError, create_song
from coach.services.studios import (
    InvitationError,
    accept_invitation,
    create_studio,
    invite,
    studio_for_student,
)
from coach.throttles import SignUpRateThrottle


def home(request):
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "home.html")


def signup(request):
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and not SignUpRateThrottle().allow_request(request, None):
        form.add_error(None, "Too many new accounts from here: try again later.")
        return render(request, "registration/signup.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Welcome! Upload a song to get your first routine.")
        after = request.GET.get("next", "")
        # Only a page of this site: `?next=https://evil.example` is an open redirect.
        safe = url_has_allowed_host_and_scheme(after, {request.get_host()}, require_https=request.is_secure())
        return redirect(after if safe else "dashboard")
    return render(request, "registration/signup.html", {"form": form})


@login_required
def dashboard(request):
    user = request.user
    taught = permissions.taught_studios(user)
    students = (
        Membership.objects.filter(studio__in=taught, role=Membership.Role.STUDENT)
        .select_related("user", "studio")
        .order_by("studio__name", "user__username")
    )
    context = {
        "songs": user.songs.all()[:10],
        "routines": user.routines.select_related("song")[:10],
        "attempts": user.attempts.select_related("routine__song")[:10],
        "jobs": user.jobs.filter(routine__isnull=True).select_related("song")[:5],
        "taught_studios": taught,
        "students": students,
    }
    return render(request, "dashboard.html", context)


@login_required
def songs(request):
    form = SongUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            song = create_song(request.user, form.cleaned_data["audio"], form.cleaned_data["title"])
        except AudioError as error:
            form.add_error("audio", str(error))
        else:
            messages.success(request, f"“{song.title}” is ready ({song.duration_s:.0f} s).")
            return redirect("song", song_id=song.id)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "songs": permissions.songs_for(request.user)}
    return render(request, "songs/list.html", context, status=status)


@login_required
def song(request, song_id):
    song = get_object_or_404(permissions.songs_for(request.user), pk=song_id)
    form = GenerateForm(request.POST or None, initial={"level": "beginner"})
    if request.method == "POST" and form.is_valid():
        try:
            job = request_generation(song, request.user, **form.cleaned_data)
        except GenerationRequestError as error:
            form.add_error(None, str(error))
        else:
            return redirect("job", job_id=job.id)
    context = {"song": song, "form": form, "routines": song.routines.all()}
    return render(request, "songs/detail.html", context)


@login_required
def job(request, job_id):
    job = get_object_or_404(permissions.jobs_for(request.user), pk=job_id)
    return render(request, "jobs/detail.html", {"job": job})


@login_required
def routine(request, routine_id):
    routine = get_object_or_404(permissions.routines_for(request.user), pk=routine_id)
    context = {"routine": routine, "personal": personal_phrases(routine)}
    return render(request, "routines/detail.html", context)


@login_required
def practice(request, routine_id):
    routine = get_object_or_404(permissions.routines_for(request.user), pk=routine_id)
    context = {
        "routine": routine,
        "document_url": reverse("api-routine-document", args=[routine.id]),
        "attempts_url": reverse("api-attempt-list"),
    }
    return render(request, "routines/practice.html", context)


@login_required
def attempt_report(request, attempt_id):
    attempt = get_object_or_404(permissions.attempts_for(request.user), pk=attempt_id)
    # Only the attempts this viewer may see: a teacher, those made for their studio.
    history = (
        permissions.attempts_for(request.user)
        .filter(routine=attempt.routine, learner=attempt.learner)
        .order_by("started_at")
    )
    context = {
        "attempt": attempt,
        "routine": attempt.routine,
        "history": history,
        "document_url": reverse("api-attempt-document", args=[attempt.id]),
    }
    return render(request, "attempts/report.html", context)


@login_required
def studio_new(request):
    form = StudioForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        studio = create_studio(request.user, form.cleaned_data["name"])
        return redirect("studio", studio_id=studio.id)
    return render(request, "studios/new.html", {"form": form})


@login_required
def studio(request, studio_id):
    studio = get_object_or_404(permissions.studios_for(request.user), pk=studio_id)
    if not permissions.can_manage_studio(request.user, studio):
        return render(request, "studios/student.html", studio_for_student(studio, request.user))
    members = studio.memberships.select_related("user").order_by("role", "user__username")
    invitations = studio.invitations.order_by("-created_at")[:5]
    links = [(i, request.build_absolute_uri(reverse("invitation", args=[i.id]))) for i in invitations]
    return render(request, "studios/detail.html", {"studio": studio, "members": members, "links": links})


@login_required
@require_POST
def studio_invite(request, studio_id):
    studio = get_object_or_404(permissions.taught_studios(request.user), pk=studio_id)
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
