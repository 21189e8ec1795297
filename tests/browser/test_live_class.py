"""A live class in real headless Chromium: the instructor's board and two learners' pages.

The learners' cameras are replaced by a recorded landmark stream (`?replay=`): camera c03's 2D
detections of a real AIST++ dance, in MediaPipe's 33-landmark layout, fed to the page's practice
socket as the song reaches each frame. The routine is that dance's triangulated 3D motion, so
the beats come back scored. Everything else is the product: the pages, the class socket, the
scorer, the board socket and the summary.
"""

import io
import json
import time

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from coach.classes.models import ClassSession
from coach.practice.models import Attempt, PoseBatch
from coach.routines.services import store_routine
from coach.songs.services import create_song
from scoring.params import VISIBILITY_RAMP
from scoring.skeleton import SOURCE_LAYOUTS
from scoring.validate import SAME_BPM, aist_attempt, aist_routine
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_routine_page import log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
DANCE = SAME_BPM[1]  # 9.6 s, 16 beats
IMAGE_SIZE = (1920, 1080)  # AIST++ cameras
LABELS = {
    "Perfect",
    "Great",
    "Good",
    "OK",
    "Miss",
    "Not seen",
}  # "Not seen": no scores (scoring.beats)


def load_npy(blob) -> np.ndarray:
    return np.load(io.BytesIO(bytes(blob)), allow_pickle=False)


def coco17_to_mediapipe33(keypoints: np.ndarray) -> np.ndarray:
    """(T, 17, 3) COCO pixels + confidence -> (T, 33, 4) MediaPipe [x, y, z, visibility] with x, y
    normalised to the image and visibilities weighing as the confidences do; landmarks COCO
    lacks get visibility 0. The correspondence is the
    one both layouts have with the canonical skeleton (`SOURCE_LAYOUTS`), plus the nose."""
    landmarks = np.zeros((len(keypoints), 33, 4), np.float32)
    pairs = [(0, 0)]
    for joint, coco in SOURCE_LAYOUTS["coco17"].items():
        pairs += zip(coco, SOURCE_LAYOUTS["mediapipe33"][joint], strict=True)
    for coco, mediapipe in pairs:
        landmarks[:, mediapipe, 0] = keypoints[:, coco, 0] / IMAGE_SIZE[0]
        landmarks[:, mediapipe, 1] = keypoints[:, coco, 1] / IMAGE_SIZE[1]
        landmarks[:, mediapipe, 3] = _visibility(keypoints[:, coco, 2])
    return landmarks


def _visibility(confidence: np.ndarray) -> np.ndarray:
    """MediaPipe visibility giving a joint the weight its COCO confidence gives it
    (`scoring.params.VISIBILITY_RAMP`: AIST++ confidences of well-seen joints are often only
    0.3, MediaPipe's near 1)."""
    (coco_low, coco_full), (low, full) = VISIBILITY_RAMP["coco17"], VISIBILITY_RAMP["mediapipe33"]
    weight = np.clip((confidence - coco_low) / (coco_full - coco_low), 0.0, 1.0)
    return np.where(confidence > 0, low + weight * (full - low), 0.0)


REPLAY_URL = "/test-replays/c03.json"


@pytest.fixture
def replay_file(tmp_path):
    """The recorded stream at 30 fps (a webcam's rate), which the learners' browsers are given at
    REPLAY_URL (the product serves no public files besides its static ones)."""
    recording = aist_attempt(DANCE, 2)
    frames = coco17_to_mediapipe33(np.asarray(recording["frames"])[::2])
    times = np.asarray(recording["timestamps_ms"])[::2]
    path = tmp_path / "c03.json"
    path.write_text(
        json.dumps(
            {
                "format": "mediapipe33",
                "image_size": list(IMAGE_SIZE),
                "timestamps_ms": times.round(1).tolist(),
                "frames": frames.round(4).tolist(),
            }
        )
    )
    return path


@pytest.fixture
def class_routine(studio_people, wav_file):
    instructor = studio_people["instructor"]
    path = wav_file(10.0)
    song = create_song(instructor, SimpleUploadedFile(path.name, path.read_bytes()), "Class groove")
    routine = aist_routine(DANCE)
    routine.update(style="break", level="beginner", seed=0, model="recorded")
    return store_routine(song, instructor, routine)


def learner_page(browser, server, username):
    context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone
    page = context.new_page()
    log_in(page, server, username)
    return page


def open_class(page, server, routine, title) -> ClassSession:
    """The instructor (ines) opens a class of ``routine`` on her board page, left open in ``page``."""
    log_in(page, server, "ines")
    page.set_viewport_size({"width": 1024, "height": 800})  # the instructor's laptop
    page.goto(f"{server.url}/classes/new/")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Studio").select_option(label="Step Up Studio")
    page.get_by_label("Routine").select_option(str(routine.id))
    page.get_by_role("button", name="Open the class").click()
    page.wait_for_selector("#board[data-socket=open]")
    return ClassSession.objects.get(title=title)


def board_row(page, name):
    return page.locator(f"#learners tr[data-learner='{name}']")


