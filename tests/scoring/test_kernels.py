"""The compiled (numba) kernels of the live scorer give the values of the numpy formulas they
replaced, to the bit, on real recordings."""

import math

import numpy as np
import pytest

from generation.skeleton import MIRROR
from scoring import parse_pose_frames
from scoring.normalise import LearnerNormaliser
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
