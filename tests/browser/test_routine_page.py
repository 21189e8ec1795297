"""The routine page plays the song with the dancer animated on the song's clock."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from coach.songs.services import create_song
from tests.coach.factories import make_routine

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("a-Strong-pass-42")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name=f"Hello, {username}").wait_for()


def test_the_dancer_follows_the_music(page, live_server, make_user, wav_file):
    alice = make_user("alice")
    path = wav_file(8.0)
    song = create_song(alice, SimpleUploadedFile(path.name, path.read_bytes()), "Groove")
    routine = make_routine(alice, song=song, n_frames=240)
    log_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/routines/{routine.id}/")
    page.wait_for_selector("#routine-player[data-ready=true]")
    assert page.locator("#stage canvas").count() == 1
    page.evaluate("document.getElementById('music').play()")
    # Past the first beat (0.5 s), so the 8-count shows a number.
    page.wait_for_function("Number(document.getElementById('routine-player').dataset.frame) >= 24")
    frame = int(page.get_attribute("#routine-player", "data-frame"))
    song_time = page.evaluate("document.getElementById('music').currentTime")
    # The frame shown is the one at the music's current time (within a few frames of drawing lag).
    assert abs(frame / routine.fps - song_time) < 0.3
    assert page.text_content("#count").strip() in {str(i) for i in range(1, 9)}
