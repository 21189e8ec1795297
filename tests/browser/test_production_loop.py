"""The whole loop in production mode (DEBUG off, no public media folder), in real Chromium:
upload a song, generate a routine, seek in the routine player, practise a looped phrase with a
fake camera and open the report. Every song request goes through the permission-checked views
with byte ranges (`coach/common/file_responses.py`); a player whose song is served without ranges
cannot seek and restarts phrase loops at 0:00.
"""

import io

import numpy as np
import pytest
from django.conf import settings

from coach.config.worker import start_embedded_worker
from coach.practice.models import Attempt
from coach.routines.models import Routine
from tests.browser.test_routine_page import log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SONG_S = 16.0
SEEK_TO_S = 9.5


def stored_timestamps_ms(attempt) -> list[float]:
    return [t for batch in attempt.batches.all()
            for t in np.load(io.BytesIO(bytes(batch.timestamps)), allow_pickle=False).tolist()]  # fmt: skip


def wait_for_metadata(page):
    """The page's one audio element, once the browser has its duration."""
    page.wait_for_function("document.querySelector('audio').readyState >= 1", timeout=30_000)
    return page.evaluate(
        "(() => { const m = document.querySelector('audio');"
        " return {duration: m.duration, seekable: m.seekable.length ? [m.seekable.start(0), m.seekable.end(0)] : null};"
        " })()"
    )


def test_upload_generate_seek_loop_a_phrase_and_read_the_report(
    camera_page, asgi_live_server, make_user, wav_file
):
    assert settings.DEBUG is False
    start_embedded_worker()  # generation runs in the web process, as with the in-memory broker
    make_user("alice")
    page, server = camera_page, asgi_live_server
    audio_responses, media_requests = [], []
    page.on("request", lambda r: media_requests.append(r.url) if "/media/" in r.url else None)
    page.on("response", lambda r: audio_responses.append(r) if r.url.endswith("/audio/") else None)
    log_in(page, server, "alice")

    # Upload: the song page plays the stored file through the song's audio view.
    page.goto(f"{server.url}/songs/")
    page.get_by_label("Title").fill("Loop groove")
    page.get_by_label("Audio").set_input_files(str(wav_file(SONG_S, name="loop-groove.wav")))
    page.get_by_role("button", name="Upload").click()
    page.get_by_role("heading", name="Loop groove").wait_for()
    song_audio = wait_for_metadata(page)
    assert song_audio["duration"] == pytest.approx(SONG_S, abs=0.05)

    # Generate: the job page follows the worker and opens the routine.
    page.get_by_label("Style").select_option("waltz")
    page.get_by_label("Level").select_option("beginner")
    page.get_by_role("button", name="Generate routine").click()
    page.wait_for_url("**/routines/*/", timeout=180_000)
    routine = Routine.objects.get(song__title="Loop groove")

    # The player seeks: the song is seekable over its whole length and the dancer follows.
    page.wait_for_selector("#routine-player[data-ready=true]")
    player = wait_for_metadata(page)
    assert player["duration"] == pytest.approx(SONG_S, abs=0.05)
    assert player["seekable"] == [0, pytest.approx(SONG_S, abs=0.05)]
    page.evaluate(
        """(t) => new Promise((resolve) => {
          const music = document.getElementById('music');
          music.addEventListener('seeked', resolve, {once: true});
          music.currentTime = t;
        })""",
        SEEK_TO_S,
    )
    assert page.evaluate("document.getElementById('music').currentTime") == pytest.approx(
        SEEK_TO_S, abs=0.05
    )
    page.wait_for_function(
        f"Math.abs(Number(document.getElementById('routine-player').dataset.frame) - {SEEK_TO_S * routine.fps})"
        " <= 2"
    )

    # Practise the second phrase on a loop: it starts at the phrase, not at 0:00.
    assert len(routine.segments) >= 2
    phrase = routine.segments[1]
    page.get_by_role("link", name="Practise with my camera").click()
    # In-browser MediaPipe in software WebGL on a shared machine: the first frame is slow.
    page.wait_for_selector("#practice[data-state=idle]", timeout=240_000)
    page.get_by_role("button", name="Loop", exact=True).click()
    page.locator("#loop-from").select_option("1")
    page.locator("#loop-to").select_option("1")
    page.get_by_role("button", name="Start", exact=True).click()
    page.wait_for_selector("#practice[data-state=playing]", timeout=60_000)
    page.wait_for_function(
        f"document.getElementById('music').currentTime > {phrase['start_s'] + 0.3}"
    )
    first_pass = page.evaluate("document.getElementById('music').currentTime")
    assert phrase["start_s"] <= first_pass < phrase["end_s"]
    # The phrase's end finishes the run and jumps back to the phrase's start for the next one.
    page.wait_for_selector("#results li a", timeout=60_000)
    page.wait_for_function(
        "(() => { const t = document.getElementById('music').currentTime;"
        f" return t >= {phrase['start_s'] - 0.05} && t < {phrase['start_s'] + 1.5}; }})()",
        timeout=10_000,
    )
    page.get_by_role("button", name="Stop", exact=True).click()
    page.wait_for_selector("#practice[data-state=idle]")

    attempt = Attempt.objects.filter(routine=routine).order_by("started_at").first()
    # Finished and scored over the phrase's beats (at software WebGL's ~1 frame a second the
    # beats are "not seen": the loop is under test here, not the score).
    assert attempt.finished_at is not None and attempt.summary["beats"] > 0
    stored_ms = stored_timestamps_ms(attempt)
    assert (
        stored_ms and min(stored_ms) >= phrase["start_s"] * 1000 - 200
    )  # danced within the phrase

    # The report of the first pass.
    page.locator("#results li").last.get_by_role("link", name="Open the report").click()
    page.wait_for_selector("#report[data-state=ready]", timeout=30_000)

    # Every song request went through the audio views, answered with byte ranges.
    assert media_requests == []
    statuses = {r.status for r in audio_responses}
    assert 206 in statuses and statuses <= {200, 206, 304}
    assert all(
        r.headers.get("accept-ranges") == "bytes" for r in audio_responses if r.status != 304
    )
