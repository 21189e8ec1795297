"""Lesson pages: a studio's lessons, assigning one (with a routine generated for it), a lesson's
progress and results, a student's routine for it, marking an assignment done."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from coach.lessons import services as lessons
from coach.lessons.forms import LessonForm
from coach.lessons.selectors import assignments_taught_by, lessons_for, lessons_taught_by
from coach.review import services as review
from coach.routines.models import GenerationJob
from coach.routines.services import GenerationRequestError, request_generation
from coach.studios.selectors import taught_studio_or_404


@login_required
def studio_lessons(request, studio_id):
    studio = taught_studio_or_404(request.user, studio_id)
    lesson_list = lessons_taught_by(request.user).filter(studio=studio).order_by("-due_at")
    rows = [(lesson, lessons.lesson_progress(lesson)) for lesson in lesson_list]
    return render(request, "lessons/list.html", {"studio": studio, "rows": rows})


@login_required
def lesson_new(request, studio_id):
    """Assign a lesson. Generating a routine for it shows this form again with the job's progress;
    the page submits itself once the job has succeeded, and the lesson is made on its routine."""
    studio = taught_studio_or_404(request.user, studio_id)
    form = LessonForm(studio, request.user, request.POST or None)
    job = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        routine, job = data["routine"], data["job"]
        if job is None and routine is None:
            try:
                job = request_generation(
                    data["song"],
                    request.user,
                    style=data["style"],
                    level=data["level"],
                    focus_part=data["focus_part"],
                )
            except GenerationRequestError as error:
                form.add_error(None, str(error))
            else:
                form = _with_job(studio, request, job)
        elif job is not None and routine is None:
            if job.status == GenerationJob.Status.SUCCEEDED:
                routine = job.routine
            elif job.status == GenerationJob.Status.FAILED:
                form.add_error(
                    None, f"The routine could not be generated: {job.error} Choose another routine."
                )
                form = _with_job(studio, request, None, errors_from=form)
                job = None
        if routine is not None:
            try:
                lesson = lessons.assign_lesson(
                    studio,
                    request.user,
                    routine,
                    students=data["students"],
                    title=data["title"],
                    due_at=data["due_at"],
                    target_score=data["target_score"],
                    notes=data["notes"],
                    focus_part=data["focus_part"],
                )
            except lessons.LessonError as error:
                form.add_error(None, str(error))
                job = None
            else:
                messages.success(
                    request,
                    f"“{lesson.title}” is assigned to {lesson.assignments.count()} students.",
                )
                return redirect("lesson", lesson_id=lesson.id)
    context = {
        "studio": studio,
        "form": form,
        "job": job,
        "job_api_url": reverse("api-job-detail", args=[job.id]) if job else "",
    }
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
    lesson = get_object_or_404(lessons_for(request.user), pk=lesson_id)
    teaches = lessons_taught_by(request.user).filter(pk=lesson.pk).exists()
    context = {"lesson": lesson, "teaches": teaches}
    if teaches:
        assignments = {a.student.username: a for a in lesson.assignments.select_related("student")}
        context["results"] = [
            (row, assignments[row.student]) for row in review.lesson_results(lesson)
        ]
        context["weak"] = review.class_weak_spots(
            lesson.routine, [a.student for a in assignments.values()], lesson.studio
        )
    else:
        assignment = lesson.assignments.get(student=request.user)
        context["assignment"] = assignment
        context["state"] = lessons.assignment_state(assignment)
        context["attempts"] = request.user.attempts.filter(
            routine=lesson.routine, started_at__gte=lesson.created_at
        ).order_by("-started_at")
    return render(request, "lessons/detail.html", context)


@login_required
@require_POST
def lesson_routine(request, lesson_id):
    """A student's next routine for the lesson, built on their attempts and its focus part."""
    assigned = lessons_for(request.user).filter(assignments__student=request.user)
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
    assignment = get_object_or_404(
        assignments_taught_by(request.user), pk=assignment_id, lesson_id=lesson_id
    )
    if request.POST.get("done") == "0":
        lessons.reopen(assignment)
        messages.success(request, f"{assignment.student.username}'s lesson is open again.")
    else:
        lessons.mark_done(assignment, request.user)
        messages.success(request, f"{assignment.student.username}'s lesson is marked done.")
    return redirect("lesson", lesson_id=lesson_id)


@login_required
def lesson_results_csv(request, lesson_id):
    lesson = get_object_or_404(lessons_taught_by(request.user), pk=lesson_id)
    response = HttpResponse(
        review.lesson_results_csv(lesson), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="lesson-{lesson.id}-results.csv"'
    return response
