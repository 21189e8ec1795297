"""What the pages say when the camera cannot judge, in real headless Chromium.

A live class with two learners fed recorded landmark streams (`?replay=`, a real AIST++ dance in
MediaPipe's layout, as in test_live_class.py): one whose legs are out of the picture (a laptop
webcam that sees the upper body), one whose tracker delivers 4 frames a second. Both pages must
say so while they dance, their attempts must say so (an upper-body score; unreliable, no score),
and so must their reports. Then the practice page with a real camera (the fake camera showing
only the upper half of a real person) and in-page MediaPipe, which in headless software WebGL
tracks about one frame a second: it must say the tracking is too slow. Screenshots of each in
`.test-artifacts/`.
"""

import json
import subprocess

import imageio_ffmpeg
import numpy as np
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from coach.practice.models import Attempt
from scoring.validate import aist_attempt
from tests.browser.conftest import ARTIFACTS, CHROMIUM_ARGS, chromium_path
from tests.browser.test_live_class import (
    DANCE,
    IMAGE_SIZE,
    class_routine,  # noqa: F401 (a fixture)
    coco17_to_mediapipe33,
    learner_page,
    open_class,
)
from tests.browser.test_practice import practice_routine  # noqa: F401 (a fixture)
from tests.browser.test_routine_page import log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

LEGS = (25, 26, 27, 28, 29, 30, 31, 32)  # MediaPipe knees, ankles, heels and toes


def recording(path, keep_every: int, legs_out: bool):
    """The dance's camera c07 detections (60 fps, the camera the dancer faces) as a MediaPipe stream: every ``keep_every``-th
    frame, the legs below the picture with visibility 0 if ``legs_out``."""
    attempt = aist_attempt(DANCE, 6)
    frames = coco17_to_mediapipe33(np.asarray(attempt["frames"]))[::keep_every]
    if legs_out:
        frames[:, LEGS, 1] = 1.05
        frames[:, LEGS, 3] = 0.0
    times = np.asarray(attempt["timestamps_ms"])[::keep_every]
    path.write_text(json.dumps({
        "format": "mediapipe33", "image_size": list(IMAGE_SIZE),
        "timestamps_ms": times.round(1).tolist(), "frames": frames.round(4).tolist(),
    }))  # fmt: skip
    return path


def wait_for_note(page, test: str, timeout=60_000):
    """Wait until the camera note's text passes ``test`` (a string method call in JS); on a
    timeout, fail with what the page said instead."""
    try:
        page.wait_for_function(
            f"document.getElementById('camera-note').textContent.{test}", timeout=timeout
        )
    except PlaywrightTimeout:
        note = page.text_content("#camera-note")
        feedback = page.locator("#feedback li").all_text_contents()[:4]
        raise AssertionError(f"camera note {note!r}, latest beats {feedback}") from None


def _serve(path):
    return lambda route: route.fulfill(path=path)


