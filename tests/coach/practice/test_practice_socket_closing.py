"""Issue 16, findings 3 and 4: every way a practice socket ends leaves the attempt marked, frees the
server-side pose tracker and tells the class board; and a second socket on the same attempt
takes it over, so nothing acknowledged is left unstored.

The closing tests go through the product's real web server (uvicorn, `asgi_live_server`): it is
uvicorn that refuses a send after a close, which is how the old code lost its clean-up.
"""

import asyncio
import gc
import json
import logging

import numpy as np
import pytest
import websockets

from coach.classes import services as classes
from coach.classes.models import ClassSession
from coach.practice.messages import MAX_ERRORS
from coach.practice.models import Attempt, PoseBatch
from coach.practice.pose_tracking import ServerPoseTracker
from coach.practice.services import start_attempt
from tests.coach.factories import make_routine
from tests.coach.practice.test_pose_fallback import video_jpegs
from tests.coach.socket_helpers import close_code, communicator, receive_until, session_cookie
from tests.waiting import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def status_of(attempt):
    return Attempt.objects.values_list("status", flat=True).get(pk=attempt.pk)


async def recv_json(ws, timeout=10):
    """The next message that is not a clock ping (pings are answered)."""
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), timeout))
        if message["type"] != "ping":
            return message
        await ws.send(
            json.dumps(
                {
                    "type": "pong",
                    "server_time_ms": message["server_time_ms"],
                    "client_time_ms": 1.0e12,
                }
            )
        )


async def until_closed(ws, timeout=10):
    with pytest.raises(websockets.ConnectionClosed):
        while True:
            await asyncio.wait_for(ws.recv(), timeout)
    return ws.close_code


def connect(server, path, cookie):
    host = server.url.removeprefix("http://")
    headers = {"Cookie": cookie.decode(), "Origin": server.url}
    return websockets.connect(f"ws://{host}{path}", additional_headers=headers)


@pytest.fixture
def no_asgi_errors(caplog):
    caplog.set_level(logging.ERROR)
    yield
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert not [
        e for e in errors if "Unexpected ASGI message" in e or "Exception in ASGI application" in e
    ], errors


@pytest.mark.parametrize(
    ("burst", "expected"),
    [
        # One more than the limit of refused messages, then a few more already on their way.
        (['{"type": "dance"}'] * (MAX_ERRORS + 5), 4400),
        (['{"type": "calibration", "audio_latency_ms": 20}'] * 200, 4429),
    ],
    ids=["refused messages", "flood"],
)
def test_a_socket_the_server_closes_leaves_the_attempt_incomplete(
    make_user, asgi_live_server, no_asgi_errors, burst, expected
):
    learner = make_user("alice")
    attempt = start_attempt(learner, make_routine(learner), pose_format="coco17")
    cookie = session_cookie(learner)

    async def misbehave():
        async with connect(asgi_live_server, f"/ws/practice/{attempt.id}/", cookie) as ws:
            assert (await recv_json(ws))["type"] == "ready"
            for raw in burst:
                try:
                    await ws.send(raw)
                except websockets.ConnectionClosed:
                    break
            return await until_closed(ws)

    assert asyncio.run(misbehave()) == expected
    assert wait_for(lambda: status_of(attempt) == Attempt.Status.INCOMPLETE), status_of(attempt)


def live_trackers():
    gc.collect()
    # type(), not isinstance(): gc also holds weak proxies, which raise once their object is gone.
    return [o for o in gc.get_objects() if type(o) is ServerPoseTracker and not o.closed]


@pytest.mark.slow
def test_the_server_pose_tracker_is_freed_when_the_server_closes_the_socket(
    make_user, asgi_live_server, no_asgi_errors
):
    learner = make_user("carla")
    attempt = start_attempt(learner, make_routine(learner), pose_format="mediapipe33")
    jpeg = video_jpegs(limit=1)[0]
    before = len(live_trackers())
    cookie = session_cookie(learner)

    async def practise_then_misbehave():
        async with connect(asgi_live_server, f"/ws/practice/{attempt.id}/", cookie) as ws:
            assert (await recv_json(ws))["type"] == "ready"
            await ws.send(
                json.dumps({"type": "image", "seq": 0, "timestamp_ms": 100, "jpeg": jpeg})
            )
            while (await recv_json(ws, timeout=60))["type"] != "ack":
                pass
            opened = len(live_trackers())
            for _ in range(MAX_ERRORS + 5):
                try:
                    await ws.send('{"type": "dance"}')
                except websockets.ConnectionClosed:
                    break
            return opened, await until_closed(ws)

    opened, code = asyncio.run(practise_then_misbehave())
    assert opened == before + 1 and code == 4400
    assert wait_for(lambda: len(live_trackers()) == before)
    assert status_of(attempt) == Attempt.Status.INCOMPLETE


