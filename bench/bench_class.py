"""Load benchmark of a live class: N simulated learners and the instructor's board, one server.

The server is one process (coach.config.serve) pinned to one core (`taskset -c 0`). The instructor's board
socket is connected first; the class is started over HTTP as the board page does; then every
learner replays the same real recorded landmark stream (AIST++ camera c03, COCO-17 2D at 30 fps)
over its class socket, batched as the browser does (see bench_live.py) and stamped on the song
clock, starting at the class's `starts_at_ms`, and answers the clock pings.

Measured: for every (learner, beat), the delay from the beat's end on the song clock
(`starts_at_ms` + the beat's end time) to the board receiving that learner's row for that beat.
It includes the client's batching (a batch leaves when a frame completes a beat) and the
fan-out to the board; the target is within 1 s.

    nice -n 10 python bench/bench_class.py --learners 30 --seconds 20 [--redis redis://127.0.0.1:6379/0]
"""

import argparse
import asyncio
import json
import os
import secrets
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np
from bench_live import DANCE, batches, keep_off_server_core, one_core_server, recorded_stream

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def prepare(tmp: Path, n_learners: int):
    """A fresh database in `tmp` with a studio, its instructor, N students seated in one class."""
    os.environ.update(
        DATABASE_URL=f"sqlite:///{tmp / 'bench.sqlite3'}", MEDIA_ROOT=str(tmp / "media")
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coach.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from coach.accounts.models import User
    from coach.classes import services as classes
    from coach.routines.services import store_routine
    from coach.songs.models import Song
    from coach.studios.models import Membership
    from coach.studios.services import create_studio
    from scoring.validate import aist_routine

    call_command("migrate", verbosity=0)

    def cookie(user):
        client = Client()
        client.force_login(user)
        return client.cookies["sessionid"].value

    instructor = User.objects.create_user("bench-instructor", password="x")
    studio = create_studio(instructor, "Bench studio")
    routine = aist_routine(DANCE)
    routine.update(style="street-jazz", level="advanced", seed=0, model="recorded")
    song = Song.objects.create(
        owner=instructor, title="bench", audio="songs/none.wav", duration_s=32.0
    )
    class_session = classes.open_class(
        instructor, studio, store_routine(song, instructor, routine), title="Bench class"
    )
    learners = []
    for i in range(n_learners):
        user = User.objects.create_user(f"learner{i}")  # force_login needs no password
        Membership.objects.create(user=user, studio=studio, role=Membership.Role.STUDENT)
        classes.join_class(user, class_session, pose_format="coco17")
        learners.append(cookie(user))
    return str(class_session.id), cookie(instructor), learners, routine["beats"]


def start_class(port, class_id, instructor_cookie) -> float:
    """POST the board's Start; returns the class's starts_at_ms (server clock, this machine's)."""
    token = secrets.token_hex(16)  # a 32-character CSRF secret, sent as cookie and header
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/classes/{class_id}/start/",
        method="POST",
        headers={
            "Cookie": f"sessionid={instructor_cookie}; csrftoken={token}",
            "X-CSRFToken": token,
        },
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["starts_at_ms"]


async def board(port, class_id, cookie, beat_ends, n_learners, results, started, done):
    """The instructor's board: the delay of each (learner, beat) row after the beat's end."""
    import websockets

    url = f"ws://127.0.0.1:{port}/ws/classes/{class_id}/board/"
    headers = {"Cookie": f"sessionid={cookie}", "Origin": f"http://127.0.0.1:{port}"}
    seen, finished = set(), set()
    async with websockets.connect(url, additional_headers=headers, max_size=2**22) as ws:
        started.set_result(None)
        while len(finished) < n_learners:
            message = json.loads(await ws.recv())
            if message["type"] != "learner":
                continue
            if message["finished"]:
                finished.add(message["learner"])
                continue
            last = message["last"]
            if last is None or (message["learner"], last["index"]) in seen:
                continue
            seen.add((message["learner"], last["index"]))
            beat_end_ms = results["starts_at_ms"] + beat_ends[last["index"]] * 1000
            results["board_ms"].append(time.time() * 1000 - beat_end_ms)
    done.set()


async def learner(port, class_id, cookie, times, frames, results):
    import websockets

    url = f"ws://127.0.0.1:{port}/ws/classes/{class_id}/learn/"
    headers = {"Cookie": f"sessionid={cookie}", "Origin": f"http://127.0.0.1:{port}"}
    async with websockets.connect(url, additional_headers=headers, max_size=2**22) as ws:
        running = asyncio.get_running_loop().create_future()
        flush_at = asyncio.get_running_loop().create_future()

        async def reader():
            async for raw in ws:
                message = json.loads(raw)
                if message["type"] == "ping":
                    await ws.send(
                        json.dumps(
                            {
                                "type": "pong",
                                "server_time_ms": message["server_time_ms"],
                                "client_time_ms": time.time() * 1000,
                            }
                        )
                    )
                elif message["type"] == "ready" and not flush_at.done():
                    flush_at.set_result(np.asarray(message["flush_at_ms"]))
                elif (
                    message["type"] == "class_state"
                    and message["status"] == "running"
                    and not running.done()
                ):
                    running.set_result(message["starts_at_ms"])
                elif message["type"] == "error":
                    results["errors"] += 1
                elif message["type"] == "summary":
                    return

        reading = asyncio.ensure_future(reader())
        results["connected"] += 1
        start_wall = await running / 1000  # the song starts here on every learner's clock
        for seq, chunk in enumerate(batches(times, await flush_at)):
            await asyncio.sleep(max(0.0, start_wall + times[chunk][-1] / 1000 - time.time()))
            await ws.send(
                json.dumps(
                    {
                        "type": "frames",
                        "seq": seq,
                        "format": "coco17",
                        "timestamps_ms": times[chunk].tolist(),
                        "frames": frames[chunk].round(2).tolist(),
                        "image_size": [1920, 1080],
                    }
                )
            )
        await ws.send(json.dumps({"type": "end"}))
        await asyncio.wait_for(reading, timeout=120)
    results["completed"] += 1


async def run_class(port, class_id, instructor_cookie, learner_cookies, times, frames, beat_ends):
    results = {"board_ms": [], "errors": 0, "connected": 0, "completed": 0, "starts_at_ms": None}
    loop = asyncio.get_running_loop()
    started, done = loop.create_future(), asyncio.Event()
    watching = asyncio.ensure_future(
        board(
            port,
            class_id,
            instructor_cookie,
            beat_ends,
            len(learner_cookies),
            results,
            started,
            done,
        )
    )
    await started
    dancing = [
        asyncio.ensure_future(learner(port, class_id, c, times, frames, results))
        for c in learner_cookies
    ]
    while results["connected"] < len(learner_cookies):
        await asyncio.sleep(0.1)
    results["starts_at_ms"] = await asyncio.to_thread(
        start_class, port, class_id, instructor_cookie
    )
    await asyncio.gather(*dancing)
    await asyncio.wait_for(done.wait(), timeout=60)
    await watching
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--learners", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--redis", default="", help="REDIS_URL for the server's channel layer")
    args = parser.parse_args(argv)
    keep_off_server_core()
    with tempfile.TemporaryDirectory() as tmp:
        class_id, instructor_cookie, learner_cookies, beats = prepare(Path(tmp), args.learners)
        beat_ends = list(beats[1:]) + [beats[-1] + (beats[-1] - beats[-2])]
        times, frames = recorded_stream(args.seconds)
        with one_core_server(args.redis) as (port, _):
            results = asyncio.run(
                run_class(
                    port, class_id, instructor_cookie, learner_cookies, times, frames, beat_ends
                )
            )
    delays = np.asarray(results["board_ms"])
    beats_due = sum(1 for end in beat_ends if end <= args.seconds)
    row = {
        "learners": args.learners,
        "mode": "redis" if args.redis else "default",
        "seconds": args.seconds,
        "board_rows": len(delays),
        "beats_per_learner_due": beats_due,
        "completed": results["completed"],
        "errors": results["errors"],
        "board_after_beat_ms_p50": round(float(np.percentile(delays, 50)), 1)
        if len(delays)
        else None,
        "board_after_beat_ms_p99": round(float(np.percentile(delays, 99)), 1)
        if len(delays)
        else None,
        "within_1s": round(float(np.mean(delays <= 1000)), 3) if len(delays) else None,
    }
    print(json.dumps(row), flush=True)
    return row


if __name__ == "__main__":
    main()
