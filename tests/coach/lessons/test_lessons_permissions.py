"""Who may see and do what with lessons and review, for every role: every page and endpoint
answers 404 (or 403 / a login redirect) to those it is not for."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coach.lessons import services as lessons
from coach.lessons.models import Lesson, LessonAssignment
from coach.lessons.selectors import lessons_for, lessons_taught_by
from coach.practice.selectors import attempts_for
from coach.routines.selectors import routines_for
from coach.studios.selectors import owned_studios
from coach.studios.services import create_studio
from tests.coach.factories import make_attempt, make_routine

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(studio_people, make_user):
    """Alice's lesson in the studio (bob is not assigned), her attempt, and a teacher elsewhere."""
    people = studio_people
    routine = make_routine(people["instructor"])
    lesson = lessons.assign_lesson(
        people["studio"],
        people["instructor"],
        routine,
        students=[people["alice"]],
        title="Solo",
        due_at=timezone.now() + timedelta(days=1),
        target_score=60.0,
    )
    other_owner = make_user("otto")
    create_studio(other_owner, "Elsewhere")
    return {
        **people,
        "elsewhere": other_owner,
        "lesson": lesson,
        "assignment": lesson.assignments.get(),
        "attempt": make_attempt(people["alice"], routine, people["studio"]),
    }


def urls(w):
    studio = w["studio"].id
    return {
        "studio_lessons": ("get", reverse("studio_lessons", args=[studio])),
        "lesson_new": ("get", reverse("lesson_new", args=[studio])),
        "studio_review": ("get", reverse("studio_review", args=[studio])),
        "student_review": ("get", reverse("student_review", args=[studio, w["alice"].id])),
        "lesson": ("get", reverse("lesson", args=[w["lesson"].id])),
        "lesson_results_csv": ("get", reverse("lesson_results_csv", args=[w["lesson"].id])),
        "assignment_mark": (
            "post",
            reverse("assignment_mark", args=[w["lesson"].id, w["assignment"].id]),
        ),
        "attempt_review": ("get", reverse("attempt_review", args=[w["attempt"].id])),
        "member_role": (
            "post",
            reverse("member_role", args=[studio, w["studio"].memberships.get(user=w["bob"]).id]),
        ),
        "api_lesson": ("get", reverse("api-lesson-detail", args=[w["lesson"].id])),
        "api_lesson_results": ("get", reverse("api-lesson-results", args=[w["lesson"].id])),
    }


TEACHER_PAGES = {
    "studio_lessons",
    "lesson_new",
    "studio_review",
    "student_review",
    "lesson",
    "lesson_results_csv",
    "assignment_mark",
    "attempt_review",
    "api_lesson",
    "api_lesson_results",
}
# Who gets through to each page; everyone else who is signed in gets 404.
ALLOWED = {
    "owner": TEACHER_PAGES | {"member_role"},
    "instructor": TEACHER_PAGES,
    "alice": {"lesson", "api_lesson"},
    "bob": set(),
    "outsider": set(),
    "elsewhere": set(),
}


def fetch(client, method, url):
    return (
        client.post(url, {"role": "student", "done": "1"}) if method == "post" else client.get(url)
    )


@pytest.mark.parametrize("who", sorted(ALLOWED))
def test_each_role_reaches_only_its_pages(client, world, who):
    client.force_login(world[who])
    for name, (method, url) in urls(world).items():
        status = fetch(client, method, url).status_code
        if name in ALLOWED[who]:
            assert status in (200, 302), (who, name, status)
        else:
            assert status == 404, (who, name, status)


def test_anonymous_visitors_must_log_in(client, world):
    for name, (method, url) in urls(world).items():
        response = fetch(client, method, url)
        if name.startswith("api_"):
            assert response.status_code in (401, 403), name
        else:
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], name


def test_students_see_only_their_own_lessons_and_attempts(client, world):
    alice, bob = world["alice"], world["bob"]
    assert list(lessons_for(alice)) == [world["lesson"]]
    assert not lessons_for(bob).exists()
    assert not attempts_for(bob).filter(pk=world["attempt"].pk).exists()
    # Bob is not assigned the routine, so he cannot practise it either.
    assert not routines_for(bob).filter(pk=world["lesson"].routine_id).exists()
    # In the API a student sees only their own assignment, never a classmate's.
    bob_assignment = LessonAssignment.objects.create(lesson=world["lesson"], student=bob)
    client.force_login(alice)
    body = client.get(reverse("api-lesson-detail", args=[world["lesson"].id])).json()
    assert [a["student"] for a in body["assignments"]] == ["alice"]
    assert str(bob_assignment.id) not in str(client.get(reverse("api-lesson-list")).json())


def test_teachers_see_only_their_studios_lessons(client, world):
    elsewhere_routine = make_routine(world["elsewhere"])
    studio = owned_studios(world["elsewhere"]).get()
    foreign = Lesson.objects.create(
        studio=studio,
        routine=elsewhere_routine,
        instructor=world["elsewhere"],
        title="Theirs",
        due_at=timezone.now() + timedelta(days=1),
        target_score=50,
    )
    assert list(lessons_taught_by(world["instructor"])) == [world["lesson"]]
    assert list(lessons_taught_by(world["elsewhere"])) == [foreign]
    client.force_login(world["instructor"])
    listing = client.get(reverse("api-lesson-list")).json()
    assert [item["id"] for item in listing["results"]] == [str(world["lesson"].id)]
    assert client.get(reverse("lesson", args=[foreign.id])).status_code == 404
    # Assigning to someone outside the studio is refused by the service too.
    with pytest.raises(lessons.LessonError):
        lessons.assign_lesson(
            world["studio"],
            world["instructor"],
            world["lesson"].routine,
            students=[world["outsider"]],
            title="Sneaky",
            due_at=timezone.now() + timedelta(days=1),
            target_score=50.0,
        )
