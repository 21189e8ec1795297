"""An attempt the learner ends before any beat is scored (a double-clicked Start) is incomplete:
no report score, and it neither counts under nor completes a lesson."""

import asyncio
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from coach.lessons import services as lessons
from coach.lessons.models import LessonAssignment
from coach.practice.attempt_status import finished_status
from coach.practice.models import Attempt
from coach.practice.services import start_attempt
from coach.review import services as review
from tests.coach.factories import make_routine
from tests.coach.socket_helpers import communicator, receive_until, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)

BEAT = {"index": 0, "time_s": 0.5, "overall": 64.0, "label": "Good"}


def test_only_an_attempt_with_a_scored_beat_is_complete():
    assert finished_status([]) == Attempt.Status.INCOMPLETE
    assert finished_status([{**BEAT, "overall": None}]) == Attempt.Status.INCOMPLETE
    assert finished_status([{**BEAT, "overall": None}, BEAT]) == Attempt.Status.COMPLETE
    assert finished_status([{**BEAT, "overall": 0.0}]) == Attempt.Status.COMPLETE


def test_an_attempt_ended_at_once_is_incomplete_and_counts_under_no_lesson(studio_people):
    people = studio_people
    routine = make_routine(people["instructor"])
    lesson = lessons.assign_lesson(
        people["studio"], people["instructor"], routine, students=[people["alice"]], title="Box step",
        due_at=timezone.now() + timedelta(days=3), target_score=0.0, notes="",
    )  # fmt: skip
    attempt = start_attempt(people["alice"], routine, pose_format="mediapipe33", mirror="auto")
    cookie = session_cookie(people["alice"])

    async def start_and_stop():
        socket = communicator(f"/ws/practice/{attempt.id}/", cookie)
        await socket.connect()
        await receive_until(socket, "ready")
        await socket.send_to(text_data=json.dumps({"type": "end"}))
        summary = (await receive_until(socket, "summary"))[-1]
        await socket.disconnect()
        return summary

    asyncio.run(start_and_stop())
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.INCOMPLETE
    assert attempt.finished_at is not None
    assert lesson.assignments.get().status == LessonAssignment.Status.TODO
    (row,) = review.lesson_results(lesson)
    assert row.attempts == 0
