"""Review pages for teachers: a studio's overview and weak spots, one student's progress, and
commenting on an attempt."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render

from coach.lessons import services as lessons
from coach.lessons.models import LessonAssignment
from coach.review import services as review
from coach.review.forms import CommentForm
from coach.review.selectors import attempts_reviewed_by
from coach.studios.models import Membership
from coach.studios.selectors import owned_studios, taught_studio_or_404, taught_studios


@login_required
def studio_review(request, studio_id):
    studio = taught_studio_or_404(request.user, studio_id)
    students = [m.user for m in lessons.studio_students(studio)]
    studio_lessons = list(studio.lessons.select_related("routine__song").order_by("-created_at"))
    routines = list({lesson.routine_id: lesson.routine for lesson in studio_lessons}.values())
    routine = next(
        (r for r in routines if str(r.id) == request.GET.get("routine")),
        routines[0] if routines else None,
    )
    context = {
        "studio": studio,
        "overview": review.studio_overview(studio, students),
        "routines": routines,
        "routine": routine,
        "weak": review.class_weak_spots(routine, students, studio) if routine else None,
        "progress": review.progress(students, studio),
        "is_owner": owned_studios(request.user).filter(pk=studio.pk).exists(),
        "members": studio.memberships.select_related("user").order_by("role", "user__username"),
    }
    return render(request, "review/studio.html", context)


@login_required
def student_review(request, studio_id, user_id):
    studio = taught_studio_or_404(request.user, studio_id)
    membership = get_object_or_404(
        Membership.objects.select_related("user"),
        studio=studio,
        user_id=user_id,
        role=Membership.Role.STUDENT,
    )
    student = membership.user
    assignments = (
        LessonAssignment.objects.filter(student=student, lesson__studio=studio)
        .select_related("lesson__routine__song")
        .order_by("-lesson__due_at")
    )
    attempts = (
        attempts_reviewed_by(request.user)
        .filter(learner=student, studio=studio)
        .select_related("routine__song")[:30]
    )
    context = {
        "studio": studio,
        "student": student,
        "assignments": [(a, lessons.assignment_state(a)) for a in assignments],
        "attempts": attempts,
        "progress": review.progress([student], studio),
    }
    return render(request, "review/student.html", context)


@login_required
def attempt_review(request, attempt_id):
    attempt = get_object_or_404(
        attempts_reviewed_by(request.user).select_related("routine__song"), pk=attempt_id
    )
    form = CommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review.add_comment(
                attempt, request.user, form.cleaned_data["text"], beat=form.beat_index()
            )
        except review.ReviewError as error:
            form.add_error("beat" if "Beat" in str(error) else "text", str(error))
        else:
            messages.success(request, "Your comment is on the student's report.")
            return redirect("attempt_review", attempt_id=attempt.id)
    comments = attempt.comments.select_related("author")
    by_beat: dict = {}
    for comment in comments:
        by_beat.setdefault(comment.beat, []).append(comment)
    beats = [
        (b, by_beat.pop(b["index"], []))
        for b in sorted(attempt.beat_results, key=lambda b: b["index"])
    ]
    # Comments on the whole attempt, and on beats that were never scored, go above the table.
    general = [c for beat_comments in by_beat.values() for c in beat_comments]
    context = {
        "attempt": attempt,
        "form": form,
        "beats": beats,
        "general": general,
        "studio_students": _studios_of(request.user, attempt.learner),
    }
    return render(request, "review/attempt.html", context, status=400 if form.errors else 200)


def _studios_of(teacher, student):
    return taught_studios(teacher).filter(memberships__user=student).distinct()
