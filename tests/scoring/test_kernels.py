"""The compiled (numba) kernels of the live scorer give the values of the numpy formulas they
replaced, to the bit, on real recordings."""

import math

import numpy as np
import pytest

from generation.skeleton import MIRROR
from scoring import parse_pose_frames
from scoring.beats import _SCORED_JOINTS, _jerk, beat_sums, frame_jerks, track_jerk
from scoring.normalise import LearnerNormaliser, mirror_2d, planar_length, project
from scoring.params import GRID_FPS
from scoring.stream import _band_costs
from scoring.sums import pairwise_sum


def _learner(attempt):
    stream = parse_pose_frames(attempt["timestamps_ms"], attempt["frames"], attempt["format"])
    return LearnerNormaliser().push(stream)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_pairwise_sum_is_numpys_sum_to_the_bit(attempt, dtype):
    """Every length up to past numpy's 8192-value buffer, on values of very different sizes
    (where the order of additions shows) and on a real learner's coordinates."""
    rng = np.random.default_rng(0)
    zero = dtype(0.0)
    lengths = [*range(1, 300), 1000, 1001, 8192, 8193, 20000]
    for n in lengths:
        values = (rng.standard_normal(n + 5) * 10 ** rng.uniform(-4, 4, n + 5)).astype(dtype)
        assert pairwise_sum(values, 3, n, zero) == np.add.reduce(values[3 : 3 + n]), n
    joints = _learner(attempt)[0].astype(dtype).ravel()
    for n in (14, 15, 150, 420, len(joints)):
        assert pairwise_sum(joints, 0, n, zero) == np.add.reduce(joints[:n])
    assert math.copysign(1.0, pairwise_sum(np.full(20, -0.0, dtype), 0, 20, zero)) == 1.0


def _band_costs_numpy(reference, learner, yaw, mirrored, band, valid):
    """The live scorer's costs as numpy computed them: reference rows ``(n + 2 band, J, 3)``
    projected at ``yaw`` (rows outside ``valid`` zero), each learner row against the sliding
    window of its band."""
    n = len(learner)
    projected = np.zeros((n + 2 * band, 2, reference.shape[1]), dtype=np.float32)
    x, y, z = (np.ascontiguousarray(reference[valid, :, c]) for c in range(3))
    np.add(x * math.cos(yaw), z * math.sin(yaw), out=projected[valid, 0])
    projected[valid, 1] = y
    bands = np.lib.stride_tricks.sliding_window_view(projected, 2 * band + 1, axis=0)
    bands = bands.transpose(0, 3, 1, 2)  # (n, cell, [u, v], joint)
    if mirrored:
        ours = learner[:, MIRROR].transpose(0, 2, 1) * np.array([[-1.0], [1.0]], np.float32)
    else:
        ours = np.ascontiguousarray(learner.transpose(0, 2, 1))
    step = np.subtract(bands, ours[:, None], out=np.empty(bands.shape, np.float32))
    both = np.add.reduce(np.multiply(step, step, out=step), axis=-1)
    return (both[..., 0] + both[..., 1]).astype(np.float64)


@pytest.mark.parametrize("mirrored", [False, True])
def test_band_costs_are_the_numpy_costs_to_the_bit(attempt, reference, mirrored):
    """Windows inside the reference and cut by its start and end, at several yaws."""
    learner, _ = _learner(attempt)
    planes = reference.planes
    band, total = 21, len(reference.joints)
    for lo, n in ((0, 15), (40, 15), (100, 1), (200, 32), (total - 2 * band - 20, 20)):
        valid = slice(max(lo, 10) - lo, min(lo + n + 2 * band, total - 3) - lo)
        window = reference.joints[lo : lo + n + 2 * band]
        for yaw in (0.0, 0.7, -2.9):
            got = _band_costs(
                *planes, lo, lo + valid.start, lo + valid.stop, np.float32(math.cos(yaw)),
                np.float32(math.sin(yaw)), learner[lo : lo + n], MIRROR, mirrored, band,
            )  # fmt: skip
            expected = _band_costs_numpy(window, learner[lo : lo + n], yaw, mirrored, band, valid)
            assert np.array_equal(got, expected), (lo, n, yaw)


