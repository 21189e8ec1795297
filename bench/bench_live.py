"""Load benchmark of live coaching: N simulated learners against one server process (coach.config.serve).

Each learner replays a real recorded landmark stream (AIST++ camera c03, COCO-17 2D, at 30 fps)
in real time over its own practice socket, batched as the browser does (a batch leaves when a
frame completes a beat, else after 500 ms), stamped on the song clock, and answers the server's
clock pings. The learners' songs start spread over `--stagger-s` (default 1 s: independent
learners; 0 puts every beat of every learner at the same instant, as in a live class). The
server runs in its own process, pinned to one core (`taskset -c 0`); the learners run in this
process.

Two latencies per beat result:
- `server_ms`: from sending the batch that completed the beat to receiving its result: the work
  the server adds (queueing, scoring).
- `after_beat_ms`: from the moment the beat ended on the learner's song clock to receiving its
  result. The beat's last grid frame is 1/30 s before its end, so this can be below zero.
  `steady_after_beat_ms`: the same without each learner's first and last 2 s (see STEADY_FROM_S).
- `server_cpu_ms_per_learner_s`: the server process's CPU time per learner-second of song.

    python bench/bench_live.py --learners 25 50 100 200 --seconds 20 [--stagger-s 0] [--redis URL]
"""

import argparse
import asyncio
import contextlib
import gc
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
BATCH_S = 0.5
# `steady_after_beat_ms` leaves out the beats of each learner's first and last STEADY_FROM_S: with
# every song starting within `--stagger-s`, all connections open (and all attempts finish) in
# the same second, a burst independent learners would not make.
STEADY_FROM_S = 2.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(tmp: Path, n_learners: int):
    """Migrate a fresh database in `tmp`, store the routine, make N learners and their attempts.
    Every size of a run uses the same `tmp` (Django's file storage keeps the first media
    folder it saw) and a database of its own."""
    handle, db_name = tempfile.mkstemp(suffix=f"-{n_learners}.sqlite3", dir=tmp)  # sizes may repeat
    os.close(handle)
    db_path, media = Path(db_name), tmp / "media"
    os.environ.update(DATABASE_URL=f"sqlite:///{db_path}", MEDIA_ROOT=str(media))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coach.config.settings")
    import django
    from django.apps import apps

    if apps.ready:  # a later size in the same run: point Django at the new database
        from django.db import connections

        connections.close_all()
        connections["default"].settings_dict["NAME"] = str(db_path)
    else:
        django.setup()
    from django.core.management import call_command
    from django.test import Client

    from coach.accounts.models import User
    from coach.practice.services import start_attempt
    from coach.routines.services import store_routine
    from coach.songs.models import Song
    from scoring.validate import aist_routine

    call_command("migrate", verbosity=0)
    owner = User.objects.create_user("bench-owner", password="x")
    routine = aist_routine(DANCE)
    routine.update(style="street-jazz", level="advanced", seed=0, model="recorded")
    song = Song.objects.create(owner=owner, title="bench", audio="songs/none.wav", duration_s=32.0)
    stored = store_routine(song, owner, routine)
    learners = []
    for i in range(n_learners):
        user = User.objects.create_user(f"learner{i}")  # force_login needs no password
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
        ready = json.loads(await ws.recv())
        flush_at = np.asarray(ready["flush_at_ms"])

        async def reader():
            async for raw in ws:
                message = json.loads(raw)
                now = time.perf_counter()
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
                elif message["type"] == "beat":
                    end_s = beat_ends[message["index"]]
                    trigger = max((t for s, t in sent_at.items() if s <= last_seq[0]), default=now)
                    results["server_ms"].append((now - trigger) * 1000)
                    results["after_beat_ms"].append((now - (start_wall + end_s)) * 1000)
                    if STEADY_FROM_S <= end_s <= times[-1] / 1000 - STEADY_FROM_S:
                        results["steady_after_beat_ms"].append(results["after_beat_ms"][-1])
                elif message["type"] == "error":
                    results["errors"] += 1
                elif message["type"] == "summary":
                    return

        last_seq = [-1]
        reading = asyncio.ensure_future(reader())
        for seq, chunk in enumerate(batches(times, flush_at)):
            due = start_wall + times[chunk][-1] / 1000
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            last_seq[0] = seq
            sent_at[seq] = time.perf_counter()
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
        await asyncio.wait_for(reading, timeout=60)
    results["completed"] += 1


def batches(times: np.ndarray, flush_at_ms: np.ndarray) -> list[slice]:
    """The browser's batches (static/js/practice-socket.js): a batch ends with the frame that
    reaches the next of the server's `flush_at_ms` (it completes a beat), or once it spans
    BATCH_S."""
    out, first = [], 0
    next_flush = 0
    for i, t in enumerate(times):
        completes = False
        while next_flush < len(flush_at_ms) and flush_at_ms[next_flush] <= t:
            next_flush, completes = next_flush + 1, True
        if completes or t - times[first] >= BATCH_S * 1000 or i == len(times) - 1:
            out.append(slice(first, i + 1))
            first = i + 1
    return out


