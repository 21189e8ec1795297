"""Lessons: assigning, mail, to do / overdue / done, completion by an attempt or by the teacher,
and the lesson form's generate-then-assign path."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from coach.lessons import services as lessons
from coach.lessons.models import Lesson, LessonAssignment
from coach.practice.models import Attempt
from coach.routines.models import GenerationJob
from coach.routines.selectors import routines_for
from tests.coach.factories import make_routine, make_song

pytestmark = pytest.mark.django_db


def scored(attempt, overall, status=Attempt.Status.COMPLETE):
    """Store a finished attempt's summary as `practice.finish` does, then run the lesson hook."""
    attempt.summary = {"overall": overall, "beats": 4}
    attempt.status = status
    attempt.finished_at = timezone.now()
    attempt.save()
    return lessons.attempt_finished(attempt)


@pytest.fixture
def lesson_setup(studio_people, django_capture_on_commit_callbacks):
    people = studio_people
    people["alice"].email = "alice@example.com"
    people["alice"].save()
    routine = make_routine(people["instructor"])
    with django_capture_on_commit_callbacks(execute=True):
        lesson = lessons.assign_lesson(
            people["studio"],
            people["instructor"],
            routine,
            students=[people["alice"], people["bob"]],
            title="Box step",
            due_at=timezone.now() + timedelta(days=3),
            target_score=70.0,
            notes="Watch your frame.",
        )
    return {**people, "routine": routine, "lesson": lesson}


def test_assigning_creates_one_assignment_per_student_and_mails_those_with_an_address(lesson_setup):
    lesson = lesson_setup["lesson"]
    assert sorted(lesson.assignments.values_list("student__username", flat=True)) == [
        "alice",
        "bob",
    ]
    assert len(mail.outbox) == 1  # bob has no address
    message = mail.outbox[0]
    assert message.to == ["alice@example.com"] and message.subject == "New lesson: Box step"
    assert "Watch your frame." in message.body and f"/lessons/{lesson.id}/" in message.body
    assert "target" not in message.subject and "overall score of 70" in message.body


def test_an_attempt_reaching_the_target_completes_the_assignment(lesson_setup):
    alice, routine = lesson_setup["alice"], lesson_setup["routine"]
    assignment = LessonAssignment.objects.get(student=alice)
    below = Attempt.objects.create(routine=routine, learner=alice)
    assert scored(below, 69.9) == []
    incomplete = Attempt.objects.create(routine=routine, learner=alice)
    assert scored(incomplete, 95.0, status=Attempt.Status.INCOMPLETE) == []
    assignment.refresh_from_db()
    assert assignment.status == LessonAssignment.Status.TODO
    good = Attempt.objects.create(routine=routine, learner=alice)
    assert [a.pk for a in scored(good, 70.0)] == [assignment.pk]
    assignment.refresh_from_db()
    assert (
        assignment.status == LessonAssignment.Status.DONE
        and assignment.completed_by_attempt == good
    )
    # Bob's assignment is his own: alice's attempt does not touch it.
    assert (
        LessonAssignment.objects.get(student=lesson_setup["bob"]).status
        == LessonAssignment.Status.TODO
    )


def test_attempts_of_another_routine_or_from_before_the_lesson_do_not_count(lesson_setup):
    alice, lesson = lesson_setup["alice"], lesson_setup["lesson"]
    other = make_routine(lesson_setup["instructor"])
    assert scored(Attempt.objects.create(routine=other, learner=alice), 99.0) == []
    before = Attempt.objects.create(
        routine=lesson.routine, learner=alice, started_at=lesson.created_at - timedelta(minutes=5)
    )
    assert scored(before, 99.0) == []


def test_the_dashboard_groups_lessons_as_to_do_overdue_and_done(client, lesson_setup):
    alice, studio, instructor = (
        lesson_setup["alice"],
        lesson_setup["studio"],
        lesson_setup["instructor"],
    )
    late = Lesson.objects.create(
        studio=studio,
        routine=lesson_setup["routine"],
        instructor=instructor,
        title="Late one",
        due_at=timezone.now() - timedelta(days=1),
        target_score=50,
    )
    LessonAssignment.objects.create(lesson=late, student=alice)
    finished = Lesson.objects.create(
        studio=studio,
        routine=lesson_setup["routine"],
        instructor=instructor,
        title="Finished one",
        due_at=timezone.now() + timedelta(days=1),
        target_score=50,
    )
    lessons.mark_done(LessonAssignment.objects.create(lesson=finished, student=alice), instructor)
    grouped = lessons.lessons_of_student(alice)
    assert [a.lesson.title for a in grouped.todo] == ["Box step"]
    assert [a.lesson.title for a in grouped.overdue] == ["Late one"]
    assert [a.lesson.title for a in grouped.done] == ["Finished one"]
    client.force_login(alice)
    page = client.get(reverse("dashboard")).content.decode()
    assert 'id="my-lessons"' in page
    assert page.index("Late one") < page.index("Box step") < page.index("Finished one")
    assert 'data-state="overdue"' in page and 'data-state="done"' in page


