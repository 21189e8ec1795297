"""The practice page in real headless Chromium.

The end-to-end test feeds Chromium's fake camera from a real video (`pose_squats.mp4`, converted
to .y4m in a temporary folder), runs MediaPipe Pose in the page, sends the landmarks over the
practice socket to the real consumer and scorer (the product's server serving the ASGI
application in this process, on the test database), and checks the feedback on the page, the stored attempt and the
report. MediaPipe runs at roughly one frame per second in headless software WebGL on two cores, so
the song is short and the waits are long.
"""

import io
import json
import time

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from coach.practice.models import Attempt, PoseBatch
from coach.routines.services import store_routine
from coach.songs.services import create_song
from generation.data.aistpp import aistpp_dir, load_annotation
from scoring.skeleton import BODY_PARTS, JOINTS, SOURCE_LAYOUTS
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_routine_page import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SONG_S = 16.0
BPM = 120.0  # the click track of tests/conftest.py
LABELS = {
    "Perfect",
    "Great",
    "Good",
    "OK",
    "Miss",
    "Not seen",
}  # "Not seen": no scores (scoring.beats)


# ---- a routine danced by a real person, to a real song ------------------------------------


def aistpp_routine(owner, song):
    """The first SONG_S seconds of a real AIST++ dance (canonical frames) on the click track's
    beats, with 8-count phrases."""
    clip = load_annotation(sorted((aistpp_dir() / "annotations").glob("*.npz"))[0])
    frames = clip.frames[: int(SONG_S * clip.fps)]
    beats = np.arange(0.0, SONG_S, 60.0 / BPM)
    phrase = 8 * 60.0 / BPM
    segments = [
        {"start_s": float(t), "end_s": float(min(t + phrase, SONG_S)), "label": f"Phrase {i + 1}"}
        for i, t in enumerate(np.arange(0.0, SONG_S, phrase))
    ]
    return store_routine(
        song,
        owner,
        {
            "fps": clip.fps,
            "joints": JOINTS,
            "frames": frames,
            "beats": beats.tolist(),
            "downbeats": beats[::4].tolist(),
            "segments": segments,
            "style": clip.style,
            "level": "beginner",
            "seed": 0,
            "model": f"aistpp:{clip.name}",
            "tempo_bpm": BPM,
        },
    )


@pytest.fixture
def practice_routine(make_user, wav_file):
    alice = make_user("alice")
    path = wav_file(SONG_S)
    song = create_song(alice, SimpleUploadedFile(path.name, path.read_bytes()), "Click track")
    return aistpp_routine(alice, song)


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


# ---- tests ----------------------------------------------------------------------------------


def test_browser_tables_match_the_canonical_skeleton(page, live_server):
    """skeleton2d.js restates BODY_PARTS and the MediaPipe / COCO layouts: they must agree."""
    page.goto(live_server.url)
    tables = page.evaluate(
        "async () => { const m = await import('/static/js/skeleton2d.js');"
        " return {parts: m.BODY_PARTS, mediapipe33: m.MEDIAPIPE33, coco17: m.COCO17}; }"
    )
    assert tables["parts"] == {part: list(joints) for part, joints in BODY_PARTS.items()}
    for layout in ("mediapipe33", "coco17"):
        assert tables[layout] == {name: list(idx) for name, idx in SOURCE_LAYOUTS[layout].items()}


def test_controls_work_from_the_keyboard_on_a_phone(page, live_server, practice_routine):
    """Without a camera the page says so, and the keys still set mirror, speed and loop."""
    log_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/routines/{practice_routine.id}/practice/")
    page.wait_for_function(
        "document.getElementById('practice-status').textContent.includes('camera could not start')"
    )
    assert page.locator("#reference-stage canvas").count() == 1
    assert page.get_attribute("#mirror", "aria-pressed") == "true"
    page.keyboard.press("m")
    assert page.get_attribute("#mirror", "aria-pressed") == "false"
    assert "mirrored" not in page.get_attribute("#camera", "class")
    page.keyboard.press("3")
    assert page.evaluate("[music.playbackRate, music.preservesPitch]") == [0.5, True]
    assert page.get_attribute("[data-speed='0.5']", "aria-pressed") == "true"
    page.keyboard.press("2")
    assert page.evaluate("music.playbackRate") == 0.75
    page.keyboard.press("l")
    assert page.get_attribute("#loop", "aria-pressed") == "true"
    assert page.locator("#loop-from option").count() == 4
    assert page.is_enabled("#loop-from")
    # Tab reaches the controls, and the focused one is visibly outlined.
    assert page.is_disabled("#start")  # nothing to practise without a camera
    page.focus("#mirror")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.speed") == "1"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    assert no_sideways_scroll(page)


