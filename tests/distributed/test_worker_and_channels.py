"""Generation through a real Celery worker process and progress over the Redis channel layer."""

import asyncio
import json
import time

import pytest
import websockets
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from coach.routines.models import GenerationJob
from coach.routines.services import request_generation, routine_frames
from coach.songs.services import create_song

pytestmark = [pytest.mark.distributed, pytest.mark.slow]


def _song(user, wav_file):
    path = wav_file(12.0)
    return create_song(user, SimpleUploadedFile(path.name, path.read_bytes()), "Redis groove")


def _wait_finished(job, timeout_s=240):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.finished:
            return job
        time.sleep(0.5)
    raise AssertionError(f"job still {job.status} after {timeout_s} s")


def test_a_worker_process_on_the_gpu_queue_generates_the_routine(
    worker_process, make_user, wav_file
):
    user = make_user("alice")
    job = _wait_finished(
        request_generation(
            _song(user, wav_file),
            user,
            style="waltz",
            level="beginner",
            seed=3,
        )
    )
    assert job.status == GenerationJob.Status.SUCCEEDED, job.error
    frames = routine_frames(job.routine)
    assert frames.shape[1:] == (15, 3)
    # The routine covers the song on the 30 fps grid.
    assert abs(frames.shape[0] / job.routine.fps - 12.0) < 0.5


def test_progress_reaches_the_browser_socket_through_redis(
    worker_process, web_server, make_user, wav_file
):
    user = make_user("alice")
    song = _song(user, wav_file)
    job = GenerationJob.objects.create(song=song, requested_by=user, style="pop", level="advanced")
    client = Client()
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"

    async def watch():
        url = f"ws://{web_server}/ws/jobs/{job.id}/"
        headers = {"Cookie": cookie, "Origin": f"http://{web_server}"}
        states = []
        async with websockets.connect(url, additional_headers=headers) as socket:
            states.append(json.loads(await socket.recv()))  # the state on connect
            from coach.routines.tasks import generate_routine_task

            await asyncio.to_thread(generate_routine_task.delay, str(job.id))
            while states[-1]["status"] not in ("succeeded", "failed"):
                states.append(json.loads(await asyncio.wait_for(socket.recv(), timeout=240)))
        return states

    states = asyncio.run(watch())
    assert states[0]["status"] == "queued"
    assert states[-1]["status"] == "succeeded" and states[-1]["routine"]
    progress = [s["progress"] for s in states[1:]]
    assert len(progress) >= 3 and progress == sorted(progress)


def test_a_socket_for_someone_elses_job_is_refused(web_server, make_user, wav_file):
    owner, other = make_user("alice"), make_user("mallory")
    job = GenerationJob.objects.create(
        song=_song(owner, wav_file), requested_by=owner, style="pop", level="advanced"
    )
    client = Client()
    client.force_login(other)

    async def connect():
        url = f"ws://{web_server}/ws/jobs/{job.id}/"
        headers = {
            "Cookie": f"sessionid={client.cookies['sessionid'].value}",
            "Origin": f"http://{web_server}",
        }
        async with websockets.connect(url, additional_headers=headers) as socket:
            await socket.recv()

    with pytest.raises(websockets.ConnectionClosed) as closed:
        asyncio.run(connect())
    assert closed.value.rcvd.code == 4403


def test_healthz_sees_redis_and_the_worker(worker_process, admin_client):
    body = admin_client.get("/healthz").json()
    assert body["ok"], body
    assert body["channel_layer"]["backend"] == "RedisChannelLayer"
    assert body["broker"]["transport"] != "memory" and body["worker"]["workers"]
