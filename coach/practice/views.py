"""Practice pages: practising a routine, and an attempt's report."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from coach.practice.selectors import attempts_for
from coach.routines.selectors import routines_for


@login_required
def practice(request, routine_id):
    routine = get_object_or_404(routines_for(request.user), pk=routine_id)
    context = {
        "routine": routine,
        "document_url": reverse("api-routine-document", args=[routine.id]),
        "attempts_url": reverse("api-attempt-list"),
    }
    return render(request, "routines/practice.html", context)


@login_required
def attempt_report(request, attempt_id):
    attempt = get_object_or_404(attempts_for(request.user), pk=attempt_id)
    # Only the attempts this viewer may see: a teacher, those made for their studio.
    history = (
        attempts_for(request.user)
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
