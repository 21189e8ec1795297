"""A routine video made by a real Celery worker process consuming the `cpu` queue over Redis."""

import time

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from coach.config.celery import app
from coach.routines.services import store_routine
from coach.songs.services import create_song
from coach.videos.models import VideoExport
from coach.videos.services import request_export
from generation.data.ballroom import ballroom_index, load_ballroom
from generation.video import probe_video
from scoring.skeleton import JOINTS

pytestmark = [pytest.mark.distributed, pytest.mark.slow]


def _routine(user, wav_file):
    path = wav_file(6.0)
    song = create_song(user, SimpleUploadedFile(path.name, path.read_bytes()), "Redis groove")
    clip = load_ballroom(next(e for e in ballroom_index() if e["style"] == "rumba"))
    beats = np.arange(0.0, 6.0, 0.5)  # the click track's beats (tests/conftest.py, 120 BPM)
    routine = {
        "fps": clip.fps, "joints": list(JOINTS), "frames": clip.frames[: int(6.0 * clip.fps)],
        "beats": beats.tolist(), "downbeats": beats[::4].tolist(), "segments": [],
        "style": "rumba", "level": "intermediate", "seed": 0, "model": f"ballroom capture {clip.name}",
    }  # fmt: skip
    return store_routine(song, user, routine)


def test_the_export_task_is_routed_to_the_cpu_queue():
    assert app.amqp.router.route({}, "coach.tasks.export_routine_video")["queue"].name == "cpu"


def test_a_worker_process_on_the_cpu_queue_exports_the_video(worker_process, make_user, wav_file):
    user = make_user("alice")
    export = request_export(user, _routine(user, wav_file))
    deadline = time.monotonic() + 120
    while export.status in (VideoExport.Status.QUEUED, VideoExport.Status.RUNNING):
        assert time.monotonic() < deadline, f"export still {export.status}"
        time.sleep(0.5)
        export.refresh_from_db()
    assert export.status == VideoExport.Status.SUCCEEDED, export.error
    info = probe_video(export.video.path)
    assert info.duration_s == pytest.approx(6.0, abs=0.1) and info.fps == 30.0
    assert info.audio_codec == "aac"
