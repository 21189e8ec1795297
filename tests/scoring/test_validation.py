"""The scorer's targets on the graded validation set of real recordings (`scoring.validate`,
targets in `scoring.targets`), on the split the constants were tuned on and on the held-out one.

Targets met today are asserted as stated. Four are not met yet (see the README's validation
section): for those, the test asserts today's level so that a change cannot make them worse
unnoticed, and its name says so.
"""

import pytest

from scoring.targets import check_targets
from scoring.validate import figures

pytestmark = pytest.mark.slow

NOT_YET_MET = {
    # target prefix: (split, the level measured now that must not get worse)
    "same dance within 45 deg": ("tune", 79.0),
    "damaged part: span accuracy falls": ("all", 9.0),
    "damaged part: fix names it": ("all", 0.13),
    "parts out of frame: overall of the parts seen": ("all", 9.0),
}


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
        "mirrored learner",
        "motion ladder",
        "freeze ladder",
        "late ladder",
        "early ladder",
        "damaged part: untouched beats",
        "different dance: overall",
        "different dance: no Perfect",
        "different dance: >=",
        "lateness and earliness",
        "only the arms move",
        "parts out of frame: never blamed",
        "tracking at 5 fps",
        "tracking at 10-30 fps",
    ],
)
def test_target_is_met_on_every_split(targets, prefix):
    for line in _lines(targets, prefix):
        assert line["passed"], line


def test_same_dance_within_45_degrees_scores_85_on_the_held_out_split(targets):
    (line,) = [t for t in _lines(targets, "same dance within 45 deg") if t["split"] == "held-out"]
    assert line["passed"], line


@pytest.mark.parametrize("prefix", sorted(NOT_YET_MET))
def test_target_not_yet_met_is_no_worse_than_today(targets, prefix):
    split, level = NOT_YET_MET[prefix]
    for line in _lines(targets, prefix):
        if split != "all" and line["split"] != split:
            assert line["passed"], line
            continue
        if "within" in line["target"] and "parts seen" in line["target"]:
            assert line["value"] <= level, line
        else:
            assert line["value"] >= level, line
