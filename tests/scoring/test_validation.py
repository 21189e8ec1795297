"""Validation on real recordings (AIST++ 3D as the routine, its 2D detections as the learner).

The same figures are printed as the README table by ``python -m scoring.validate``.
"""

import pytest

from scoring.validate import figures

pytestmark = pytest.mark.slow

GRID_FRAME_MS = 1000.0 / 30.0 + 0.1


@pytest.fixture(scope="module")
def rows():
    return figures()


def _kind(rows, kind):
    return [r for r in rows if r["kind"] == kind]


def test_the_same_dance_from_another_camera_scores_high(rows):
    same = _kind(rows, "same")
    assert len(same) == 12
    for r in same:
        assert r["overall"] >= 85, r
        assert r["accuracy"] >= 80, r
        assert abs(r["timing_offset_ms"]) <= GRID_FRAME_MS, r


def test_a_different_dance_scores_low(rows):
    worst_same = min(r["overall"] for r in _kind(rows, "same"))
    for r in _kind(rows, "different"):
        assert r["overall"] <= 55, r
        assert r["accuracy"] <= 50, r
        assert r["overall"] <= worst_same - 30, r


def test_a_known_time_offset_is_reported(rows):
    offsets = _kind(rows, "offset")
    assert len(offsets) == 3
    for r in offsets:
        assert abs(r["timing_offset_ms"] - r["shift_ms"]) <= GRID_FRAME_MS, r
        assert r["timing"] < 80, r


def test_jitter_lowers_smoothness_but_not_accuracy(rows):
    clean = _kind(rows, "same")[0]
    (jittered,) = _kind(rows, "jitter")
    assert jittered["smoothness"] <= clean["smoothness"] - 10
    assert abs(jittered["accuracy"] - clean["accuracy"]) <= 5


def test_a_mirrored_learner_in_mirror_mode_scores_like_the_unmirrored(rows):
    clean = _kind(rows, "same")[0]
    by_mode = {r["mode"]: r for r in _kind(rows, "mirror")}
    for mode in ("on", "auto"):
        assert by_mode[mode]["mirrored"] is True
        assert abs(by_mode[mode]["overall"] - clean["overall"]) <= 3
        assert abs(by_mode[mode]["accuracy"] - clean["accuracy"]) <= 3
    assert by_mode["off"]["mirrored"] is False
    assert by_mode["off"]["accuracy"] <= clean["accuracy"] - 40
