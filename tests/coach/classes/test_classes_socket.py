"""Live class sockets in-process: a learner's seat and the instructor's board on one channel layer.

The routine is AIST++'s triangulated 3D dance; the learner is camera c03's 2D detections of the
same dance (COCO-17), sent in ~200 ms batches as in tests/coach/practice/test_practice_socket.py.
"""

import asyncio
import json

import numpy as np
import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from coach.classes import services as classes
from coach.classes.models import ClassSession
from coach.config.asgi import application
from coach.practice.models import Attempt
from coach.routines.services import store_routine
from scoring.validate import SAME_BPM, aist_attempt, aist_routine
from tests.coach.factories import make_song
from tests.coach.practice.test_practice_socket import BATCH, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)
DANCE = SAME_BPM[1]


@pytest.fixture(scope="module")
def recording():
    attempt = aist_attempt(DANCE, 2)
    return np.asarray(attempt["timestamps_ms"]), np.asarray(attempt["frames"], dtype=np.float32)


@pytest.fixture
def live_class(studio_people):
    instructor = studio_people["instructor"]
    routine = aist_routine(DANCE)
    routine.update(style="break", level="beginner", seed=0, model="recorded")
    stored = store_routine(make_song(instructor), instructor, routine)
    class_session = classes.open_class(
        instructor, studio_people["studio"], stored, title="Tuesday break"
    )
    return {**studio_people, "class": class_session}


def socket(path, cookie):
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    if cookie is not None:
        headers.append((b"cookie", cookie))
    return WebsocketCommunicator(application, path, headers=headers)


def learner_socket(class_session, cookie):
    return socket(f"/ws/classes/{class_session.id}/learn/", cookie)


def board_socket(class_session, cookie):
    return socket(f"/ws/classes/{class_session.id}/board/", cookie)


async def receive_until(ws, test, timeout=10):
    """Messages up to and including the first for which `test(message)` holds (pings answered)."""
    seen = []
    while True:
        message = json.loads(await ws.receive_from(timeout=timeout))
        if message["type"] == "ping":
            await ws.send_to(
                text_data=json.dumps(
                    {
                        "type": "pong",
                        "server_time_ms": message["server_time_ms"],
                        "client_time_ms": 1.0e12,
                    }
                )
            )
            continue
        seen.append(message)
        if test(message):
            return seen


def of_type(kind):
    return lambda message: message["type"] == kind


def frame_batches(recording, start=0, stop=None):
    times, frames = recording
    for seq, first in enumerate(range(0, len(times), BATCH)):
        if stop is not None and seq >= stop:
            break
        if seq >= start:
            yield {
                "type": "frames",
                "seq": seq,
                "format": "coco17",
                "timestamps_ms": times[first : first + BATCH].tolist(),
                "frames": frames[first : first + BATCH].tolist(),
                "image_size": [1920, 1080],
            }


def run(coroutine):
    return asyncio.run(coroutine)


@pytest.mark.slow
def test_the_board_sees_every_beat_of_a_learner_and_the_start_reaches_the_learner(
    live_class, recording
):
    class_session = live_class["class"]
    seat = classes.join_class(live_class["alice"], class_session, pose_format="coco17")
    alice, instructor = (
        session_cookie(live_class["alice"]),
        session_cookie(live_class["instructor"]),
    )

    async def lesson():
        board = board_socket(class_session, instructor)
        assert (await board.connect())[0]
        snapshot = (await receive_until(board, of_type("board")))[-1]
        learner = learner_socket(class_session, alice)
        assert (await learner.connect())[0]
        hello = await receive_until(learner, of_type("class_state"))
        assert hello[0]["type"] == "ready" and hello[-1]["status"] == "open"
        connected = (await receive_until(board, of_type("learner")))[-1]

        state = await database_sync_to_async(classes.start_class)(class_session)
        learner_start = (await receive_until(learner, of_type("class_state")))[-1]
        board_start = (await receive_until(board, of_type("class_state")))[-1]

        beats = []
        for batch in frame_batches(recording):
            await learner.send_to(text_data=json.dumps(batch))
            beats += [
                m for m in await receive_until(learner, of_type("ack")) if m["type"] == "beat"
            ]
        await learner.send_to(text_data=json.dumps({"type": "end"}))
        await receive_until(learner, of_type("summary"))
        rows = await receive_until(board, lambda m: m["type"] == "learner" and m["finished"])
        await learner.disconnect()
        await board.disconnect()
        return snapshot, connected, state, learner_start, board_start, beats, rows

    snapshot, connected, state, learner_start, board_start, beats, rows = run(lesson())
    assert [row["name"] for row in snapshot["learners"]] == ["alice"]
    assert snapshot["learners"][0]["connected"] is False and snapshot["class"]["status"] == "open"
    assert connected["connected"] is True and connected["attempt"] == str(seat.attempt_id)
    # Everyone receives the same start time, a few seconds ahead on the server clock.
    assert learner_start["starts_at_ms"] == board_start["starts_at_ms"] == state["starts_at_ms"]
    assert (
        learner_start["starts_at_ms"] - learner_start["server_time_ms"]
        > 0.5 * classes.START_LEAD_MS
    )
    # One board row per live beat, in order, carrying that beat's label and the running score.
    live_rows = [row for row in rows if not row["finished"] and row["last"] is not None]
    assert len(beats) >= 12
    assert [row["last"]["index"] for row in live_rows] == [beat["index"] for beat in beats]
    assert [row["last"]["label"] for row in live_rows] == [beat["label"] for beat in beats]
    assert live_rows[-1]["score"] == pytest.approx(np.mean([b["overall"] for b in beats]), abs=0.05)
    final = rows[-1]
    assert final["finished"] is True and final["connected"] is False
    seat.attempt.refresh_from_db()
    assert seat.attempt.status == Attempt.Status.COMPLETE
    assert final["beats"] == len(seat.attempt.beat_results)


