"""Live classes: the rules (services) and the pages, with every role's permissions."""

import pytest
from django.test import Client
from django.urls import reverse

from coach.classes import services as classes
from coach.classes.models import ClassParticipant, ClassSession
from coach.practice.services import server_time_ms
from coach.studios.models import Membership
from coach.studios.services import create_studio
from tests.coach.factories import make_routine

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(studio_people, make_user):
    """The studio of tests/conftest.py plus bob2, a student of another studio."""
    other = create_studio(make_user("otto"), "Other Studio")
    stranger = make_user("bob2")
    Membership.objects.create(user=stranger, studio=other, role=Membership.Role.STUDENT)
    routine = make_routine(studio_people["instructor"])
    class_session = classes.open_class(
        studio_people["instructor"], studio_people["studio"], routine, title="Waltz basics"
    )
    return {**studio_people, "stranger": stranger, "class": class_session, "routine": routine}


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def beat(index, overall, **parts):
    scores = {
        "head": 90.0,
        "torso": 90.0,
        "left_arm": 90.0,
        "right_arm": 90.0,
        "left_leg": 90.0,
        "right_leg": 90.0,
    }
    scores.update(parts)
    return {"index": index, "overall": overall, "label": "OK", "fix": None, "parts": scores}


# ---- rules ----------------------------------------------------------------------------------


def test_joining_gives_one_seat_with_its_own_attempt(people):
    seat = classes.join_class(people["alice"], people["class"])
    again = classes.join_class(people["alice"], people["class"])
    assert again.pk == seat.pk and seat.attempt.learner == people["alice"]
    assert seat.attempt.routine == people["routine"]
    other = classes.join_class(people["bob"], people["class"])
    assert other.attempt_id != seat.attempt_id


@pytest.mark.parametrize("who", ["stranger", "outsider", "instructor", "owner"])
def test_only_the_studios_students_can_join(people, who):
    with pytest.raises(classes.ClassError):
        classes.join_class(people[who], people["class"])
    assert not ClassParticipant.objects.exists()


def test_starting_sets_a_common_time_ahead_once(people):
    before = server_time_ms()
    state = classes.start_class(people["class"])
    people["class"].refresh_from_db()
    assert people["class"].status == ClassSession.Status.RUNNING
    assert state["starts_at_ms"] == people["class"].starts_at_ms
    assert (
        before + classes.START_LEAD_MS
        <= state["starts_at_ms"]
        <= server_time_ms() + classes.START_LEAD_MS
    )
    with pytest.raises(classes.ClassError):
        classes.start_class(people["class"])


def test_late_joiners_are_welcome_until_the_class_ends(people):
    classes.start_class(people["class"])
    assert classes.join_class(people["alice"], people["class"]).attempt is not None
    classes.end_class(people["class"])
    with pytest.raises(classes.ClassError):
        classes.join_class(people["bob"], people["class"])
    # Someone already seated keeps their seat (e.g. to finish or read the report).
    assert classes.join_class(people["alice"], people["class"]).attempt is not None


def test_struggling_names_the_weakest_part_of_recent_weak_beats():
    good = [beat(i, 80.0) for i in range(6)]
    assert classes.struggling_part(good) is None
    weak = good + [beat(6 + i, 35.0, left_leg=20.0, right_arm=50.0) for i in range(4)]
    assert classes.struggling_part(weak) == "left_leg"
    assert classes.struggling_part(weak[-3:]) is None  # too few beats to judge
    # A beat the camera did not see has no scores (scoring.beats): it names no body part.
    unseen = [
        {**beat(i, 0.0), "overall": None, "label": "Not seen", "fix": None, "seen": [],
         "parts": dict.fromkeys(beat(0, 0)["parts"])}
        for i in range(4)
    ]  # fmt: skip
    assert classes.struggling_part(unseen) == classes.NOT_SEEN


def test_a_board_entry_has_the_latest_beat_and_the_running_score():
    beats = [beat(1, 70.0), beat(0, 50.0)]
    entry = classes.board_entry("u", "alice", "a", beats=beats, connected=True, finished=False)
    assert entry["last"]["index"] == 1 and entry["score"] == 60.0 and entry["beats"] == 2
    assert (
        classes.board_entry("u", "alice", "a", beats=[], connected=True, finished=False)["score"]
        is None
    )


def test_the_summary_ranks_learners_by_score(people):
    for name, overall in (("alice", 55.0), ("bob", 81.0)):
        seat = classes.join_class(people[name], people["class"])
        seat.attempt.beat_results = [beat(0, overall), beat(1, overall)]
        seat.attempt.save()
    rows = classes.ranking(people["class"])
    assert [(r["place"], r["learner"].username, r["score"]) for r in rows] == [
        (1, "bob", 81.0),
        (2, "alice", 55.0),
    ]


# ---- pages ----------------------------------------------------------------------------------


