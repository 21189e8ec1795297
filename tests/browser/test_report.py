"""The attempt report in real headless Chromium: the per-beat chart, the weakest moments with a
replay of the learner's skeleton beside the reference, the summary, and the history.

The attempts are scored by the real practice services from real 2D detections of a dancer
(AIST++ keypoints2d, COCO-17 pixels, camera c01) against a routine made of the same dance's 3D
capture, so the scores are those of a real performance.
"""

from pathlib import Path

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from coach.practice import services as practice
from coach.practice.models import Attempt
from coach.routines.services import store_routine
from coach.songs.services import create_song
from generation.data.aistpp import aistpp_dir, load_annotation
from scoring.skeleton import JOINTS
from tests.browser.test_routine_page import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SONG_S = 12.0
BATCH = 3  # frames per batch, as the browser sends them (~100 ms at 30 fps)


def annotation_with_2d() -> Path:
    return next(
        p
        for p in sorted((aistpp_dir() / "annotations").glob("*.npz"))
        if "keypoints2d" in np.load(p).files
    )


@pytest.fixture
def danced(make_user, wav_file):
    """A routine from a real dance and a function that practises it: (learner, routine, practise)."""
    alice = make_user("alice")
    path = wav_file(SONG_S)
    song = create_song(alice, SimpleUploadedFile(path.name, path.read_bytes()), "Click track")
    source = annotation_with_2d()
    clip = load_annotation(source)
    beats = np.arange(0.0, SONG_S, 0.5)
    routine = store_routine(
        song,
        alice,
        {
            "fps": clip.fps,
            "joints": JOINTS,
            "frames": clip.frames[: int(SONG_S * clip.fps)],
            "beats": beats.tolist(),
            "downbeats": beats[::4].tolist(),
            "segments": [
                {"start_s": 0.0, "end_s": 4.0, "label": "A"},
                {"start_s": 4.0, "end_s": 8.0, "label": "B"},
                {"start_s": 8.0, "end_s": SONG_S, "label": "C"},
            ],
            "style": clip.style,
            "level": "beginner",
            "seed": 0,
            "model": f"aistpp:{clip.name}",
            "tempo_bpm": 120.0,
        },
    )
    with np.load(source) as data:
        keypoints = np.nan_to_num(data["keypoints2d"][0, ::2][: int(SONG_S * 30)])  # 60 -> 30 fps

    def practise(shift_ms=0.0):
        """Send the detections (shifted in time: a late learner) through the practice services."""
        attempt = practice.start_attempt(alice, routine, pose_format="coco17")
        session = practice.open_session(alice, attempt.id)
        times = np.arange(len(keypoints)) * 1000.0 / 30 + shift_ms
        for seq, start in enumerate(range(0, len(keypoints), BATCH)):
            practice.receive_frames(
                session,
                {
                    "type": "frames",
                    "seq": seq,
                    "format": "coco17",
                    "timestamps_ms": times[start : start + BATCH].tolist(),
                    "frames": keypoints[start : start + BATCH].tolist(),
                    "image_size": [1920, 1080],
                },
            )
        practice.finish(session)
        return Attempt.objects.get(pk=attempt.id)

    return alice, routine, practise


def test_report_shows_chart_weakest_moments_and_history(page, live_server, danced):
    _, _, practise = danced
    first = practise(shift_ms=200.0)
    latest = practise()
    assert latest.status == Attempt.Status.COMPLETE and latest.beat_results
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/attempts/{latest.id}/")
    page.wait_for_selector("#report[data-state=ready]")
    assert errors == []

    chart = page.evaluate("""(() => { const c = Chart.getChart(document.getElementById('beat-chart'));
        return {labels: c.data.labels.length, sets: c.data.datasets.map(d => d.label)}; })()""")
    assert chart["labels"] == len(latest.beat_results)
    assert chart["sets"][:3] == ["Timing", "Accuracy", "Smoothness"]
    assert page.locator("#beat-table tbody tr").count() == len(latest.beat_results)

    moments = page.locator("#moments .moment")
    assert moments.count() == min(3, len(latest.beat_results))
    weakest = latest.summary["weakest_beats"][0]
    assert f"Beat {weakest + 1} " in moments.first.locator("h3").text_content()
    # The replay draws the learner's skeleton: the canvas is no longer blank.
    drawn = "(c) => c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some((v, i) => i % 4 === 3 && v > 0)"
    mine = moments.first.locator("canvas").first
    assert mine.evaluate(drawn)
    moments.first.get_by_role("button", name=f"Replay beat {weakest + 1}").click()
    page.wait_for_function("document.querySelector('#moments .moment button').disabled === false")
    assert mine.evaluate(drawn)

    history = page.locator("#history tbody tr")
    assert history.count() == 2
    assert history.nth(1).get_attribute("aria-current") == "true"
    assert history.nth(0).locator("a").get_attribute("href") == f"/attempts/{first.id}/"
    assert (
        page.evaluate(
            "Chart.getChart(document.getElementById('history-chart')).data.datasets[0].data.length"
        )
        == 2
    )
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
