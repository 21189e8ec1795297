"""Lessons: an instructor assigns a routine to students of a studio, with a due date and a target.

An assignment is done when one of the student's completed attempts of the lesson's routine,
started after the lesson was set, reaches the target overall score (`attempt_finished`), or when
a teacher of the studio marks it done (`mark_done`).
"""

import logging
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from coach.lessons.models import Lesson, LessonAssignment
from coach.practice.models import Attempt
from coach.routines.services import request_generation
from coach.studios.models import Membership
from scoring.skeleton import BODY_PARTS

MIN_TARGET, MAX_TARGET = 0.0, 100.0

log = logging.getLogger(__name__)


class LessonError(ValueError):
    pass


def studio_students(studio):
    """The studio's students (members with the student role), by name."""
    return (
        studio.memberships.filter(role=Membership.Role.STUDENT)
        .select_related("user")
        .order_by("user__username")
    )


def assign_lesson(
    studio,
    instructor,
    routine,
    *,
    students,
    title: str,
    due_at,
    target_score: float,
    notes: str = "",
    focus_part: str = "",
) -> Lesson:
    """Create the lesson and one assignment per student; mail each student once it is committed.

    `students` must all be students of `studio`; `due_at` an aware datetime in the future;
    ``focus_part`` a body part the lesson works on (`scoring.skeleton.BODY_PARTS`) or empty.
    """
    students = list(students)
    if not students:
        raise LessonError("Choose at least one student.")
    enrolled = set(studio_students(studio).values_list("user_id", flat=True))
    if any(s.pk not in enrolled for s in students):
        raise LessonError("Every student must belong to this studio.")
    if not MIN_TARGET <= target_score <= MAX_TARGET:
        raise LessonError(
            f"The target score must be between {MIN_TARGET:.0f} and {MAX_TARGET:.0f}."
        )
    if due_at <= timezone.now():
        raise LessonError("The due date must be in the future.")
    if focus_part and focus_part not in BODY_PARTS:
        raise LessonError(
            f"Unknown body part '{focus_part}'. Choose one of: {', '.join(BODY_PARTS)}."
        )
    with transaction.atomic():
        lesson = Lesson.objects.create(
            studio=studio,
            routine=routine,
            instructor=instructor,
            title=title,
            notes=notes,
            due_at=due_at,
            target_score=target_score,
            focus_part=focus_part,
        )
        LessonAssignment.objects.bulk_create(
            [LessonAssignment(lesson=lesson, student=student) for student in students]
        )
        transaction.on_commit(lambda: notify_students(lesson))
    return lesson


def request_lesson_routine(lesson, student, seed: int = 0):
    """Queue ``student``'s next routine for ``lesson``: the lesson routine's song, style and level,
    built on the student's attempts in the style and leaning toward the lesson's focus part
    (`coach.routines.services.request_generation`); returns the job."""
    routine = lesson.routine
    return request_generation(
        routine.song,
        student,
        style=routine.style,
        level=routine.level,
        seed=seed,
        personalise=True,
        focus_part=lesson.focus_part,
    )


def lesson_url(lesson) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("lesson", args=[lesson.id])


def notify_students(lesson) -> int:
    """Mail every assigned student who has an address; returns how many messages were sent."""
    routine = lesson.routine
    messages = []
    for assignment in lesson.assignments.select_related("student"):
        student = assignment.student
        if not student.email:
            continue
        body = (
            f"Hello {student.username},\n\n"
            f"{lesson.instructor.username} at {lesson.studio.name} has set you a lesson: {lesson.title}.\n"
            f"Routine: {routine.get_style_display()} ({routine.level}) to “{routine.song.title}”.\n"
            f"Reach an overall score of {lesson.target_score:.0f} by {lesson.due_at:%d %b %Y %H:%M}.\n"
        )
        if lesson.notes:
            body += f"\nNotes from your instructor:\n{lesson.notes}\n"
        body += f"\nOpen the lesson: {lesson_url(lesson)}\n"
        messages.append(EmailMessage(f"New lesson: {lesson.title}", body, to=[student.email]))
    if not messages:
        return 0
    try:
        return get_connection().send_messages(messages)
    except (OSError, smtplib.SMTPException):
        # The lesson stands without its mail; students still find it on their dashboard.
        log.exception("could not mail the students of lesson %s", lesson.id)
        return 0


