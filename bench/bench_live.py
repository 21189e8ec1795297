"""Load benchmark of live coaching: N simulated learners against one Daphne process.

Each learner replays a real recorded landmark stream (AIST++ camera c03, COCO-17 2D, at 30 fps)
in real time over its own practice socket, in 100 ms batches stamped on the song clock, exactly
as the browser does, and answers the server's clock pings. The server runs in its own process,
pinned to one core (`taskset -c 0`); the learners run in this process.

Two latencies per beat result:
- `server_ms`: from sending the batch that completed the beat to receiving its result: the work
  the server adds (queueing, storing, scoring).
- `after_beat_ms`: from the moment the beat ended on the learner's song clock to receiving its
  result: adds the client's 100 ms batching and the scorer's alignment look-ahead
  (`scoring.params.EMIT_DELAY_S`).

    python bench/bench_live.py --learners 25 50 100 200 --seconds 20 [--redis redis://127.0.0.1:6379/0]
"""

import argparse
import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DANCE = "gJS_sFM_cAll_d02_mJS4_ch09"  # 32 s of advanced street jazz
BATCH_S = 0.1


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(tmp: Path, n_learners: int):
    """Migrate a fresh database in `tmp`, store the routine, make N learners and their attempts."""
    db_path, media = tmp / "bench.sqlite3", tmp / "media"
    os.environ.update(DATABASE_URL=f"sqlite:///{db_path}", MEDIA_ROOT=str(media))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coach.settings")
    import django
    from django.apps import apps

    if apps.ready:  # a later size in the same run: point Django at the new database
        from django.conf import settings
        from django.db import connections

        connections.close_all()
        connections["default"].settings_dict["NAME"] = str(db_path)
        settings.MEDIA_ROOT = media
    else:
        django.setup()
    from django.core.management import call_command
    from django.test import Client

    from coach.models import Song, User
    from coach.services.practice import start_attempt
    from coach.services.routines import store_routine
    from scoring.validate import aist_routine

    call_command("migrate", verbosity=0)
    owner = User.objects.create_user("bench-owner", password="x")
    routine = aist_routine(DANCE)
    routine.update(style="street-jazz", level="advanced", seed=0, model="recorded")
    song = Song.objects.create(owner=owner, title="bench", audio="songs/none.wav", duration_s=32.0)
    stored = store_routine(song, owner, routine)
    learners = []
    for i in range(n_learners):
        user = User.objects.create_user(f"learner{i}", password="x")
        client = Client()
        client.force_login(user)
        attempt = start_attempt(user, stored, pose_format="coco17", mirror="off")
        learners.append((str(attempt.id), client.cookies["sessionid"].value))
    return learners, routine["beats"]


def recorded_stream(seconds: float):
    from scoring.validate import aist_attempt

    attempt = aist_attempt(DANCE, 2)
    times = np.asarray(attempt["timestamps_ms"])[::2]  # 60 -> 30 fps, a webcam's rate
    frames = np.asarray(attempt["frames"], dtype=np.float32)[::2]
    keep = times <= seconds * 1000
    return times[keep], frames[keep]


async def learner(port, attempt_id, cookie, times, frames, beat_ends, results, start_wall):
    import websockets

    url = f"ws://127.0.0.1:{port}/ws/practice/{attempt_id}/"
    headers = {"Cookie": f"sessionid={cookie}", "Origin": f"http://127.0.0.1:{port}"}
    sent_at = {}  # seq -> wall time sent
    async with websockets.connect(url, additional_headers=headers, max_size=2**22) as ws:
        async def reader():
            async for raw in ws:
                message = json.loads(raw)
                now = time.perf_counter()
                if message["type"] == "ping":
                    await ws.send(json.dumps({"type": "pong", "server_time_ms": message["server_time_ms"],
                                              "client_time_ms": time.time() * 1000}))
                elif message["type"] == "beat":
                    end_s = beat_ends[message["index"]]
                    trigger = max((t for s, t in sent_at.items() if s <= last_seq[0]), default=now)
                    results["server_ms"].append((now - trigger) * 1000)
                    results["after_beat_ms"].append((now - (start_wall + end_s)) * 1000)
                elif message["type"] == "error":
                    results["errors"] += 1
                elif message["type"] == "summary":
                    return

        last_seq = [-1]
        reading = asyncio.ensure_future(reader())
        await asyncio.sleep(0.05)
        per_batch = max(1, round(BATCH_S * 30))
        for seq, first in enumerate(range(0, len(times), per_batch)):
            chunk = slice(first, first + per_batch)
            due = start_wall + times[chunk][-1] / 1000
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            last_seq[0] = seq
            sent_at[seq] = time.perf_counter()
            await ws.send(json.dumps({"type": "frames", "seq": seq, "format": "coco17",
                                      "timestamps_ms": times[chunk].tolist(), "frames": frames[chunk].round(2).tolist(),
                                      "image_size": [1920, 1080]}))
        await ws.send(json.dumps({"type": "end"}))
        await asyncio.wait_for(reading, timeout=60)
    results["completed"] += 1


async def run_learners(port, learners, times, frames, beat_ends):
    results = {"server_ms": [], "after_beat_ms": [], "errors": 0, "completed": 0}
    start = time.perf_counter() + 1.0  # everybody's song starts together
    await asyncio.gather(
        *(learner(port, a, c, times, frames, beat_ends, results, start) for a, c in learners),
        return_exceptions=False,
    )
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, nargs="+", default=[25, 50, 100, 200])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--redis", default="", help="REDIS_URL for the server's channel layer")
    args = parser.parse_args(argv)
    rows = []
    for n in args.learners:
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            learners, beats = prepare(tmp, n)
            beat_ends = list(beats[1:]) + [beats[-1] + (beats[-1] - beats[-2])]
            times, frames = recorded_stream(args.seconds)
            with one_core_server(args.redis) as port:
                results = asyncio.run(run_learners(port, learners, times, frames, beat_ends))
        row = {"learners": n, "mode": "redis" if args.redis else "default", "seconds": args.seconds,
               "beats": len(results["server_ms"]), "completed": results["completed"], "errors": results["errors"]}
        for key in ("server_ms", "after_beat_ms"):
            values = np.asarray(results[key])
            row[f"{key}_p50"] = round(float(np.percentile(values, 50)), 1) if len(values) else None
            row[f"{key}_p99"] = round(float(np.percentile(values, 99)), 1) if len(values) else None
        rows.append(row)
        print(json.dumps(row), flush=True)
    return rows


@contextlib.contextmanager
def one_core_server(redis_url: str):
    """A Daphne process pinned to core 0 (`REDIS_URL` = `redis_url`, empty for the in-memory
    layer); yields its port once it listens, and stops it afterwards."""
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "coach.settings", "REDIS_URL": redis_url, "LOG_LEVEL": "WARNING"}
    server = subprocess.Popen(
        ["taskset", "-c", "0", sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
         "coach.asgi:application"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_port(port)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:  # an overloaded server may not drain in time
            server.kill()
            server.wait()


def _wait_port(port, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


if __name__ == "__main__":
    main()
