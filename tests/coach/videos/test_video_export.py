"""Routine video export: a routine of real motion capture on a real song's annotated beats,
rendered by the `cpu`-queue task and decoded back; who may ask for it and download it; reruns and
failures."""

import asyncio
import io
import logging
from datetime import timedelta

import cv2
import numpy as np
import pytest
import soundfile
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from coach.config.asgi import application
from coach.routines.services import store_routine
from coach.songs.services import create_song
from coach.videos.models import VideoExport
from coach.videos.services import (
    INTERRUPTED,
    SOMETHING_WENT_WRONG,
    export_group,
    request_export,
    requeue_unfinished_exports,
)
from coach.videos.tasks import export_routine_video
from generation.audio import DecodedAudio, decode
from generation.data.ballroom import ballroom_index, load_ballroom
from generation.data.paths import shared_dir
from generation.video import probe_video
from scoring.skeleton import JOINTS
from tests.coach.factories import make_routine

pytestmark = pytest.mark.django_db
SONG = shared_dir() / "music" / "annotated" / "gmd_disco_120.ogg"
SONG_SECONDS = 6.0


@pytest.fixture(scope="module")
def song_audio():
    """The first seconds of a real drum recording (Groove MIDI Dataset, CC BY 4.0)."""
    audio = decode(SONG)
    return DecodedAudio(audio.samples[: int(SONG_SECONDS * audio.sample_rate)], audio.sample_rate)


@pytest.fixture(scope="module")
def danced():
    """A routine dict: a real waltz capture on the song's human-annotated beats and bars."""
    clip = load_ballroom(next(e for e in ballroom_index() if e["style"] == "waltz"))
    table = np.loadtxt(SONG.with_suffix(".beats"))
    beats = table[table[:, 0] < SONG_SECONDS]
    return {
        "fps": clip.fps, "joints": list(JOINTS), "frames": clip.frames[: int(SONG_SECONDS * clip.fps)],
        "beats": beats[:, 0].tolist(), "downbeats": beats[beats[:, 1] == 1, 0].tolist(),
        "segments": [{"start_s": 0.0, "end_s": 4.0, "label": "A"}, {"start_s": 4.0, "end_s": 6.0, "label": "B"}],
        "style": "waltz", "level": "beginner", "seed": 0, "model": f"ballroom capture {clip.name}", "tempo_bpm": 120.0,
    }  # fmt: skip


@pytest.fixture
def routine(studio_people, song_audio, danced):
    alice = studio_people["alice"]
    wav = io.BytesIO()
    soundfile.write(wav, song_audio.samples, song_audio.sample_rate, format="WAV")
    song = create_song(alice, SimpleUploadedFile("disco.wav", wav.getvalue()), "Disco Fever 120")
    return store_routine(song, alice, danced)


def _finished_export(user, routine) -> VideoExport:
    export = request_export(user, routine)
    export_routine_video(str(export.id))
    export.refresh_from_db()
    return export


def test_the_exported_mp4_has_the_song_length_the_routine_rate_and_the_music(
    routine, studio_people
):
    export = _finished_export(studio_people["alice"], routine)
    assert export.status == VideoExport.Status.SUCCEEDED, export.error
    assert export.progress == 1.0 and export.finished_at is not None
    path = export.video.path
    info = probe_video(path)
    assert info.duration_s == pytest.approx(routine.song.duration_s, abs=0.1)
    assert info.fps == routine.fps
    assert info.video_codec == "h264" and info.pixel_format == "yuv420p"
    assert info.audio_codec == "aac"
    capture = cv2.VideoCapture(path)
    assert capture.get(cv2.CAP_PROP_FPS) == pytest.approx(routine.fps)
    decoded = 0
    while capture.read()[0]:
        decoded += 1
    assert decoded == routine.n_frames


def test_progress_reaches_the_export_group_in_order(routine, studio_people):
    layer = get_channel_layer()
    export = request_export(studio_people["alice"], routine)
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(export_group(export.id), channel)
    export_routine_video(str(export.id))

    async def drain():
        states = []
        while True:
            try:
                message = await asyncio.wait_for(layer.receive(channel), timeout=0.5)
            except TimeoutError:
                return states
            states.append(message["state"])

    states = async_to_sync(drain)()
    assert states[0]["status"] == "running"
    assert states[-1]["status"] == "succeeded" and states[-1]["download_url"]
    progress = [s["progress"] for s in states]
    assert len(progress) >= 5 and progress == sorted(progress)


def test_a_finished_export_is_reused_and_never_redone(routine, studio_people):
    export = _finished_export(studio_people["alice"], routine)
    first_file = export.video.name
    mtime = export.video.storage.get_modified_time(first_file)
    assert export_routine_video(str(export.id)) == "succeeded"
    export.refresh_from_db()
    assert export.video.name == first_file
    assert export.video.storage.get_modified_time(first_file) == mtime
    # The instructor asking for the same routine's video gets the same file.
    again = request_export(studio_people["instructor"], routine)
    assert again.pk == export.pk
    assert VideoExport.objects.filter(routine=routine).count() == 1