def test_an_instructor_opens_a_class_and_a_student_joins_with_the_code(people):
    instructor = client_for(people["instructor"])
    response = instructor.post(
        reverse("class_new"),
        {
            "title": "Friday class",
            "studio": people["studio"].id,
            "routine": people["routine"].id,
        },
    )
    class_session = ClassSession.objects.get(title="Friday class")
    assert response.status_code == 302 and response.url == reverse(
        "class_board", args=[class_session.id]
    )
    board = instructor.get(response.url)
    assert class_session.join_code.encode() in board.content

    alice = client_for(people["alice"])
    joined = alice.post(reverse("class_join_code"), {"code": class_session.join_code.lower()})
    assert joined.status_code == 302 and joined.url == reverse(
        "class_learn", args=[class_session.id]
    )
    page = alice.get(joined.url)
    seat = class_session.participants.get(learner=people["alice"])
    assert page.status_code == 200 and str(seat.attempt_id).encode() in page.content
    document = alice.get(reverse("class_routine", args=[class_session.id])).json()
    assert (
        document["id"] == str(people["routine"].id)
        and len(document["frames"]) == people["routine"].n_frames
    )


def test_the_join_link_shows_a_join_button_then_the_class(people):
    alice = client_for(people["alice"])
    url = reverse("class_learn", args=[people["class"].id])
    assert b"Join the class" in alice.get(url).content
    assert alice.post(reverse("class_join", args=[people["class"].id])).status_code == 302
    assert b"I'm ready" in alice.get(url).content
    # The instructor following the same link lands on the board.
    assert client_for(people["instructor"]).get(url).url == reverse(
        "class_board", args=[people["class"].id]
    )


def test_a_student_of_another_studio_cannot_join(people):
    stranger = client_for(people["stranger"])
    response = stranger.post(reverse("class_join_code"), {"code": people["class"].join_code})
    assert response.status_code == 400 and b"No class of your studios" in response.content
    assert stranger.post(reverse("class_join", args=[people["class"].id])).status_code == 404
    assert not ClassParticipant.objects.exists()


def test_the_start_button_answers_with_the_start_time(people):
    response = client_for(people["instructor"]).post(
        reverse("class_start", args=[people["class"].id])
    )
    assert response.status_code == 200 and response.json()["status"] == "running"
    again = client_for(people["owner"]).post(reverse("class_start", args=[people["class"].id]))
    assert again.status_code == 409


def test_the_summary_links_each_report(people):
    seat = classes.join_class(people["alice"], people["class"])
    client = client_for(people["owner"])
    response = client.post(reverse("class_end", args=[people["class"].id]))
    assert response.url == reverse("class_summary", args=[people["class"].id])
    summary = client.get(response.url)
    assert reverse("attempt_report", args=[seat.attempt_id]).encode() in summary.content
    # The link says where it goes, not the attempt's status.
    assert b">Open the report</a>" in summary.content
    # The instructor may open the student's report from there.
    assert (
        client_for(people["instructor"])
        .get(reverse("attempt_report", args=[seat.attempt_id]))
        .status_code
        == 200
    )


PAGES = [
    ("get", "class_learn"),
    ("post", "class_join"),
    ("get", "class_routine"),
    ("get", "class_board"),
    ("post", "class_start"),
    ("post", "class_end"),
    ("get", "class_summary"),
]


@pytest.mark.parametrize(("method", "name"), PAGES)
def test_outsiders_get_404_on_every_class_page(people, method, name):
    url = reverse(name, args=[people["class"].id])
    for who in ("outsider", "stranger"):
        assert getattr(client_for(people[who]), method)(url).status_code == 404, who
    anonymous = getattr(client_for(None), method)(url)
    assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("method", "name"), [p for p in PAGES if p[1] not in ("class_learn", "class_join")]
)
def test_only_the_classes_instructor_or_the_owner_controls_it(people, make_user, method, name):
    colleague = make_user("ivan")
    Membership.objects.create(
        user=colleague, studio=people["studio"], role=Membership.Role.INSTRUCTOR
    )
    url = reverse(name, args=[people["class"].id])
    if name != "class_routine":  # a seated student may read the routine, not the board
        assert getattr(client_for(people["alice"]), method)(url).status_code == 404
    assert getattr(client_for(colleague), method)(url).status_code == 404
    assert getattr(client_for(people["owner"]), method)(url).status_code in (200, 302)


def test_only_teachers_can_open_a_class_for_their_studio(people):
    response = client_for(people["alice"]).post(
        reverse("class_new"),
        {
            "title": "Mine",
            "studio": people["studio"].id,
            "routine": people["routine"].id,
        },
    )
    assert response.status_code == 200 and not ClassSession.objects.filter(title="Mine").exists()


def test_a_seated_learner_may_load_the_class_routine_for_their_report(people):
    document = reverse("api-routine-document", args=[people["routine"].id])
    assert client_for(people["alice"]).get(document).status_code == 404
    classes.join_class(people["alice"], people["class"])
    assert client_for(people["alice"]).get(document).status_code == 200
    assert client_for(people["bob"]).get(document).status_code == 404  # not seated