def lesson_studio(student, routine):
    """The studio of the newest lesson assigning `routine` to `student` while they are one of its
    students (an attempt at it is made for that studio), or None."""
    lesson = (
        Lesson.objects.filter(
            routine=routine,
            assignments__student=student,
            studio__memberships__user=student,
            studio__memberships__role=Membership.Role.STUDENT,
        )
        .select_related("studio")
        .order_by("-created_at")
        .first()
    )
    return lesson.studio if lesson else None


def attempt_finished(attempt: Attempt) -> list[LessonAssignment]:
    """Mark done the learner's open assignments that this completed attempt satisfies.

    Call it once an attempt is stored as complete with its summary; returns the assignments it
    completed (none for an incomplete attempt or one below every target).
    """
    # An attempt the camera could not judge (summary.reliable false) meets no target.
    overall = attempt.overall if attempt.summary else None
    if attempt.status != Attempt.Status.COMPLETE or overall is None:
        return []
    open_assignments = LessonAssignment.objects.select_related("lesson").filter(
        student=attempt.learner_id,
        status=LessonAssignment.Status.TODO,
        lesson__routine=attempt.routine_id,
        lesson__created_at__lte=attempt.started_at,
        lesson__target_score__lte=overall,
    )
    done = []
    now = timezone.now()
    for assignment in open_assignments:
        assignment.status = LessonAssignment.Status.DONE
        assignment.completed_at = attempt.finished_at or now
        assignment.completed_by_attempt = attempt
        assignment.save(update_fields=["status", "completed_at", "completed_by_attempt"])
        done.append(assignment)
    return done


def mark_done(assignment: LessonAssignment, teacher) -> LessonAssignment:
    """A teacher says the student has done the lesson (whatever their scores)."""
    if assignment.status != LessonAssignment.Status.DONE:
        assignment.status = LessonAssignment.Status.DONE
        assignment.completed_at = timezone.now()
        assignment.marked_done_by = teacher
        assignment.save(update_fields=["status", "completed_at", "marked_done_by"])
    return assignment


def reopen(assignment: LessonAssignment) -> LessonAssignment:
    """Back to to-do (a mark made by mistake)."""
    assignment.status = LessonAssignment.Status.TODO
    assignment.completed_at = None
    assignment.completed_by_attempt = None
    assignment.marked_done_by = None
    assignment.save(
        update_fields=["status", "completed_at", "completed_by_attempt", "marked_done_by"]
    )
    return assignment


@dataclass
class StudentLessons:
    """A student's assignments grouped as the dashboard shows them."""

    todo: list
    overdue: list
    done: list

    def __bool__(self) -> bool:
        return bool(self.todo or self.overdue or self.done)


def lessons_of_student(student) -> StudentLessons:
    assignments = (
        LessonAssignment.objects.filter(student=student)
        .select_related("lesson__routine__song", "lesson__studio", "lesson__instructor")
        .order_by("lesson__due_at")
    )
    grouped = StudentLessons([], [], [])
    for assignment in assignments:
        if assignment.status == LessonAssignment.Status.DONE:
            grouped.done.append(assignment)
        elif assignment.overdue:
            grouped.overdue.append(assignment)
        else:
            grouped.todo.append(assignment)
    grouped.done.sort(key=lambda a: a.completed_at or a.lesson.due_at, reverse=True)
    return grouped


def assignment_state(assignment: LessonAssignment) -> str:
    """ "done", "overdue" or "todo"."""
    if assignment.status == LessonAssignment.Status.DONE:
        return "done"
    return "overdue" if assignment.overdue else "todo"


def lesson_progress(lesson) -> dict:
    """How many of the lesson's assignments are {"todo", "overdue", "done"}."""
    counts = {"todo": 0, "overdue": 0, "done": 0}
    for assignment in lesson.assignments.select_related("lesson"):
        counts[assignment_state(assignment)] += 1
    return counts
