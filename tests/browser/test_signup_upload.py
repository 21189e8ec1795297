"""A newcomer signs up, uploads a song and sees it listed, in real Chromium on a phone-sized screen."""

import pytest

from coach.songs.models import Song

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_upload_a_song_and_see_it_listed(page, live_server, wav_file):
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Username").fill("newdancer")
    page.get_by_label("Email").fill("newdancer@example.com")
    page.get_by_label("Password", exact=True).fill("a-Strong-pass-42")
    page.get_by_label("Password confirmation").fill("a-Strong-pass-42")
    page.get_by_role("button", name="Sign up").click()
    page.get_by_role("heading", name="Hello, newdancer").wait_for()

    page.get_by_role("link", name="Upload a song").click()
    page.get_by_label("Title").fill("Practice groove")
    page.get_by_label("Audio").set_input_files(str(wav_file(7.0, name="groove.wav")))
    page.get_by_role("button", name="Upload").click()
    page.get_by_role("heading", name="Practice groove").wait_for()

    page.get_by_role("link", name="Songs").first.click()
    assert page.get_by_role("link", name="Practice groove").is_visible()
    assert Song.objects.get().owner.username == "newdancer"
    # The page fits the phone's width: nothing forces horizontal scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_bad_file_is_refused_with_a_readable_message(page, live_server, make_user, tmp_path):
    make_user("alice")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("a-Strong-pass-42")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/songs/")
    broken = tmp_path / "broken.mp3"
    broken.write_bytes(b"this is not music" * 100)
    page.get_by_label("Audio").set_input_files(str(broken))
    page.get_by_role("button", name="Upload").click()
    assert page.get_by_role("alert").filter(has_text="could not be read as audio").is_visible()
    assert Song.objects.count() == 0