def test_download_is_an_attachment_for_those_who_see_the_routine_only(routine, studio_people):
    export = _finished_export(studio_people["alice"], routine)
    url = f"/videos/{export.id}/download/"
    for name in ("alice", "owner", "instructor"):
        client = Client()
        client.force_login(studio_people[name])
        response = client.get(url)
        assert response.status_code == 200, name
        assert response["Content-Type"] == "video/mp4"
        assert (
            response["Content-Disposition"]
            == 'attachment; filename="disco-fever-120-waltz-beginner.mp4"'
        )
        assert b"".join(response.streaming_content)[4:8] == b"ftyp"
    for name in ("bob", "outsider"):  # another student of the studio, and someone in no studio
        client = Client()
        client.force_login(studio_people[name])
        assert client.get(url).status_code == 404, name
        assert client.get(f"/videos/{export.id}/").status_code == 404, name
        assert client.get(f"/routines/{routine.id}/video/").status_code == 404, name
        assert client.post(f"/routines/{routine.id}/video/").status_code == 404, name
    assert not VideoExport.objects.exclude(pk=export.pk).exists()


def test_asking_from_the_page_queues_one_export_and_reports_its_state(studio_people):
    alice = studio_people["alice"]
    routine = make_routine(alice)
    client = Client()
    client.force_login(alice)
    assert client.get(f"/routines/{routine.id}/video/").json() == {"status": None}
    page = client.get(f"/routines/{routine.id}/")
    assert (
        b"Download video" in page.content
        and f"/routines/{routine.id}/video/".encode() in page.content
    )
    first = client.post(f"/routines/{routine.id}/video/", HTTP_ACCEPT="application/json")
    assert first.status_code == 202
    state = first.json()
    assert state["status"] == "queued" and state["download_url"] is None
    # A second click while it is queued does not queue another; without JavaScript, back to the page.
    second = client.post(f"/routines/{routine.id}/video/")
    assert second.status_code == 302 and second["Location"] == f"/routines/{routine.id}/"
    assert VideoExport.objects.filter(routine=routine).count() == 1
    assert client.get(f"/videos/{state['id']}/").json()["status"] == "queued"
    # Not ready yet: nothing to download.
    assert client.get(f"/videos/{state['id']}/download/").status_code == 404
    assert Client().get(f"/routines/{routine.id}/video/").status_code == 302  # to the login page


def test_a_missing_song_fails_with_a_readable_message_and_asking_again_retries(studio_people):
    alice = studio_people["alice"]
    routine = make_routine(alice)  # its song's audio file was never stored
    export = _finished_export(alice, routine)
    assert export.status == VideoExport.Status.FAILED
    assert export.error == "The song's audio file is missing."
    assert not export.video and export.finished_at is not None
    assert export_routine_video(str(export.id)) == "failed"  # a failed export is not redone either
    retry = request_export(alice, routine)
    assert retry.pk != export.pk and retry.status == VideoExport.Status.QUEUED


def test_an_unexpected_error_is_logged_and_explained_plainly(studio_people, caplog):
    alice = studio_people["alice"]
    routine = make_routine(alice)
    routine.frames.delete(save=False)  # the stored frames are gone
    with caplog.at_level(logging.ERROR, logger="coach.videos.services"):
        export = _finished_export(alice, routine)
    assert export.status == VideoExport.Status.FAILED
    assert export.error == SOMETHING_WENT_WRONG
    assert "video export" in caplog.text


def test_an_export_lost_by_a_restart_is_replaced_or_requeued(studio_people):
    alice = studio_people["alice"]
    routine = make_routine(alice)
    lost = request_export(alice, routine)
    VideoExport.objects.filter(pk=lost.pk).update(
        status=VideoExport.Status.RUNNING, created_at=timezone.now() - timedelta(hours=1)
    )
    fresh = request_export(alice, routine)
    lost.refresh_from_db()
    assert fresh.pk != lost.pk
    assert lost.status == VideoExport.Status.FAILED and lost.error == INTERRUPTED
    VideoExport.objects.filter(pk=fresh.pk).update(status=VideoExport.Status.RUNNING)
    assert requeue_unfinished_exports() == 1
    fresh.refresh_from_db()
    assert fresh.status == VideoExport.Status.QUEUED


def _cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


@pytest.mark.django_db(transaction=True)
def test_the_progress_socket_is_for_those_who_see_the_routine(studio_people):
    alice = studio_people["alice"]
    export = request_export(alice, make_routine(alice))

    async def first_message(cookie):
        headers = [(b"origin", b"http://testserver"), (b"host", b"testserver"), (b"cookie", cookie)]
        socket = WebsocketCommunicator(application, f"/ws/videos/{export.id}/", headers=headers)
        connected, _ = await socket.connect()
        assert connected
        message = await socket.receive_output(timeout=5)
        await socket.disconnect()
        return message

    shown = asyncio.run(first_message(_cookie(studio_people["instructor"])))
    assert f'"id": "{export.id}"' in shown["text"]
    refused = asyncio.run(first_message(_cookie(studio_people["outsider"])))
    assert refused == {"type": "websocket.close", "code": 4403}
