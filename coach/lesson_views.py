"""Pages for lessons and the instructor's review. Thin: look up through `coach.permissions`
(an outsider gets 404), call one service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from coach import permissions
from coach.lesson_forms import CommentForm, LessonForm
from coach.models import GenerationJob, LessonAssignment, Membership
from coach.services import lessons, review
from coach.services.routines import GenerationRequestError, request_generation
from coach.services.studios import RoleChangeError, set_teaching_role


def _taught_studio(user, studio_id):
    return get_object_or_404(permissions.taught_studios(user).distinct(), pk=studio_id)


@login_required
def studio_lessons(request, studio_id):
    studio = _taught_studio(request.user, studio_id)
    lesson_list = permissions.lessons_taught_by(request.user).filter(studio=studio).order_by("-due_at")
    rows = [(lesson, lessons.lesson_progress(lesson)) for lesson in lesson_list]
    return render(request, "lessons/list.html", {"studio": studio, "rows": rows})


@login_required
def lesson_new(request, studio_id):
    """Assign a lesson. Generating a routine for it shows this form again with the job's progress;
    the page submits itself once the job has succeeded, and the lesson is made on its routine."""
    studio = _taught_studio(request.user, studio_id)
    form = LessonForm(studio, request.user, request.POST or None)
    job = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        routine, job = data["routine"], data["job"]
        if job is None and routine is None:
            try:
                job = request_generation(data["song"], request.user, data["style"], data["level"],
                                         focus_part=data["focus_part"])
            except GenerationRequestError as error:
                form.add_error(None, str(error))
            else:
                form = _with_job(studio, request, job)
        elif job is not None and routine is None:
            if job.status == GenerationJob.Status.SUCCEEDED:
                routine = job.routine
            elif job.status == GenerationJob.Status.FAILED:
                form.add_error(None, f"The routine could not be generated: {job.error} Choose another routine.")
                form = _with_job(studio, request, None, errors_from=form)
                job = None
        if routine is not None:
            try:
                lesson = lessons.assign_lesson(
                    studio, request.user, routine, data["students"], data["title"], data["due_at"],
                    data["target_score"], data["notes"], focus_part=data["focus_part"],
                )
            except lessons.LessonError as error:
                form.add_error(None, str(error))
                job = None
            else:
                messages.success(request, f"“{lesson.title}” is assigned to {lesson.assignments.count()} students.")
                return redirect("lesson", lesson_id=lesson.id)
    context = {"studio": studio, "form": form, "job": job,
               "job_api_url": reverse("api-job-detail", args=[job.id]) if job else ""}
    return render(request, "lessons/new.html", context)


def _with_job(studio, request, job, errors_from=None):
    """The submitted form again, now carrying `job` (or none), for the page that waits on it."""
    data = request.POST.copy()
    data["job"] = str(job.id) if job else ""
    form = LessonForm(studio, request.user, data)
    form.is_valid()
    if errors_from is not None:
        for error in errors_from.non_field_errors():
            form.add_error(None, error)
    return form


@login_required
def lesson(request, lesson_id):
    lesson = get_object_or_404(permissions.lessons_for(request.user), pk=lesson_id)
    teaches = permissions.lessons_taught_by(request.user).filter(pk=lesson.pk).exists()
    context = {"lesson": lesson, "teaches": teaches}
    if teaches:
        assignments = {a.student.username: a for a in lesson.assignments.select_related("student")}
        context["results"] = [(row, assignments[row.student]) for row in review.lesson_results(lesson)]
        context["weak"] = review.class_weak_spots(
            lesson.routine, [a.student for a in assignments.values()], lesson.studio
        )
    else:
        assignment = lesson.assignments.get(student=request.user)
        context["assignment"] = assignment
        context["state"] = lessons.assignment_state(assignment)
        context["attempts"] = request.user.attempts.filter(
            routine=lesson.routine, started_at__gte=lesson.created_at).order_by("-started_at")
    return render(request, "lessons/detail.html", context)


@login_required
@require_POST
def lesson_routine(request, lesson_id):
    """A student's next routine for the lesson, built on their attempts and its focus part."""
    assigned = permissions.lessons_for(request.user).filter(assignments__student=request.user)
    lesson = get_object_or_404(assigned.distinct(), pk=lesson_id)
    try:
        job = lessons.request_lesson_routine(lesson, request.user)
    except GenerationRequestError as error:
        messages.error(request, str(error))
        return redirect("lesson", lesson_id=lesson_id)
    return redirect("job", job_id=job.id)