async def run_learners(port, learners, times, frames, beat_ends, stagger_s):
    """Learner i's song starts ``i / N * stagger_s`` after the first one's (0: all together, as
    in a live class; independent learners are spread over a beat or more)."""
    results = {
        "server_ms": [],
        "after_beat_ms": [],
        "steady_after_beat_ms": [],
        "errors": 0,
        "completed": 0,
    }
    start = time.perf_counter() + 1.0
    n = len(learners)
    outcomes = await asyncio.gather(
        *(
            learner(port, a, c, times, frames, beat_ends, results, start + i / n * stagger_s)
            for i, (a, c) in enumerate(learners)
        ),
        return_exceptions=True,
    )
    # A learner whose connection broke is counted, not hidden: `completed` falls below N.
    results["failures"] = sorted({repr(o)[:120] for o in outcomes if isinstance(o, BaseException)})
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--learners", type=int, nargs="+", default=[25, 50, 100, 200])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--redis", default="", help="REDIS_URL for the server's channel layer")
    parser.add_argument(
        "--stagger-s",
        type=float,
        default=1.0,
        help="spread the learners' song starts over this many seconds (0: together)",
    )
    args = parser.parse_args(argv)
    keep_off_server_core()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.learners:
            learners, beats = prepare(Path(tmp), n)
            beat_ends = list(beats[1:]) + [beats[-1] + (beats[-1] - beats[-2])]
            times, frames = recorded_stream(args.seconds)
            # The learners' side must not add pauses of its own to the latencies: its heap holds
            # Django and the data loaded so far, which full garbage-collector passes would walk.
            gc.collect()
            gc.freeze()
            with one_core_server(args.redis) as (port, pid):
                cpu_before, own_before = cpu_seconds(pid), cpu_seconds(os.getpid())
                wall_before = time.perf_counter()
                results = asyncio.run(
                    run_learners(port, learners, times, frames, beat_ends, args.stagger_s)
                )
                server_cpu_s = cpu_seconds(pid) - cpu_before
                own_busy = (cpu_seconds(os.getpid()) - own_before) / (
                    time.perf_counter() - wall_before
                )
            row = {
                "learners": n,
                "mode": "redis" if args.redis else "default",
                "seconds": args.seconds,
                "stagger_s": args.stagger_s,
                "beats": len(results["server_ms"]),
                "completed": results["completed"],
                "errors": results["errors"],
                "failures": results["failures"],
            }
            # CPU the server spent per learner-second of song (contention on a busy machine stretches
            # latencies far more than it changes this).
            row["server_cpu_ms_per_learner_s"] = round(server_cpu_s * 1000 / (n * args.seconds), 2)
            # The learners' own process must keep up, or its delays show up as latency.
            row["learners_process_busy"] = round(own_busy, 2)
            for key in ("server_ms", "after_beat_ms", "steady_after_beat_ms"):
                values = np.asarray(results[key])
                row[f"{key}_p50"] = (
                    round(float(np.percentile(values, 50)), 1) if len(values) else None
                )
                row[f"{key}_p99"] = (
                    round(float(np.percentile(values, 99)), 1) if len(values) else None
                )
            rows.append(row)
            print(json.dumps(row), flush=True)
    return rows


@contextlib.contextmanager
def one_core_server(redis_url: str):
    """The product's server (coach.config.serve) pinned to core 0 (`REDIS_URL` = `redis_url`, empty for
    the in-memory layer); yields its port and process id once it listens, and stops it afterwards."""
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "coach.config.settings",
        "REDIS_URL": redis_url,
        "LOG_LEVEL": "WARNING",
    }
    # The server's log goes to a file: a pipe nobody reads would block it once full.
    log = tempfile.NamedTemporaryFile("w+", prefix="bench-server-", suffix=".log", delete=False)
    server = subprocess.Popen(
        [
            "taskset",
            "-c",
            "0",
            sys.executable,
            "-m",
            "coach.config.serve",
            "--port",
            str(port),
            "--no-access-log",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        _wait_port(port)
        yield port, server.pid
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:  # an overloaded server may not drain in time
            server.kill()
            server.wait()
        log.seek(0)
        errors = log.read()
        log.close()
        os.unlink(log.name)
        if errors.strip():
            print(f"server log:\n{errors[-3000:]}", file=sys.stderr)


def keep_off_server_core():
    """Run the learners on the cores the server is not pinned to (core 0), where there are any."""
    others = os.sched_getaffinity(0) - {0}
    if others:
        os.sched_setaffinity(0, others)


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds process ``pid`` has used (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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
