"""The practice socket, end to end in-process: a real recording streamed in batches, scored live.

The routine is AIST++'s triangulated 3D dance; the learner is camera c03's 2D detections of the
same dance (COCO-17), sent as the browser would: ~100 ms batches with sequence numbers.
"""

import asyncio
import io
import json

import numpy as np
import pytest

from coach.practice.models import Attempt, PoseBatch
from coach.practice.services import beats_so_far, start_attempt
from coach.routines.services import store_routine
from scoring.validate import SAME_BPM, aist_attempt, aist_routine
from tests.coach.factories import make_song
from tests.coach.socket_helpers import communicator as socket_communicator
from tests.coach.socket_helpers import receive_until, session_cookie
from tests.waiting import wait_for

pytestmark = pytest.mark.django_db(transaction=True)
DANCE = SAME_BPM[1]
BATCH = 12  # frames per message: 200 ms of this 60 fps recording (within the rate limit's burst)


@pytest.fixture(scope="module")
def recording():
    attempt = aist_attempt(DANCE, 2)
    return np.asarray(attempt["timestamps_ms"]), np.asarray(attempt["frames"], dtype=np.float32)


@pytest.fixture
def attempt(make_user):
    learner = make_user("alice")
    routine = aist_routine(DANCE)
    routine.update(style="break", level="beginner", seed=0, model="recorded")
    stored = store_routine(make_song(learner), learner, routine)
    return start_attempt(learner, stored, pose_format="coco17", mirror="off")


def communicator(attempt_id, cookie):
    return socket_communicator(f"/ws/practice/{attempt_id}/", cookie)


def batches(recording, start=0, stop=None):
    times, frames = recording
    stop = len(times) if stop is None else stop
    for seq, first in enumerate(range(0, len(times), BATCH)):
        if first >= stop:
            break
        if first >= start:
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


def test_a_whole_attempt_is_scored_beat_by_beat_and_stored(attempt, recording):
    cookie = session_cookie(attempt.learner)

    async def practise():
        socket = communicator(attempt.id, cookie)
        connected, _ = await socket.connect()
        assert connected
        ready = (await receive_until(socket, "ready"))[-1]
        assert ready["acked_seq"] == -1
        beats, acks = [], []
        for batch in batches(recording):
            await socket.send_to(text_data=json.dumps(batch))
            for message in await receive_until(socket, "ack"):
                if message["type"] in ("beat", "ack"):
                    (beats if message["type"] == "beat" else acks).append(message)
        await socket.send_to(text_data=json.dumps({"type": "end"}))
        summary = (await receive_until(socket, "summary"))[-1]
        await socket.disconnect()
        return beats, acks, summary

    beats, acks, summary = run(practise())
    n_batches = len(list(batches(recording)))
    assert [a["seq"] for a in acks] == list(range(n_batches))
    assert len(beats) >= 12, "most of the 16 beats are reported live, before the end"
    assert {"index", "timing_offset_ms", "accuracy", "label", "parts", "fix"} <= set(beats[0])
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.COMPLETE
    assert len(attempt.beat_results) >= len(beats) and attempt.summary == summary["summary"]
    assert summary["report_url"] == f"/attempts/{attempt.id}/"
    # The same dance seen from another camera scores well.
    assert summary["summary"]["accuracy"] > 60
    assert PoseBatch.objects.filter(attempt=attempt).count() == n_batches
    assert attempt.clock_offset_ms is not None and attempt.rtt_ms is not None


def test_a_dropped_connection_loses_nothing(attempt, recording):
    all_batches = list(batches(recording))
    half = len(all_batches) // 2

    cookie = session_cookie(attempt.learner)

    async def practise():
        socket = communicator(attempt.id, cookie)
        await socket.connect()
        await receive_until(socket, "ready")
        for batch in all_batches[:half]:
            await socket.send_to(text_data=json.dumps(batch))
            await receive_until(socket, "ack")
        await socket.disconnect()  # the network drops mid-song

        socket = communicator(attempt.id, cookie)
        await socket.connect()
        ready = (await receive_until(socket, "ready"))[-1]
        # The client resends from one batch before the acknowledged one: that one is a duplicate.
        for batch in all_batches[ready["acked_seq"] :]:
            await socket.send_to(text_data=json.dumps(batch))
            await receive_until(socket, "ack")
        await socket.send_to(text_data=json.dumps({"type": "end"}))
        summary = (await receive_until(socket, "summary"))[-1]
        await socket.disconnect()
        return ready, summary

    ready, summary = run(practise())
    assert ready["acked_seq"] == half - 1
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.COMPLETE
    assert PoseBatch.objects.filter(attempt=attempt).count() == len(all_batches)
    indexes = [b["index"] for b in attempt.beat_results]
    assert indexes == sorted(set(indexes)), "no beat is stored twice"