def _frame_jerks_numpy(track, weights):
    """`frame_jerks` as numpy computed it."""
    track = track.take(_SCORED_JOINTS, axis=1)
    third = track[3:] - 3 * track[2:-1] + 3 * track[1:-2] - track[:-3]
    magnitude = planar_length(third)
    magnitude *= GRID_FPS**3
    if weights is None:
        return magnitude.astype(np.float64).sum(axis=1) / float(len(_SCORED_JOINTS))
    weights = weights.take(_SCORED_JOINTS, axis=1)
    w = np.minimum(np.minimum(weights[3:], weights[2:-1]), np.minimum(weights[1:-2], weights[:-3]))
    seen = w.sum(axis=1)
    total = (magnitude * w).sum(axis=1)
    return np.divide(total, seen, out=np.full(len(seen), np.nan, np.float32), where=seen > 0)


def _beat_sums_numpy(learner, weights, reference):
    """`beat_sums` of gathered frame pairs as numpy computed them."""
    distance = planar_length(learner - reference)
    joint_weight = weights.sum(axis=0)
    joint_distance = (distance * weights).sum(axis=0) / np.maximum(joint_weight, 1e-9)
    scored = weights.take(_SCORED_JOINTS, axis=1)
    visible = float(np.float32(float(np.add.reduce(scored, axis=None)) / scored.size))
    scored_weight = joint_weight[_SCORED_JOINTS]
    overall = (joint_distance[_SCORED_JOINTS] * scored_weight).sum() / scored_weight.sum()
    return joint_weight, joint_distance, visible, overall


@pytest.fixture(scope="module")
def learner_track(attempt):
    """A real learner track with unseen joints (weights 0) and partly seen ones."""
    learner, weights = _learner(attempt)
    weights = weights.copy()
    weights[40:60, 9:] = 0.0  # arms and legs unseen for a while
    weights[100:104] = 0.0  # the whole body: frames with no joint seen
    return learner, weights


@pytest.mark.parametrize("mirror", [False, True])
def test_jerks_are_the_numpy_jerks_to_the_bit(learner_track, reference, mirror):
    learner, weights = learner_track
    if mirror:
        learner, weights = mirror_2d(learner, weights)
    got = frame_jerks(learner, weights)
    expected = _frame_jerks_numpy(learner, weights)
    assert np.isnan(got).any()
    assert np.array_equal(got, expected, equal_nan=True)
    projected = project(reference.joints, 0.4)
    assert np.array_equal(frame_jerks(projected), _frame_jerks_numpy(projected, None))
    # A beat's jerk straight from the unmirrored track (the live scorer's way) is the same.
    for lo, hi in ((0, 3), (30, 50), (90, 110), (0, len(learner))):
        values = [v for v in expected[lo : hi - 3].tolist() if v == v]
        median = float(np.median(values)) if values and hi - lo >= 4 else 0.0
        assert track_jerk(expected, lo, hi) == median
        assert _jerk(*learner_track, True, MIRROR if mirror else np.arange(15), lo, hi) == median


@pytest.mark.parametrize("mirror", [False, True])
def test_beat_sums_are_the_numpy_sums_to_the_bit(learner_track, reference, mirror):
    """Aligned pairs of real beats, with joints unseen, mirrored on the way or before."""
    learner, weights = learner_track
    projected = project(reference.joints, -0.3)
    rng = np.random.default_rng(0)
    for lo in (0, 35, 95, 150):
        rows = np.sort(rng.integers(lo, lo + 20, size=24))
        cols = np.clip(rows + rng.integers(-3, 4, size=24), 0, len(projected) - 1)
        ours, our_weights = mirror_2d(learner, weights) if mirror else (learner, weights)
        expected = _beat_sums_numpy(ours[rows], our_weights[rows], projected[cols])
        for got in (
            beat_sums(learner, weights, rows, projected, cols, mirror=mirror),
            beat_sums(ours, our_weights, rows, projected, cols),
        ):
            for a, b in zip(got, expected, strict=True):
                assert np.array_equal(a, b), lo