def test_a_student_can_open_and_practise_the_lesson_routine(client, lesson_setup):
    alice, lesson = lesson_setup["alice"], lesson_setup["lesson"]
    # The routine is the instructor's, yet the assigned student may practise it.
    assert routines_for(alice).filter(pk=lesson.routine_id).exists()
    client.force_login(alice)
    assert client.get(reverse("practice", args=[lesson.routine_id])).status_code == 200
    page = client.get(reverse("lesson", args=[lesson.id])).content.decode()
    assert "Watch your frame." in page and 'id="lesson-state"' in page and "Mark done" not in page


def test_the_instructor_marks_done_and_reopens(client, lesson_setup):
    lesson, bob = lesson_setup["lesson"], lesson_setup["bob"]
    assignment = lesson.assignments.get(student=bob)
    client.force_login(lesson_setup["instructor"])
    url = reverse("assignment_mark", args=[lesson.id, assignment.id])
    assert client.post(url, {"done": "1"}).status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == "done" and assignment.marked_done_by == lesson_setup["instructor"]
    client.post(url, {"done": "0"})
    assignment.refresh_from_db()
    assert assignment.status == "todo" and assignment.marked_done_by is None


def form_data(people, **extra):
    due = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    return {
        "title": "Waltz basics",
        "students": [people["alice"].pk],
        "due_at": due,
        "target_score": "75",
        "notes": "",
        **extra,
    }


def test_the_lesson_form_assigns_an_existing_routine(
    client, studio_people, django_capture_on_commit_callbacks
):
    routine = make_routine(studio_people["instructor"])
    client.force_login(studio_people["instructor"])
    url = reverse("lesson_new", args=[studio_people["studio"].id])
    page = client.get(url).content.decode()
    assert "bob" in page and "alice" in page and "oscar" not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form_data(studio_people, routine=routine.pk))
    lesson = Lesson.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "lesson", args=[lesson.id]
    )
    assert lesson.routine == routine and lesson.target_score == 75
    assert list(lesson.assignments.values_list("student__username", flat=True)) == ["alice"]


def test_the_lesson_form_refuses_bad_input(client, studio_people):
    client.force_login(studio_people["instructor"])
    url = reverse("lesson_new", args=[studio_people["studio"].id])
    routine = make_routine(studio_people["instructor"])
    past = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    for data in [
        form_data(studio_people),  # neither a routine nor what to generate
        form_data(studio_people, routine=routine.pk, due_at=past),
        form_data(studio_people, routine=routine.pk, target_score="101"),
        form_data(studio_people, routine=routine.pk, students=[studio_people["outsider"].pk]),
        # Someone else's routine is not offered.
        form_data(studio_people, routine=make_routine(studio_people["outsider"]).pk),
    ]:
        assert client.post(url, data).status_code == 200
    assert not Lesson.objects.exists()


def test_generating_a_routine_for_the_lesson_assigns_it_once_the_job_succeeds(
    client, studio_people
):
    instructor = studio_people["instructor"]
    song = make_song(instructor)
    client.force_login(instructor)
    url = reverse("lesson_new", args=[studio_people["studio"].id])
    data = form_data(studio_people, song=song.pk, style="waltz", level="beginner")
    waiting = client.post(url, data)
    job = GenerationJob.objects.get()
    assert (job.song, job.style, job.level, job.requested_by) == (
        song,
        "waltz",
        "beginner",
        instructor,
    )
    page = waiting.content.decode()
    assert 'id="lesson-job"' in page and f'value="{job.id}"' in page and not Lesson.objects.exists()
    # Pressed again while the job runs: still waiting, no second job.
    client.post(url, {**data, "job": job.pk})
    assert GenerationJob.objects.count() == 1 and not Lesson.objects.exists()
    job.routine = make_routine(instructor, song=song)
    job.status = GenerationJob.Status.SUCCEEDED
    job.save()
    response = client.post(url, {**data, "job": job.pk})
    lesson = Lesson.objects.get()
    assert response.status_code == 302 and lesson.routine == job.routine


def test_a_failed_job_is_reported_on_the_form(client, studio_people):
    instructor = studio_people["instructor"]
    song = make_song(instructor)
    job = GenerationJob.objects.create(
        song=song,
        requested_by=instructor,
        style="waltz",
        level="beginner",
        status=GenerationJob.Status.FAILED,
        error="No beat found.",
    )
    client.force_login(instructor)
    url = reverse("lesson_new", args=[studio_people["studio"].id])
    page = client.post(
        url, form_data(studio_people, song=song.pk, style="waltz", level="beginner", job=job.pk)
    )
    assert "No beat found." in page.content.decode() and not Lesson.objects.exists()


def test_someone_elses_job_cannot_be_used(client, studio_people):
    other = studio_people["owner"]
    song = make_song(other)
    routine = make_routine(other, song=song)
    job = GenerationJob.objects.create(
        song=song,
        requested_by=other,
        style="waltz",
        level="beginner",
        status=GenerationJob.Status.SUCCEEDED,
        routine=routine,
    )
    client.force_login(studio_people["instructor"])
    url = reverse("lesson_new", args=[studio_people["studio"].id])
    assert client.post(url, form_data(studio_people, job=job.pk)).status_code == 200
    assert not Lesson.objects.exists()
