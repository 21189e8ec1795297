import json
import subprocess
import sys
from pathlib import Path

import pytest

from scoring.validate import SAME_BPM, aist_attempt, aist_routine

ROOT = Path(__file__).resolve().parents[2]


def _run(*args):
    return subprocess.run(
        [sys.executable, "-m", "scoring", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def files(tmp_path_factory, routine, attempt):
    folder = tmp_path_factory.mktemp("cli")
    (folder / "routine.json").write_text(json.dumps(routine))
    (folder / "attempt.json").write_text(json.dumps(attempt))
    return folder


def test_cli_prints_beats_and_summary_as_json(files):
    done = _run(
        files / "attempt.json", "--reference", files / "routine.json", "--mirror", "off", "--json"
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert len(result["beats"]) == 16
    beat = result["beats"][0]
    assert set(beat) == {
        "index", "time_s", "timing_offset_ms", "timing", "accuracy", "smoothness", "overall", "label", "parts", "seen", "fix",
    }  # fmt: skip
    assert set(beat["parts"]) == {"head", "torso", "left_arm", "right_arm", "left_leg", "right_leg"}
    assert result["summary"]["overall"] > 70  # the same dance, seen from the side (camera c03)


def test_cli_accepts_a_recording_as_reference(files, attempt):
    recording = {**attempt, "beats": json.loads((files / "routine.json").read_text())["beats"]}
    (files / "recording.json").write_text(json.dumps(recording))
    done = _run(files / "attempt.json", "--reference", files / "recording.json", "--json")
    assert done.returncode == 0, done.stderr
    # The learner is the recording itself: every part as recorded. (Ranges were compared with
    # the reference's over frames where the learner was not seen: 94.8, a left arm at 0.)
    assert json.loads(done.stdout)["summary"]["accuracy"] > 99


def test_cli_gives_no_verdict_against_a_recording_filmed_from_another_side(files):
    """A recording of the same dance from camera c01, the learner from c02 (about 40 degrees
    round): not a fail but no verdict, and the table says why."""
    name = SAME_BPM[1]
    recording = {**aist_attempt(name, 0), "beats": aist_routine(name)["beats"]}
    (files / "front.json").write_text(json.dumps(recording))
    (files / "side.json").write_text(json.dumps(aist_attempt(name, 1)))
    done = _run(files / "side.json", "--reference", files / "front.json")
    assert done.returncode == 0, done.stderr
    assert "not a verdict: you were filmed about" in done.stdout
    assert "film yourself from the same side" in done.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "not valid JSON"),
        (
            '{"format": "coco17", "timestamps_ms": [0, 33], "frames": [[[1, 2, 1]]]}',
            "2 timestamps for 1 frames",
        ),
        ('{"format": "coco17", "timestamps_ms": [0, 33], "frames": [[[1, 2, NaN]]]}', "non-finite"),
        ('{"timestamps_ms": [0, 33]}', "missing format, frames"),
    ],
)
def test_cli_exits_2_on_malformed_attempt(files, content, message):
    (files / "bad.json").write_text(content)
    done = _run(files / "bad.json", "--reference", files / "routine.json")
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_cli_exits_2_on_malformed_reference_or_missing_file(files):
    (files / "bad_routine.json").write_text(
        '{"fps": 30, "joints": ["head"], "frames": [], "beats": [0]}'
    )
    done = _run(files / "attempt.json", "--reference", files / "bad_routine.json")
    assert done.returncode == 2 and "canonical joints" in done.stderr
    done = _run(files / "missing.json", "--reference", files / "routine.json")
    assert done.returncode == 2 and "cannot read attempt" in done.stderr
