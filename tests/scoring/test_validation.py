"""The scorer's targets on the graded validation set of real recordings (`scoring.validate`,
targets in `scoring.targets`), on the split the constants were tuned on and on the held-out one.

Targets met today are asserted as stated. One is not met on every split yet (see the README's
validation section): for it, the test asserts today's level so that a change cannot make it
worse unnoticed, and its name says so.
"""

import pytest

from scoring.targets import check_targets
from scoring.validate import figures

pytestmark = pytest.mark.slow

NOT_YET_MET = {
    # target prefix: (split where it is met too ("" for none), the level measured now on the
    # others, which must not get worse)
    "damaged part: span accuracy falls": ("tune", 15.0),
}
# Targets where a smaller measured value is better.
_AT_MOST: tuple[str, ...] = ()


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
        "damaged part: fix names it",
        "damaged part: untouched beats",
        "different dance: overall",
        "different dance: no Perfect",
        "different dance: >=",
        "lateness and earliness",
        "timing that drifts",
        "only the arms move",
        "parts out of frame: each part still seen",
        "parts out of frame: never blamed",
        "legs and hips out of frame",
        "tracking at 5 fps",
        "tracking at 10-30 fps",
    ],
)
def test_target_is_met_on_every_split(targets, prefix):
    for line in _lines(targets, prefix):
        assert line["passed"], line


@pytest.mark.parametrize("prefix", sorted(NOT_YET_MET))
def test_target_not_yet_met_is_no_worse_than_today(targets, prefix):
    met_on, level = NOT_YET_MET[prefix]
    for line in _lines(targets, prefix):
        if line["split"] == met_on:
            assert line["passed"], line
        elif prefix in _AT_MOST:
            assert line["value"] <= level, line
        else:
            assert line["value"] >= level, line
