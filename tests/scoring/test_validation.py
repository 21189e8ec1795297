"""The scorer's targets on the graded validation set of real recordings (`scoring.validate`,
targets in `scoring.targets`), on the split the constants were tuned on, on the held-out one
and on more training captures.

Every target is asserted as stated, on every split.
"""

import json

import pytest

from scoring.targets import check_targets
from scoring.validate import figures, main

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def targets():
    return check_targets(figures("all"))


def _lines(targets, prefix):
    lines = [t for t in targets if t["target"].startswith(prefix)]
    assert lines, prefix
    return lines


@pytest.mark.parametrize(
    "prefix",
    [
        "same dance within 45 deg",
        "mirrored learner",
        "motion ladder",
        "freeze ladder",
        "late ladder",
        "early ladder",
        "damaged part: span accuracy falls",
        "damaged part: untouched beats",
        "different dance: overall",
        "different dance: >=",
        "lateness and earliness",
        "timing that drifts",
        "a part danced wrong",
        "damaged part: fix names it",
        "different dance: no Perfect",
        "only the arms move",
        "parts out of frame: each part still seen",
        "parts out of frame: never blamed",
        "legs and hips out of frame",
        "tracking at 5 fps",
        "tracking at 10-30 fps",
        "recorded reference, filmed within",
        "recorded reference, filmed over",
    ],
)
def test_target_is_met_on_every_split(targets, prefix):
    for line in _lines(targets, prefix):
        assert line["passed"], line


def test_json_rows_are_written(capsys):
    assert main(["--split", "tune", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert {r["split"] for r in rows} == {"tune"}
    assert all(isinstance(r["overall"], (int, float)) for r in rows if r["overall"] is not None)
