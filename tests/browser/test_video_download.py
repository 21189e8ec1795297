"""The routine page's "Download video": the export runs on the embedded worker, the page follows
its progress and offers the MP4, which downloads as an attachment on a phone-sized screen."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from coach.config.worker import start_embedded_worker
from coach.songs.services import create_song
from generation.video import probe_video
from tests.browser.test_routine_page import log_in
from tests.coach.factories import make_routine

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_download_video_from_the_routine_page(page, live_server, make_user, wav_file, tmp_path):
    start_embedded_worker()  # the in-memory broker's worker, as the ASGI app starts it
    alice = make_user("alice")
    path = wav_file(6.0)
    song = create_song(alice, SimpleUploadedFile(path.name, path.read_bytes()), "Phone groove")
    routine = make_routine(alice, song=song, n_frames=180)
    log_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/routines/{routine.id}/")
    page.wait_for_selector("#video-export[data-ready=true]")
    assert page.locator("#video-export-download").is_hidden()  # until the video is ready
    page.get_by_role("button", name="Download video").click()
    page.wait_for_selector("#video-export[data-status=succeeded]", timeout=90_000)
    link = page.get_by_role("link", name="Save the MP4")
    assert link.is_visible() and page.locator("#video-export-progress").is_hidden()
    # Fits a phone: the section is no wider than the screen.
    box = page.locator("#video-export").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "phone-groove-waltz-beginner.mp4"
    saved = tmp_path / "saved.mp4"
    download.value.save_as(saved)
    info = probe_video(saved)
    assert info.duration_s == pytest.approx(6.0, abs=0.1) and info.audio_codec == "aac"