def test_a_live_class_with_two_learners_on_the_instructors_board(
    page, browser, asgi_live_server, studio_people, class_routine, replay_file
):
    server = asgi_live_server
    class_session = open_class(page, server, class_routine, "Tuesday break")
    code = page.text_content("#join-code")
    assert code == class_session.join_code

    # Alice types the code; Bob follows the join link.
    alice = learner_page(browser, server, "alice")
    alice.goto(f"{server.url}/classes/")
    alice.get_by_label("Class code").fill(code.lower())
    alice.get_by_role("button", name="Join", exact=True).click()
    alice.wait_for_selector("#class-learn")
    bob = learner_page(browser, server, "bob")
    bob.goto(f"{server.url}/classes/{class_session.id}/")
    bob.get_by_role("button", name="Join the class").click()
    bob.wait_for_selector("#class-learn")
    learners = {"alice": alice, "bob": bob}
    try:
        for learner in learners.values():
            learner.route(
                f"{server.url}{REPLAY_URL}", lambda route: route.fulfill(path=replay_file)
            )
            learner.goto(f"{learner.url}?replay={REPLAY_URL}")
            learner.wait_for_selector("#class-learn[data-state=idle]")
            learner.get_by_role("button", name="I'm ready").click()
            learner.wait_for_function(
                "document.getElementById('class-learn').dataset.clockOffsetMs !== undefined"
            )
        for name in learners:
            board_row(page, name).and_(page.locator("[data-presence=connected]")).wait_for()

        page.get_by_role("button", name="Start the class").click()
        for learner in learners.values():
            learner.wait_for_selector("#class-learn[data-state=playing]", timeout=30_000)
        # The board shows each learner's beats as they are scored.
        for name in learners:
            page.wait_for_function(
                f"Number(document.querySelector(\"#learners tr[data-learner='{name}']\")?.dataset.beats) >= 4",
                timeout=60_000,
            )
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "class_board_live.png"), full_page=True)
        for name, learner in learners.items():
            learner.screenshot(path=str(ARTIFACTS / f"class_learner_{name}.png"), full_page=True)
        for name in learners:
            assert board_row(page, name).get_attribute("data-label") in LABELS
            assert board_row(page, name).locator("[data-cell=score]").text_content().isdigit()

        starts_at = ClassSession.objects.get(pk=class_session.pk).starts_at_ms
        for learner in learners.values():
            learner.wait_for_selector("#class-learn[data-finished='1']", timeout=90_000)
            assert learner.locator("#feedback .beat-label").count() > 0
            assert learner.get_attribute("#class-learn", "data-tracking") == "replay"
        for name in learners:
            board_row(page, name).and_(page.locator("[data-presence=finished]")).wait_for(
                timeout=30_000
            )
    finally:
        for learner in learners.values():
            learner.context.close()

    seats = {
        seat.learner.username: seat
        for seat in class_session.participants.select_related("attempt", "learner")
    }
    assert set(seats) == {"alice", "bob"}
    for seat in seats.values():
        assert seat.attempt.status == Attempt.Status.COMPLETE
        assert {beat["label"] for beat in seat.attempt.beat_results} <= LABELS
        assert seat.attempt.batches.exists() and seat.attempt.clock_offset_ms is not None
    assert starts_at is not None

    page.get_by_role("button", name="End and see the summary").click()
    page.wait_for_selector("#ranking")
    assert page.locator("#ranking tbody tr").count() == 2
    for seat in seats.values():
        assert page.locator(f"#ranking a[href='/attempts/{seat.attempt_id}/']").count() == 1


# What a browser that cannot run MediaPipe looks like to the page: no WebAssembly (the dancer,
# which needs WebGL only, still works).
WITHOUT_WEBASSEMBLY = "delete window.WebAssembly;"


def test_a_learner_whose_browser_cannot_track_poses_is_tracked_by_the_server(
    page, camera_page, asgi_live_server, studio_people, class_routine
):
    """The class page's fallback: with the learner's consent, downscaled pictures of the fake
    camera (a real person squatting) go over the class socket and the server's MediaPipe tracks them."""
    server = asgi_live_server
    class_session = open_class(page, server, class_routine, "Thursday break")
    learner = camera_page
    learner.add_init_script(WITHOUT_WEBASSEMBLY)
    log_in(learner, server, "alice")
    learner.goto(f"{server.url}/classes/{class_session.id}/")
    learner.get_by_role("button", name="Join the class").click()
    learner.wait_for_selector("#class-learn[data-state=idle]")
    learner.get_by_role("button", name="I'm ready").click()
    learner.get_by_role("button", name="Send camera pictures").click()
    learner.wait_for_function(
        "document.getElementById('class-learn').dataset.clockOffsetMs !== undefined"
    )
    assert learner.get_attribute("#class-learn", "data-tracking") == "server"
    board_row(page, "alice").and_(page.locator("[data-presence=connected]")).wait_for()

    page.get_by_role("button", name="Start the class").click()
    learner.wait_for_selector("#class-learn[data-state=playing]", timeout=30_000)
    attempt = class_session.participants.get(learner__username="alice").attempt
    tracked = []
    deadline = time.monotonic() + 60
    while len(tracked) < 3 and time.monotonic() < deadline:
        time.sleep(0.5)
        tracked = [
            frames
            for frames in (load_npy(b.frames) for b in PoseBatch.objects.filter(attempt=attempt))
            if len(frames)
        ]
    # Each picture became one stored frame of 33 MediaPipe landmarks, tracked on the server.
    assert len(tracked) >= 3 and all(frames.shape == (1, 33, 4) for frames in tracked)
    assert all(0 <= frames[0, 0, 0] <= 1 for frames in tracked)  # image-normalised x of the nose