def test_socket_resends_what_a_dropped_connection_lost(page, asgi_live_server, practice_routine):
    """practice-socket.js against the real consumer: frames sent before and after a dropped
    connection all arrive once, in order, and the attempt completes. The frames are real 2D
    detections (AIST++ keypoints2d, COCO-17 pixels) of a dancer on camera c01."""
    with np.load(
        next(
            p
            for p in sorted((aistpp_dir() / "annotations").glob("*.npz"))
            if "keypoints2d" in np.load(p).files
        )
    ) as data:
        keypoints = np.nan_to_num(
            data["keypoints2d"][0, ::2][: int(SONG_S * 30)]
        )  # 30 fps, camera c01
    log_in(page, asgi_live_server, "alice")
    result = page.evaluate(
        """async ({frames, routine}) => {
          const {openPracticeSession} = await import('/static/js/practice-socket.js');
          const csrf = document.cookie.match(/csrftoken=([^;]+)/)[1];
          const attempt = fetch('/api/attempts/', {method: 'POST', headers: {'Content-Type': 'application/json',
            'X-CSRFToken': csrf}, body: JSON.stringify({routine, pose_format: 'coco17'})}).then(r => r.json()).then(a => a.id);
          const beats = [];
          const session = openPracticeSession({attempt, format: 'coco17', onBeat: (b) => beats.push(b)});
          const sleep = (ms) => new Promise(r => setTimeout(r, ms));
          for (let i = 0; i < frames.length; i++) {
            session.addFrame(i * 1000 / 30, frames[i], [1920, 1080]);
            if (i === Math.floor(frames.length / 2)) session.dropConnection();
            if (i % 10 === 9) await sleep(20);
          }
          const summary = await session.end();
          return {id: session.attemptId, beats: beats.length, summary, stats: session.stats};
        }""",
        {"frames": keypoints.round(1).tolist(), "routine": str(practice_routine.id)},
    )
    assert result["stats"]["reconnects"] >= 1
    attempt = Attempt.objects.get(pk=result["id"])
    assert attempt.status == Attempt.Status.COMPLETE
    seqs = list(PoseBatch.objects.filter(attempt=attempt).values_list("seq", flat=True))
    assert seqs == list(range(len(seqs)))
    stored = sum(len(np.load(io.BytesIO(b.timestamps))) for b in attempt.batches.all())
    assert stored == len(keypoints)  # nothing lost, nothing twice
    assert result["summary"]["summary"]["beats"] == len(attempt.beat_results) > 0
    assert result["beats"] > 0


@pytest.mark.slow
def test_practice_end_to_end_with_a_fake_camera(camera_page, asgi_live_server, practice_routine):
    page = camera_page
    log_in(page, asgi_live_server, "alice")
    began = time.monotonic()
    page.goto(f"{asgi_live_server.url}/routines/{practice_routine.id}/practice/")
    # Loading MediaPipe and the first frame (shader compilation in software WebGL) is slow.
    page.wait_for_selector("#practice[data-state=idle]", timeout=180_000)
    assert page.get_attribute("#practice", "data-tracking") == "browser"
    assert no_sideways_scroll(page)

    page.keyboard.press("Space")  # start from the keyboard
    page.wait_for_function(
        "['3', '2', '1'].includes(document.getElementById('countdown').textContent)"
    )
    page.wait_for_selector(
        "#practice[data-state=playing]", timeout=60_000
    )  # the countdown shares the main thread with MediaPipe
    page.wait_for_selector("#feedback li", timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "practice_feedback.png"), full_page=True)
    page.wait_for_selector("#results a", timeout=120_000)  # the song ended and the summary came
    labels = page.locator("#feedback .beat-label").all_text_contents()
    assert labels and set(labels) <= LABELS
    measured = page.evaluate("({...document.getElementById('practice').dataset})")

    attempt = Attempt.objects.get(routine=practice_routine)
    assert attempt.beat_results and {b["label"] for b in attempt.beat_results} <= LABELS
    scored = any(b["overall"] is not None for b in attempt.beat_results)
    assert attempt.status == (Attempt.Status.COMPLETE if scored else Attempt.Status.INCOMPLETE)
    assert PoseBatch.objects.filter(attempt=attempt).count() > 0
    assert attempt.summary["beats"] == len(attempt.beat_results)
    # In-page MediaPipe manages about one frame a second here (software WebGL on two cores): the
    # camera cannot judge such an attempt, and the page and the report must say so.
    reliable = attempt.summary["reliable"]
    if attempt.summary["tracking_fps"] < 7.5:
        assert not reliable

    page.click("#results a")
    page.wait_for_selector("#report[data-state=ready]", timeout=30_000)
    assert page.evaluate("Chart.getChart(document.getElementById('beat-chart')) !== undefined")
    if reliable:
        assert page.locator("#moments .moment").count() > 0
    else:
        assert page.locator("#unreliable").is_visible()
        assert page.locator("#moments .moment").count() == 0
    assert no_sideways_scroll(page)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "practice_end_to_end.json").write_text(
        json.dumps(
            {
                "pose_ms_per_frame": measured.get("poseMs"),
                "warm_up_ms": measured.get("warmUpMs"),
                "frames_sent": measured.get("framesSent"),
                "beats_shown": measured.get("beats"),
                "test_seconds": round(time.monotonic() - began, 1),
            },
            indent=1,
        )
    )