def test_the_class_page_says_when_legs_are_out_of_the_picture_or_tracking_is_slow(
    page,
    browser,
    asgi_live_server,
    studio_people,
    class_routine,  # noqa: F811
    tmp_path,
):
    server = asgi_live_server
    class_session = open_class(page, server, class_routine, "Webcam check")
    replays = {
        "alice": recording(tmp_path / "legs.json", 2, legs_out=True),  # 30 fps, waist up
        "bob": recording(tmp_path / "slow.json", 15, legs_out=False),  # 4 fps
    }
    learners = {}
    try:
        for name, replay in replays.items():
            learner = learner_page(browser, server, name)
            learners[name] = learner
            learner.goto(f"{server.url}/classes/{class_session.id}/")
            learner.get_by_role("button", name="Join the class").click()
            learner.wait_for_selector("#class-learn")
            url = f"/test-replays/{name}.json"
            learner.route(f"{server.url}{url}", _serve(replay))
            learner.goto(f"{learner.url}?replay={url}")
            learner.wait_for_selector("#class-learn[data-state=idle]")
            learner.get_by_role("button", name="I'm ready").click()
            learner.wait_for_function(
                "document.getElementById('class-learn').dataset.clockOffsetMs !== undefined"
            )
        page.get_by_role("button", name="Start the class").click()
        alice, bob = learners["alice"], learners["bob"]
        wait_for_note(alice, "includes('legs are out of the picture')")
        wait_for_note(bob, "startsWith('Tracking at')")
        ARTIFACTS.mkdir(exist_ok=True)
        alice.screenshot(path=str(ARTIFACTS / "camera_warning_legs_out.png"), full_page=True)
        bob.screenshot(path=str(ARTIFACTS / "camera_warning_slow_tracking.png"), full_page=True)
        assert "step back" in alice.text_content("#camera-note")
        assert "close other tabs or use more light" in bob.text_content("#camera-note")
        for learner in learners.values():
            learner.wait_for_selector("#class-learn[data-finished='1']", timeout=90_000)
        assert "upper body" in alice.text_content("#result")
        assert "could not judge" in bob.text_content("#result")
    finally:
        for learner in learners.values():
            learner.context.close()

    seats = {
        s.learner.username: s.attempt
        for s in class_session.participants.select_related("attempt", "learner")
    }
    legs_out, slow = seats["alice"], seats["bob"]
    assert legs_out.summary["reliable"] is True and legs_out.summary["scope"] == "upper body"
    assert all(b["parts"]["left_leg"] is None and b["fix"] not in ("left_leg", "right_leg")
               for b in legs_out.beat_results)  # fmt: skip
    assert legs_out.overall is not None and legs_out.overall > 60
    assert slow.summary["reliable"] is False and slow.overall is None
    assert slow.summary["tracking_fps"] < 7.5

    for name, attempt in (("alice", legs_out), ("bob", slow)):
        context = browser.new_context(viewport={"width": 390, "height": 844})
        report = context.new_page()
        log_in(report, server, name)
        report.goto(f"{server.url}/attempts/{attempt.id}/")
        report.wait_for_selector("#report[data-state=ready]")
        report.screenshot(path=str(ARTIFACTS / f"camera_warning_report_{name}.png"), full_page=True)
        if attempt is slow:
            assert report.locator("#unreliable").is_visible()
            assert report.locator(".report-scores").count() == 0
            assert report.locator("#weakest-parts").count() == 0
        else:
            assert "upper body" in report.text_content("#scope")
        context.close()


@pytest.fixture(scope="module")
def upper_body_camera(tmp_path_factory):
    """pose_squats.mp4 (a real person) cropped to the upper half of the picture: the legs are out
    of frame, as with a laptop webcam."""
    from scoring.shared import shared_dir

    target = tmp_path_factory.mktemp("camera") / "upper.y4m"
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error",
         "-i", str(shared_dir() / "media" / "pose_squats.mp4"),
         "-vf", "crop=iw:ih/2:0:0,scale=360:320", "-pix_fmt", "yuv420p", "-r", "5", str(target)],
        check=True,
    )  # fmt: skip
    return target


def test_the_practice_page_says_when_the_tracker_is_too_slow(
    browser,
    upper_body_camera,
    asgi_live_server,
    practice_routine,  # noqa: F811
):
    args = [*CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={upper_body_camera}"]  # fmt: skip
    camera = browser.browser_type.launch(executable_path=chromium_path(), headless=True, args=args)
    try:
        context = camera.new_context(viewport={"width": 390, "height": 844})
        page = context.new_page()
        log_in(page, asgi_live_server, "alice")
        page.goto(f"{asgi_live_server.url}/routines/{practice_routine.id}/practice/")
        page.wait_for_selector("#practice[data-state=idle]", timeout=180_000)
        page.keyboard.press("Space")  # start
        # In-page MediaPipe on two cores in software WebGL: about one frame a second.
        wait_for_note(page, "startsWith('Tracking at')", timeout=120_000)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "camera_warning_practice_slow.png"), full_page=True)
        assert "fps" in page.text_content("#camera-note")
        context.close()
    finally:
        camera.close()
    assert Attempt.objects.filter(routine=practice_routine).exists()