def test_an_interrupted_attempt_is_kept_as_incomplete(attempt, recording):
    cookie = session_cookie(attempt.learner)

    async def practise():
        socket = communicator(attempt.id, cookie)
        await socket.connect()
        await receive_until(socket, "ready")
        for batch in list(batches(recording))[:20]:
            await socket.send_to(text_data=json.dumps(batch))
            await receive_until(socket, "ack")
        await socket.disconnect()

    run(practise())
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.INCOMPLETE
    assert attempt.batches.count() == 20


BAD_MESSAGES = [
    ("not json at all", "bad_json"),
    ("[1, 2, 3]", "bad_message"),
    (json.dumps({"type": "dance"}), "bad_message"),
    (json.dumps({"type": "frames", "seq": "zero"}), "bad_message"),
    (
        json.dumps(
            {"type": "frames", "seq": 5, "timestamps_ms": [0], "frames": [[[0, 0, 1]] * 17]}
        ),
        "out_of_order",
    ),
    (
        json.dumps(
            {"type": "frames", "seq": 0, "timestamps_ms": [0, 1], "frames": [[[0, 0, 1]] * 17]}
        ),
        "bad_frames",
    ),
    (
        json.dumps({"type": "frames", "seq": 0, "timestamps_ms": [0], "frames": [[[0, 0, 1]] * 5]}),
        "bad_frames",
    ),
    # NaN and infinity are not JSON: refused by the parser, before any validation.
    ('{"type": "frames", "seq": 0, "timestamps_ms": [0], "frames": [[[NaN, 0, 1]]]}', "bad_json"),
    (
        '{"type": "frames", "seq": 0, "timestamps_ms": [1e999], "frames": [[[0, 0, 1]] * 17]}',
        "bad_json",
    ),
    (json.dumps({"type": "calibration", "audio_latency_ms": -5}), "bad_message"),
    ("x" * 70_000, "too_big"),
]


@pytest.mark.parametrize(("raw", "code"), BAD_MESSAGES)
def test_bad_messages_get_an_error_and_change_nothing(attempt, recording, raw, code):
    cookie = session_cookie(attempt.learner)

    async def practise():
        socket = communicator(attempt.id, cookie)
        await socket.connect()
        await receive_until(socket, "ready")
        await socket.send_to(text_data=raw)
        error = (await receive_until(socket, "error"))[-1]
        # The connection still works afterwards.
        await socket.send_to(text_data=json.dumps(next(batches(recording))))
        ack = (await receive_until(socket, "ack"))[-1]
        await socket.disconnect()
        return error, ack

    error, ack = run(practise())
    assert error["code"] == code and error["message"]
    assert ack["seq"] == 0
    attempt.refresh_from_db()
    assert attempt.batches.count() == 1


def test_timestamps_going_backwards_are_refused(attempt, recording):
    first, second = list(batches(recording))[2:4]
    first["seq"], second["seq"] = 0, 1
    second["timestamps_ms"] = [t - 1000 for t in second["timestamps_ms"]]

    cookie = session_cookie(attempt.learner)

    async def practise():
        socket = communicator(attempt.id, cookie)
        await socket.connect()
        await receive_until(socket, "ready")
        await socket.send_to(text_data=json.dumps(first))
        await receive_until(socket, "ack")
        await socket.send_to(text_data=json.dumps(second))
        error = (await receive_until(socket, "error"))[-1]
        await socket.disconnect()
        return error

    assert run(practise())["code"] == "bad_frames"
    assert attempt.batches.count() == 1


def test_a_flood_closes_the_socket(attempt):
    cookie = session_cookie(attempt.learner)

    async def practise():
        socket = communicator(attempt.id, cookie)
        await socket.connect()
        await receive_until(socket, "ready")
        for _ in range(200):
            await socket.send_to(text_data='{"type": "calibration", "audio_latency_ms": 20}')
        while True:
            output = await socket.receive_output(timeout=10)
            if output["type"] == "websocket.close":
                return output["code"]

    assert run(practise()) == 4429


@pytest.mark.parametrize("who", ["bob", "anonymous"])
def test_nobody_else_can_open_the_socket(attempt, make_user, who):
    cookie = session_cookie(make_user("bob")) if who == "bob" else None

    async def practise():
        socket = communicator(attempt.id, cookie)
        await socket.connect()
        while True:
            output = await socket.receive_output(timeout=5)
            if output["type"] == "websocket.close":
                return output["code"]

    assert run(practise()) == 4403