@login_required
@require_POST
def assignment_mark(request, lesson_id, assignment_id):
    assignment = get_object_or_404(permissions.assignments_taught_by(request.user), pk=assignment_id,
                                   lesson_id=lesson_id)
    if request.POST.get("done") == "0":
        lessons.reopen(assignment)
        messages.success(request, f"{assignment.student.username}'s lesson is open again.")
    else:
        lessons.mark_done(assignment, request.user)
        messages.success(request, f"{assignment.student.username}'s lesson is marked done.")
    return redirect("lesson", lesson_id=lesson_id)


@login_required
def lesson_results_csv(request, lesson_id):
    lesson = get_object_or_404(permissions.lessons_taught_by(request.user), pk=lesson_id)
    response = HttpResponse(review.lesson_results_csv(lesson), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="lesson-{lesson.id}-results.csv"'
    return response


@login_required
def studio_review(request, studio_id):
    studio = _taught_studio(request.user, studio_id)
    students = [m.user for m in lessons.studio_students(studio)]
    studio_lessons = list(studio.lessons.select_related("routine__song").order_by("-created_at"))
    routines = list({lesson.routine_id: lesson.routine for lesson in studio_lessons}.values())
    routine = next((r for r in routines if str(r.id) == request.GET.get("routine")), routines[0] if routines else None)
    context = {
        "studio": studio,
        "overview": review.studio_overview(studio, students),
        "routines": routines,
        "routine": routine,
        "weak": review.class_weak_spots(routine, students, studio) if routine else None,
        "progress": review.progress(students, studio),
        "is_owner": permissions.owned_studios(request.user).filter(pk=studio.pk).exists(),
        "members": studio.memberships.select_related("user").order_by("role", "user__username"),
    }
    return render(request, "review/studio.html", context)


@login_required
def student_review(request, studio_id, user_id):
    studio = _taught_studio(request.user, studio_id)
    membership = get_object_or_404(Membership.objects.select_related("user"), studio=studio, user_id=user_id,
                                   role=Membership.Role.STUDENT)
    student = membership.user
    assignments = (LessonAssignment.objects.filter(student=student, lesson__studio=studio)
                   .select_related("lesson__routine__song").order_by("-lesson__due_at"))
    attempts = permissions.attempts_reviewed_by(request.user).filter(learner=student, studio=studio).select_related(
        "routine__song")[:30]
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
    attempt = get_object_or_404(permissions.attempts_reviewed_by(request.user).select_related("routine__song"),
                                pk=attempt_id)
    form = CommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review.add_comment(attempt, request.user, form.cleaned_data["text"], beat=form.beat_index())
        except review.ReviewError as error:
            form.add_error("beat" if "Beat" in str(error) else "text", str(error))
        else:
            messages.success(request, "Your comment is on the student's report.")
            return redirect("attempt_review", attempt_id=attempt.id)
    comments = attempt.comments.select_related("author")
    by_beat: dict = {}
    for comment in comments:
        by_beat.setdefault(comment.beat, []).append(comment)
    beats = [(b, by_beat.pop(b["index"], [])) for b in sorted(attempt.beat_results, key=lambda b: b["index"])]
    # Comments on the whole attempt, and on beats that were never scored, go above the table.
    general = [c for beat_comments in by_beat.values() for c in beat_comments]
    context = {"attempt": attempt, "form": form, "beats": beats, "general": general,
               "studio_students": _studios_of(request.user, attempt.learner)}
    return render(request, "review/attempt.html", context, status=400 if form.errors else 200)


def _studios_of(teacher, student):
    return permissions.taught_studios(teacher).filter(memberships__user=student).distinct()


@login_required
@require_POST
def member_role(request, studio_id, membership_id):
    studio = get_object_or_404(permissions.owned_studios(request.user), pk=studio_id)
    membership = get_object_or_404(studio.memberships.select_related("user"), pk=membership_id)
    try:
        set_teaching_role(membership, request.POST.get("role", ""))
    except RoleChangeError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{membership.user.username} is now {membership.get_role_display().lower()}.")
    return redirect("studio_review", studio_id=studio.id)

