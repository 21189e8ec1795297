"""A live class across two server processes on the Redis channel layer: the learner's socket on
one, the instructor's board on the other; the start time and every beat cross between them."""

import asyncio
import json

import pytest
import websockets
from django.test import Client

from coach.classes import services as classes
from coach.routines.services import store_routine
from scoring.validate import SAME_BPM, aist_attempt, aist_routine
from tests.coach.factories import make_song

pytestmark = [pytest.mark.distributed, pytest.mark.slow]
DANCE = SAME_BPM[1]
BATCH = 12  # frames per message: 200 ms of this 60 fps recording


def cookie_for(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


async def receive_until(ws, test, timeout=30):
    """Messages up to and including the first for which `test(message)` holds (pings answered)."""
    seen = []
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), timeout=timeout))
        if message["type"] == "ping":
            await ws.send(
                json.dumps(
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


def test_the_board_on_one_process_gets_the_beats_of_a_learner_on_another(
    web_server, second_web_server, studio_people
):
    instructor, alice = studio_people["instructor"], studio_people["alice"]
    routine = aist_routine(DANCE)
    routine.update(style="break", level="beginner", seed=0, model="recorded")
    stored = store_routine(make_song(instructor), instructor, routine)
    class_session = classes.open_class(
        instructor, studio_people["studio"], stored, title="Across processes"
    )
    classes.join_class(alice, class_session, pose_format="coco17")
    recording = aist_attempt(DANCE, 2)
    times, frames = recording["timestamps_ms"], recording["frames"]
    board_cookie, learner_cookie = cookie_for(instructor), cookie_for(alice)
    instructor_client = Client()
    instructor_client.force_login(instructor)

    async def lesson():
        board_url = f"ws://{web_server}/ws/classes/{class_session.id}/board/"
        learner_url = f"ws://{second_web_server}/ws/classes/{class_session.id}/learn/"
        board_headers = {"Cookie": board_cookie, "Origin": f"http://{web_server}"}
        learner_headers = {"Cookie": learner_cookie, "Origin": f"http://{second_web_server}"}
        async with (
            websockets.connect(board_url, additional_headers=board_headers) as board,
            websockets.connect(
                learner_url, additional_headers=learner_headers, max_size=2**22
            ) as learner,
        ):
            await receive_until(board, lambda m: m["type"] == "board")
            await receive_until(learner, lambda m: m["type"] == "class_state")
            await receive_until(board, lambda m: m["type"] == "learner" and m["connected"])
            # Start through the first process's page; the learner on the second hears it.
            started = await asyncio.to_thread(
                instructor_client.post, f"/classes/{class_session.id}/start/"
            )
            learner_start = (await receive_until(learner, lambda m: m["type"] == "class_state"))[-1]
            # Keep reading the board meanwhile (an unread socket stops answering keepalive pings).
            rows = asyncio.ensure_future(
                receive_until(
                    board, lambda m: m["type"] == "learner" and m["finished"], timeout=120
                )
            )
            beats = []
            for seq, first in enumerate(range(0, len(times), BATCH)):
                await learner.send(
                    json.dumps(
                        {
                            "type": "frames",
                            "seq": seq,
                            "format": "coco17",
                            "timestamps_ms": times[first : first + BATCH],
                            "frames": frames[first : first + BATCH],
                            "image_size": [1920, 1080],
                        }
                    )
                )
                replies = await receive_until(learner, lambda m: m["type"] == "ack")
                beats += [m for m in replies if m["type"] == "beat"]
            await learner.send(json.dumps({"type": "end"}))
            await receive_until(learner, lambda m: m["type"] == "summary")
            rows = await rows
        return started.json(), learner_start, beats, rows

    started, learner_start, beats, rows = asyncio.run(lesson())
    assert (
        learner_start["status"] == "running"
        and learner_start["starts_at_ms"] == started["starts_at_ms"]
    )
    assert len(beats) >= 12
    rows = [row for row in rows if row["type"] == "learner"]
    live_rows = [row for row in rows if row["last"] and not row["finished"]]
    assert [row["last"]["index"] for row in live_rows] == [beat["index"] for beat in beats]
    assert [row["last"]["label"] for row in live_rows] == [beat["label"] for beat in beats]
    assert all(row["name"] == "alice" for row in rows)