def test_camera_images_are_tracked_on_the_server(make_user):
    from tests.coach.practice.test_pose_fallback import video_jpegs

    learner = make_user("carla")
    routine = aist_routine(DANCE)
    routine.update(style="break", level="beginner", seed=0, model="recorded")
    stored = store_routine(make_song(learner), learner, routine)
    attempt = start_attempt(learner, stored, pose_format="mediapipe33", mirror="auto")
    cookie = session_cookie(learner)
    jpegs = video_jpegs(limit=6)

    async def practise():
        socket = communicator(attempt.id, cookie)
        await socket.connect()
        await receive_until(socket, "ready")
        for seq, jpeg in enumerate(jpegs):
            await socket.send_to(
                text_data=json.dumps(
                    {"type": "image", "seq": seq, "timestamp_ms": 1000 + 200 * seq, "jpeg": jpeg}
                )
            )
            await receive_until(socket, "ack", timeout=30)
        await socket.send_to(
            text_data=json.dumps(
                {"type": "image", "seq": len(jpegs), "timestamp_ms": 9000, "jpeg": "eA=="}
            )
        )
        error = (await receive_until(socket, "error"))[-1]
        await socket.disconnect()
        return error

    assert run(practise())["code"] == "bad_frames"
    batches_stored = list(PoseBatch.objects.filter(attempt=attempt))
    assert len(batches_stored) == len(jpegs)
    frames = np.load(io.BytesIO(bytes(batches_stored[-1].frames)))
    assert frames.shape == (1, 33, 4) and batches_stored[-1].image_size == [180, 320]


def test_a_batch_that_reaches_a_flush_time_gets_its_beat_back_at_once(attempt, recording):
    """The client sends a batch when a frame reaches one of `flush_at_ms` (static/js/
    practice-socket.js); the reply to that batch carries the beat it completed (no look-ahead),
    and the frames just before it do not complete it."""
    times, frames = np.round(recording[0], 1), recording[1]  # the client's 0.1 ms stamps
    cookie = session_cookie(attempt.learner)

    async def practise():
        socket = communicator(attempt.id, cookie)
        await socket.connect()
        ready = (await receive_until(socket, "ready"))[-1]
        flush_at = np.asarray(ready["flush_at_ms"])
        replies, first, seq = [], 0, 0
        for flush in flush_at[:5]:
            reached = int(np.searchsorted(times, flush))  # the first frame at or after it
            for stop in (reached, reached + 1):  # up to just before the flush time, then that frame
                await socket.send_to(
                    text_data=json.dumps(
                        {
                            "type": "frames",
                            "seq": seq,
                            "format": "coco17",
                            "timestamps_ms": times[first:stop].tolist(),
                            "frames": frames[first:stop].tolist(),
                            "image_size": [1920, 1080],
                        }
                    )
                )
                replies.append(
                    [m["index"] for m in await receive_until(socket, "ack") if m["type"] == "beat"]
                )
                first, seq = stop, seq + 1
        await socket.disconnect()
        return flush_at, replies

    flush_at, replies = run(practise())
    beats = aist_routine(DANCE)["beats"]
    assert len(flush_at) == len(beats)
    # Each flush time is its beat's last grid frame: one grid frame before the next beat.
    assert all(
        0 < next_beat * 1000 - f <= 1000 / 30 + 0.1
        for f, next_beat in zip(flush_at[:-1], beats[1:], strict=True)
    )
    assert replies == [[], [0], [], [1], [], [2], [], [3], [], [4]]
    # Each beat was stored with the batch that completed it; the attempt's own list is written
    # when it ends (the disconnect above interrupted it), and both agree.
    stored = PoseBatch.objects.filter(attempt=attempt).order_by("seq")
    assert [[beat["index"] for beat in batch.beats] for batch in stored] == replies
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.INCOMPLETE
    assert [beat["index"] for beat in attempt.beat_results] == [0, 1, 2, 3, 4]
    assert beats_so_far(attempt) == attempt.beat_results


def test_the_real_server_refuses_big_messages_and_closes_on_huge_ones(attempt, asgi_live_server):
    """Through the product's web server (coach.config.serve): a message over the socket's 64 KiB gets
    `too_big` and the socket stays open; one over the server's own limit is not read, and the
    socket closes with 1009. Nothing from either is stored."""
    import websockets

    from coach.config.serve import MAX_MESSAGE_BYTES

    host = asgi_live_server.url.removeprefix("http://")
    headers = {"Cookie": session_cookie(attempt.learner).decode(), "Origin": asgi_live_server.url}

    async def send_big_then_huge():
        async with websockets.connect(
            f"ws://{host}/ws/practice/{attempt.id}/", additional_headers=headers
        ) as ws:
            assert json.loads(await ws.recv())["type"] == "ready"
            await ws.send("x" * 70_000)
            replies = []
            while not replies or replies[-1]["type"] == "ping":
                replies.append(json.loads(await ws.recv()))
            # The server may close while the huge frame is still going out, so the send itself can be
            # what sees the close.
            with pytest.raises(websockets.ConnectionClosed):
                await ws.send("x" * (MAX_MESSAGE_BYTES + 1))
                while True:
                    await asyncio.wait_for(ws.recv(), timeout=10)
            return replies[-1], ws.close_code

    refusal, close_code = run(send_big_then_huge())
    assert refusal["type"] == "error" and refusal["code"] == "too_big"
    assert close_code == 1009
    # The server marks the attempt incomplete after the close, in its own thread; waiting for it
    # also keeps this test's database flush from racing that write.
    assert wait_for(lambda: Attempt.objects.get(pk=attempt.pk).status == Attempt.Status.INCOMPLETE)
    assert not PoseBatch.objects.filter(attempt=attempt).exists()
