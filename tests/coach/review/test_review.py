"""The instructor's review: class weak spots from really scored attempts, progress, comments on
the student's report, CSV results, promoting and demoting instructors."""

import csv
import io
from datetime import timedelta

import numpy as np
import pytest
from django.urls import reverse
from django.utils import timezone

from coach.lessons import services as lessons
from coach.practice import services as practice
from coach.practice.models import Attempt
from coach.review import services as review
from coach.review.models import AttemptComment
from coach.routines.services import store_routine
from coach.studios.models import Membership
from generation.data.aistpp import aistpp_dir, load_annotation
from scoring.skeleton import BODY_PARTS, JOINTS
from tests.coach.factories import make_song

pytestmark = pytest.mark.django_db

SONG_S = 8.0
BATCH = 3


@pytest.fixture
def danced(studio_people, django_capture_on_commit_callbacks):
    """A routine made of a real AIST++ dance, assigned to alice and bob, and `practise(learner,
    shift_ms)` sending that dance's real 2D detections through the practice services."""
    instructor = studio_people["instructor"]
    source = next(
        p
        for p in sorted((aistpp_dir() / "annotations").glob("*.npz"))
        if "keypoints2d" in np.load(p).files
    )
    clip = load_annotation(source)
    beats = np.arange(0.0, SONG_S, 0.5)
    routine = store_routine(
        make_song(instructor, duration_s=SONG_S),
        instructor,
        {
            "fps": clip.fps,
            "joints": JOINTS,
            "frames": clip.frames[: int(SONG_S * clip.fps)],
            "beats": beats.tolist(),
            "downbeats": beats[::4].tolist(),
            "segments": [],
            "style": clip.style,
            "level": "beginner",
            "seed": 0,
            "model": f"aistpp:{clip.name}",
            "tempo_bpm": 120.0,
        },
    )
    with np.load(source) as data:
        keypoints = np.nan_to_num(data["keypoints2d"][0, ::2][: int(SONG_S * 30)])
    with django_capture_on_commit_callbacks(execute=True):
        lesson = lessons.assign_lesson(
            studio_people["studio"],
            instructor,
            routine,
            students=[studio_people["alice"], studio_people["bob"]],
            title="AIST++ groove",
            due_at=timezone.now() + timedelta(days=2),
            target_score=80.0,
        )

    def practise(learner, shift_ms=0.0):
        attempt = practice.start_attempt(learner, routine, pose_format="coco17")
        session = practice.open_session(learner, attempt.id)
        times = np.arange(len(keypoints)) * 1000.0 / 30 + shift_ms
        for seq, start in enumerate(range(0, len(keypoints), BATCH)):
            practice.receive_frames(
                session,
                {
                    "type": "frames",
                    "seq": seq,
                    "format": "coco17",
                    "timestamps_ms": times[start : start + BATCH].tolist(),
                    "frames": keypoints[start : start + BATCH].tolist(),
                    "image_size": [1920, 1080],
                },
            )
        practice.finish(session)  # which completes the lesson when the target is reached
        return Attempt.objects.get(pk=attempt.id)

    return {**studio_people, "routine": routine, "lesson": lesson, "practise": practise}


def test_class_weak_spots_average_each_students_latest_attempt(danced):
    alice, bob, routine = danced["alice"], danced["bob"], danced["routine"]
    danced["practise"](alice, shift_ms=300.0)  # superseded by her next attempt
    alice_latest = danced["practise"](alice)
    bob_late = danced["practise"](bob, shift_ms=300.0)
    weak = review.class_weak_spots(routine, [alice, bob], danced["studio"])
    assert weak["learners"] == 2
    # Beats the camera did not see (no overall) are left out of the class's means.
    alice_beats = {b["index"]: b for b in alice_latest.beat_results if b["overall"] is not None}
    bob_beats = {b["index"]: b for b in bob_late.beat_results if b["overall"] is not None}
    both = sorted(set(alice_beats) & set(bob_beats))
    assert both
    by_index = {b["index"]: b for b in weak["beats"]}
    for index in both:
        expected = (alice_beats[index]["overall"] + bob_beats[index]["overall"]) / 2
        assert by_index[index]["overall"] == pytest.approx(expected, abs=0.051)
        assert by_index[index]["learners"] == 2
    weakest = [b["overall"] for b in weak["weakest_beats"]]
    assert weakest == sorted(weakest) and weakest[0] == min(b["overall"] for b in weak["beats"])
    names = [p["part"] for p in weak["weakest_parts"]]
    assert set(names) <= set(BODY_PARTS) and len(names) == len(BODY_PARTS)
    scores = [p["score"] for p in weak["weakest_parts"]]
    assert scores == sorted(scores)
    # The on-time dance scores above the 300 ms late one.
    assert alice_latest.summary["overall"] > bob_late.summary["overall"]


