"""Issue 16, finding 7: an attempt belongs to the studio context it was made in (a lesson, a live
class, or the learner's own practice). A studio's staff see only their studio's attempts: not the
learner's own practice, not what they did before joining, not another studio's."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coach.classes import services as classes
from coach.lessons import services as lessons
from coach.practice.models import Attempt
from coach.practice.services import start_attempt
from coach.review.services import add_comment
from coach.studios.models import Membership
from coach.studios.services import create_studio
from tests.coach.factories import make_routine

pytestmark = pytest.mark.django_db


def staff_urls(attempt):
    return [
        reverse("attempt_report", args=[attempt.id]),
        reverse("api-attempt-detail", args=[attempt.id]),
        reverse("api-attempt-document", args=[attempt.id]),
        reverse("attempt_review", args=[attempt.id]),
    ]


def visible_to(client, user, attempt) -> list[int]:
    client.force_login(user)
    codes = [client.get(url).status_code for url in staff_urls(attempt)]
    listed = {item["id"] for item in client.get(reverse("api-attempt-list")).json()["results"]}
    return codes + [str(attempt.id) in listed]


@pytest.fixture
def two_studios(studio_people, make_user):
    """Alice is a student of Step Up (studio_people) and of a second studio, run by otto."""
    otto = make_user("otto")
    second = create_studio(otto, "Second Studio")
    Membership.objects.create(
        user=studio_people["alice"], studio=second, role=Membership.Role.STUDENT
    )
    return {**studio_people, "otto": otto, "second": second}


def test_own_practice_made_before_joining_stays_private(client, make_user, studio_people):
    newcomer = make_user("nina")
    attempt = start_attempt(newcomer, make_routine(newcomer), pose_format="coco17")
    assert attempt.studio is None
    Membership.objects.create(
        user=newcomer, studio=studio_people["studio"], role=Membership.Role.STUDENT
    )
    for who in ("instructor", "owner"):
        assert visible_to(client, studio_people[who], attempt) == [404, 404, 404, 404, False], who
    assert visible_to(client, newcomer, attempt)[:3] == [200, 200, 200]


def test_a_class_attempt_is_seen_by_its_studio_only(client, two_studios):
    alice, otto = two_studios["alice"], two_studios["otto"]
    class_session = classes.open_class(
        otto, two_studios["second"], make_routine(otto), title="Friday"
    )
    attempt = classes.join_class(alice, class_session).attempt
    assert attempt.studio == two_studios["second"]
    add_comment(attempt, otto, "Bend your knees")
    assert visible_to(client, otto, attempt) == [200, 200, 200, 200, True]
    for who in ("instructor", "owner"):
        assert visible_to(client, two_studios[who], attempt) == [404, 404, 404, 404, False], who


def test_a_lesson_attempt_belongs_to_the_lesson_studio(client, two_studios):
    alice, instructor = two_studios["alice"], two_studios["instructor"]
    routine = make_routine(instructor)
    lessons.assign_lesson(
        two_studios["studio"], instructor, routine, students=[alice], title="Solo",
        due_at=timezone.now() + timedelta(days=2), target_score=60.0,
    )  # fmt: skip
    client.force_login(alice)
    response = client.post(reverse("api-attempt-list"), {"routine": str(routine.id), "pose_format": "coco17"},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 201
    attempt = Attempt.objects.get(pk=response.json()["id"])
    assert attempt.studio == two_studios["studio"]
    assert visible_to(client, instructor, attempt) == [200, 200, 200, 200, True]
    assert visible_to(client, two_studios["otto"], attempt) == [404, 404, 404, 404, False]


def test_the_report_history_shows_a_teacher_only_their_studio_attempts(client, two_studios):
    alice, otto = two_studios["alice"], two_studios["otto"]
    routine = make_routine(otto)
    class_session = classes.open_class(otto, two_studios["second"], routine, title="Friday")
    in_class = classes.join_class(alice, class_session).attempt
    private = start_attempt(alice, routine, pose_format="coco17")
    client.force_login(otto)
    history = client.get(reverse("attempt_report", args=[in_class.id])).context["history"]
    assert in_class in history and private not in history