def test_the_board_hears_that_a_learner_the_server_closed_has_left(
    studio_people, asgi_live_server, no_asgi_errors
):
    instructor, alice = studio_people["instructor"], studio_people["alice"]
    class_session = classes.open_class(
        instructor, studio_people["studio"], make_routine(instructor), title="Tuesday"
    )
    seat = classes.join_class(alice, class_session, pose_format="coco17")
    instructor_cookie, alice_cookie = session_cookie(instructor), session_cookie(alice)

    async def run():
        async with connect(
            asgi_live_server, f"/ws/classes/{class_session.id}/board/", instructor_cookie
        ) as board:
            assert (await recv_json(board))["type"] == "board"
            async with connect(
                asgi_live_server, f"/ws/classes/{class_session.id}/learn/", alice_cookie
            ) as ws:
                while (await recv_json(ws))["type"] != "class_state":
                    pass
                for _ in range(MAX_ERRORS + 5):
                    try:
                        await ws.send('{"type": "dance"}')
                    except websockets.ConnectionClosed:
                        break
                code = await until_closed(ws)
            rows = []
            while not rows or rows[-1]["connected"]:
                message = await recv_json(board)
                if message["type"] == "learner":
                    rows.append(message)
            return code, rows

    code, rows = asyncio.run(run())
    assert code == 4400
    assert rows[0]["connected"] and not rows[-1]["connected"] and not rows[-1]["finished"]
    assert wait_for(lambda: status_of(seat.attempt) == Attempt.Status.INCOMPLETE)
    assert ClassSession.objects.get(pk=class_session.pk).status == ClassSession.Status.OPEN


# ---- finding 4: two sockets on one attempt -------------------------------------------------


def frames_message(seq, value):
    """A COCO-17 batch of two frames, every coordinate `value` (so batches can be told apart)."""
    return json.dumps(
        {
            "type": "frames",
            "seq": seq,
            "format": "coco17",
            "timestamps_ms": [100.0 * seq, 100.0 * seq + 50],
            "frames": np.full((2, 17, 3), value, np.float32).tolist(),
            "image_size": [640, 480],
        }
    )


def test_a_second_socket_takes_the_attempt_over_and_the_first_is_closed(make_user):
    learner = make_user("alice")
    attempt = start_attempt(learner, make_routine(learner), pose_format="coco17")
    cookie = session_cookie(learner)
    path = f"/ws/practice/{attempt.id}/"

    async def two_tabs():
        first, second = communicator(path, cookie), communicator(path, cookie)
        await first.connect()
        await receive_until(first, "ready")
        await second.connect()
        await receive_until(second, "ready")
        # Both send batches 0-3, with different frames; only the newest socket's may be stored.
        first_replies = []
        for seq in range(4):
            await first.send_to(text_data=frames_message(seq, 0.25))
        code = None
        while code is None:
            output = await first.receive_output(timeout=10)
            if output["type"] == "websocket.close":
                code = output["code"]
            else:
                first_replies.append(json.loads(output["text"]))
        second_acks = []
        for seq in range(4):
            await second.send_to(text_data=frames_message(seq, 0.75))
            second_acks.append((await receive_until(second, "ack"))[-1]["seq"])
        await second.send_to(text_data=json.dumps({"type": "end"}))
        await receive_until(second, "summary")
        await first.disconnect()
        await second.disconnect()
        return first_replies, code, second_acks

    first_replies, code, second_acks = asyncio.run(two_tabs())
    assert code == 4409
    assert not [m for m in first_replies if m["type"] == "ack"], (
        "the replaced socket acknowledged nothing"
    )
    assert second_acks == [0, 1, 2, 3]
    stored = list(PoseBatch.objects.filter(attempt=attempt).order_by("seq"))
    assert [batch.seq for batch in stored] == [0, 1, 2, 3]
    from coach.practice.storage import attempt_poses

    assert np.all(attempt_poses(attempt)["frames"] == np.float32(0.75)), (
        "every stored frame is the second socket's"
    )
    attempt.refresh_from_db()
    assert attempt.finished_at is not None, "the second socket's end was accepted"


def test_a_replaced_socket_that_ends_or_drops_does_not_touch_the_attempt(make_user):
    learner = make_user("alice")
    attempt = start_attempt(learner, make_routine(learner), pose_format="coco17")
    cookie = session_cookie(learner)
    path = f"/ws/practice/{attempt.id}/"

    async def two_tabs():
        first, second = communicator(path, cookie), communicator(path, cookie)
        await first.connect()
        await receive_until(first, "ready")
        await second.connect()
        await receive_until(second, "ready")
        await first.send_to(text_data=json.dumps({"type": "end"}))
        first_code = await close_code(first)
        await second.send_to(text_data=frames_message(0, 0.5))
        await receive_until(second, "ack")
        await first.disconnect()
        status_while_second_is_open = await asyncio.to_thread(status_of, attempt)
        await second.disconnect()
        return first_code, status_while_second_is_open

    first_code, status_while_open = asyncio.run(two_tabs())
    assert first_code == 4409
    assert status_while_open == Attempt.Status.IN_PROGRESS
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.INCOMPLETE and attempt.batches.count() == 1