def test_lesson_results_and_csv(client, danced):
    alice, bob, lesson = danced["alice"], danced["bob"], danced["lesson"]
    good = danced["practise"](alice)
    late = danced["practise"](bob, shift_ms=300.0)
    rows = {row.student: row for row in review.lesson_results(lesson)}
    assert rows["alice"].attempts == 1 and rows["alice"].best_overall == good.summary["overall"]
    assert rows["bob"].latest_overall == late.summary["overall"]
    # The on-time dance reaches the target of 80, the 300 ms late one does not (91.7 and 70.3 here).
    assert good.summary["overall"] >= lesson.target_score > late.summary["overall"]
    assert (rows["alice"].state, rows["alice"].completed_by) == ("done", "attempt")
    assert rows["bob"].state == "todo"
    client.force_login(danced["instructor"])
    response = client.get(reverse("lesson_results_csv", args=[lesson.id]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["student"] for r in table] == ["alice", "bob"]
    assert (
        float(table[1]["latest_overall"]) == late.summary["overall"] and table[1]["attempts"] == "1"
    )
    assert tuple(table[0]) == review.CSV_COLUMNS


def test_review_pages_show_students_progress_and_weak_spots(client, danced):
    danced["practise"](danced["alice"])
    danced["practise"](danced["bob"], shift_ms=300.0)
    client.force_login(danced["instructor"])
    page = client.get(reverse("studio_review", args=[danced["studio"].id]))
    assert page.status_code == 200
    series = page.context["progress"]
    assert [s["learner"] for s in series] == ["alice", "bob"] and all(
        len(s["points"]) == 1 for s in series
    )
    assert page.context["weak"]["learners"] == 2
    text = page.content.decode()
    assert 'id="progress-data"' in text and 'data-student="alice"' in text
    student = client.get(reverse("student_review", args=[danced["studio"].id, danced["alice"].id]))
    assert student.status_code == 200 and "AIST++ groove" in student.content.decode()


def test_a_comment_pinned_to_a_beat_shows_on_the_students_report(client, danced):
    attempt = danced["practise"](danced["alice"])
    client.force_login(danced["instructor"])
    url = reverse("attempt_review", args=[attempt.id])
    assert client.get(url).status_code == 200
    assert client.post(url, {"beat": "3", "text": "Arms higher here"}).status_code == 302
    assert client.post(url, {"beat": "999", "text": "Nowhere"}).status_code == 400
    assert client.post(url, {"text": "   "}).status_code == 400
    comment = AttemptComment.objects.get()
    assert (comment.beat, comment.text, comment.author) == (
        2,
        "Arms higher here",
        danced["instructor"],
    )
    client.force_login(danced["alice"])
    report = client.get(reverse("attempt_report", args=[attempt.id])).content.decode()
    assert 'data-beat="2"' in report and "Arms higher here" in report
    # The student reads comments but cannot write them.
    assert client.post(url, {"text": "I did my best"}).status_code == 404


def test_the_owner_promotes_and_demotes_instructors(client, studio_people):
    studio = studio_people["studio"]
    alice_seat = studio.memberships.get(user=studio_people["alice"])
    url = reverse("member_role", args=[studio.id, alice_seat.id])
    client.force_login(studio_people["instructor"])  # an instructor may not
    assert client.post(url, {"role": "instructor"}).status_code == 404
    client.force_login(studio_people["owner"])
    client.post(url, {"role": "instructor"})
    alice_seat.refresh_from_db()
    assert alice_seat.role == Membership.Role.INSTRUCTOR
    client.post(url, {"role": "student"})
    alice_seat.refresh_from_db()
    assert alice_seat.role == Membership.Role.STUDENT
    owner_seat = studio.memberships.get(user=studio_people["owner"])
    client.post(reverse("member_role", args=[studio.id, owner_seat.id]), {"role": "student"})
    client.post(url, {"role": "owner"})
    owner_seat.refresh_from_db()
    alice_seat.refresh_from_db()
    assert owner_seat.role == Membership.Role.OWNER and alice_seat.role == Membership.Role.STUDENT
