"""The home page, signing up and the signed-in person's dashboard."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from coach.accounts.forms import SignUpForm
from coach.accounts.throttles import SignUpRateThrottle
from coach.studios.models import Membership
from coach.studios.selectors import taught_studios


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
        safe = url_has_allowed_host_and_scheme(
            after, {request.get_host()}, require_https=request.is_secure()
        )
        return redirect(after if safe else "dashboard")
    return render(request, "registration/signup.html", {"form": form})


@login_required
def dashboard(request):
    user = request.user
    taught = taught_studios(user)
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
