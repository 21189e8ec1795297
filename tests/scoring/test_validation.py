"""The scorer's targets on the graded validation set of real recordings (`scoring.validate`,
targets in `scoring.targets`), on the split the constants were tuned on, on the held-out one
and on more training captures.

Targets met today are asserted as stated. Three are not met on every split yet (see the README's
validation section): for those, the test asserts today's level on the splits where they are
not met, so that a change cannot make them worse unnoticed, and its name says so.
"""

import pytest

from scoring.targets import check_targets
from scoring.validate import figures

pytestmark = pytest.mark.slow

NOT_YET_MET = {
    # target prefix: {split: the level measured now, which must not get worse}; met on the
    # other splits.
    "damaged part: fix names it": {"more": 0.5},
    "different dance: no Perfect": {"more": 1},
}
# Targets where a smaller measured value is better.
_AT_MOST = ("different dance: no Perfect",)


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


@pytest.mark.parametrize("prefix", sorted(NOT_YET_MET))
def test_target_not_yet_met_is_no_worse_than_today(targets, prefix):
    levels = NOT_YET_MET[prefix]
    for line in _lines(targets, prefix):
        if line["split"] not in levels:
            assert line["passed"], line
        elif prefix in _AT_MOST:
            assert line["value"] <= levels[line["split"]], line
        else:
            assert line["value"] >= levels[line["split"]], line