@pytest.mark.slow
def test_a_learner_who_drops_rejoins_in_sync_and_loses_nothing(live_class, recording):
    class_session = live_class["class"]
    seat = classes.join_class(live_class["alice"], class_session, pose_format="coco17")
    alice, instructor = (
        session_cookie(live_class["alice"]),
        session_cookie(live_class["instructor"]),
    )
    classes.start_class(class_session)
    n = len(list(frame_batches(recording)))

    async def lesson():
        board = board_socket(class_session, instructor)
        await board.connect()
        await receive_until(board, of_type("board"))
        learner = learner_socket(class_session, alice)
        await learner.connect()
        first = (await receive_until(learner, of_type("class_state")))[-1]
        for batch in frame_batches(recording, stop=n // 2):
            await learner.send_to(text_data=json.dumps(batch))
            await receive_until(learner, of_type("ack"))
        await learner.disconnect()  # the network drops mid-song
        away = (
            await receive_until(board, lambda m: m["type"] == "learner" and not m["connected"])
        )[-1]

        learner = learner_socket(class_session, alice)
        await learner.connect()
        hello = await receive_until(learner, of_type("class_state"))
        back = (await receive_until(board, lambda m: m["type"] == "learner" and m["connected"]))[-1]
        # The client resends from its last acknowledged batch, including one the server already has.
        for batch in frame_batches(recording, start=hello[0]["acked_seq"]):
            await learner.send_to(text_data=json.dumps(batch))
            await receive_until(learner, of_type("ack"))
        await learner.send_to(text_data=json.dumps({"type": "end"}))
        await receive_until(learner, of_type("summary"))
        await learner.disconnect()
        await board.disconnect()
        return first, away, hello, back

    first, away, hello, back = run(lesson())
    ready, rejoined = hello[0], hello[-1]
    assert ready["acked_seq"] == n // 2 - 1
    assert rejoined["status"] == "running" and rejoined["starts_at_ms"] == first["starts_at_ms"]
    assert away["beats"] == back["beats"] > 0 and back["beats"] == len(ready["beats"])
    assert seat.attempt.batches.count() == n
    assert list(seat.attempt.batches.values_list("seq", flat=True)) == list(range(n))


@pytest.mark.parametrize("who", ["outsider", "bob", None])
def test_a_learner_socket_without_a_seat_is_refused(live_class, who):
    cookie = session_cookie(live_class[who]) if who else None
    classes.join_class(live_class["alice"], live_class["class"])

    async def connect():
        ws = learner_socket(live_class["class"], cookie)
        connected, _ = await ws.connect()
        output = await ws.receive_output(timeout=5)
        await ws.disconnect()
        return connected, output

    _, output = run(connect())
    assert output["type"] == "websocket.close"
    assert output["code"] == (4403 if who is None else 4404)


@pytest.mark.parametrize("who", ["outsider", "alice", "instructor2", None])
def test_only_the_instructor_or_the_owner_opens_the_board(live_class, make_user, who):
    from coach.studios.models import Membership

    if who == "instructor2":
        user = make_user("ivan")
        Membership.objects.create(
            user=user, studio=live_class["studio"], role=Membership.Role.INSTRUCTOR
        )
    else:
        user = live_class[who] if who else None
    cookie = session_cookie(user) if user else None

    async def connect(u):
        ws = board_socket(live_class["class"], u)
        await ws.connect()
        output = await ws.receive_output(timeout=5)
        await ws.disconnect()
        return output

    output = run(connect(cookie))
    assert output["type"] == "websocket.close" and output["code"] == (4403 if who is None else 4404)
    owner_view = run(connect(session_cookie(live_class["owner"])))
    assert json.loads(owner_view["text"])["type"] == "board"


def test_an_ended_class_tells_its_learners(live_class):
    class_session = live_class["class"]
    classes.join_class(live_class["alice"], class_session)
    alice = session_cookie(live_class["alice"])

    async def lesson():
        learner = learner_socket(class_session, alice)
        await learner.connect()
        await receive_until(learner, of_type("class_state"))
        await database_sync_to_async(classes.end_class)(class_session)
        ended = (await receive_until(learner, of_type("class_state")))[-1]
        await learner.disconnect()
        return ended

    assert run(lesson())["status"] == ClassSession.Status.ENDED
