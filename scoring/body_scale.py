"""The learner's body size: a running torso length, so poses compare whatever the distance to the
camera. A weighted histogram of log torso lengths, its quantile updated at fixed frames, so the
result does not depend on how frames are batched."""

import math

import numpy as np
from numba import njit

from scoring import params
from scoring.skeleton import JOINT_INDEX
from scoring.sums import pairwise_sum

_PELVIS = JOINT_INDEX["pelvis"]
_NECK = JOINT_INDEX["neck"]
# The segments whose lengths measure a learner seen from the waist up.
UPPER_BODY_SEGMENTS = [
    (JOINT_INDEX[a], JOINT_INDEX[b])
    for a, b in (
        ("left_shoulder", "right_shoulder"), ("left_shoulder", "left_elbow"),
        ("right_shoulder", "right_elbow"), ("left_elbow", "left_wrist"),
        ("right_elbow", "right_wrist"), ("neck", "head"),
    )
]  # fmt: skip


class BodyScale:
    """Torso length per grid frame, batch by batch. A learner whose hips the camera has not
    shown (a webcam that sees the upper body) is measured by the upper body instead:
    ``UPPER_BODY_TO_TORSO`` times the sum of the same quantile of the shoulder width, the upper
    arms, the forearms and the neck-to-head length."""

    def __init__(self):
        self._torso = LengthQuantile(_NECK, _PELVIS)
        self._upper = [LengthQuantile(a, b) for a, b in UPPER_BODY_SEGMENTS]

    @property
    def scale(self) -> float:
        """The current estimate in input units (0 until a torso or an upper body was seen)."""
        if self._torso.scale > 0:
            return self._torso.scale
        return params.UPPER_BODY_TO_TORSO * sum(length.scale for length in self._upper)

    def push(self, joints: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Body-size unit per frame ``(n,)`` of joints ``(n, J, 2)`` float64 and weights ``(n, J)``:
        the torso quantile as of the last update, made after frames 1, 2, 4, 8... then every
        SCALE_BLOCK_FRAMES frames of the attempt; the upper body's while no torso was seen; 0
        before either was seen."""
        from_upper = self._torso.scale <= 0
        torso = self._torso.push(joints, weights)
        if not from_upper:  # once a torso was seen it stays the measure
            return torso
        upper = params.UPPER_BODY_TO_TORSO * sum(
            length.push(joints, weights) for length in self._upper
        )
        return np.where(torso > 0, torso, upper)


class LengthQuantile:
    """The running weighted quantile of the 2D distance between two joints: a histogram over
    SCALE_BINS log-spaced bins."""

    def __init__(self, a: int, b: int):
        self.a, self.b = a, b
        self._counts = np.zeros(params.SCALE_BINS)
        self.scale = 0.0
        self._rows = self._next_update = 0

    def push(self, joints: np.ndarray, weights: np.ndarray) -> np.ndarray:
        length, length_weight, usable = _lengths(joints, weights, self.a, self.b)
        out = np.empty(len(joints))
        # numpy's log, as the histogram has always used (the kernel would call the C library's).
        self._next_update, self.scale = _torso_scales(
            np.log(length[usable]), usable, length_weight, self._counts, self._rows,
            self._next_update, self.scale, out,
        )  # fmt: skip
        self._rows += len(joints)
        return out


@njit(cache=True)
def _lengths(joints, weights, a, b):
    """2D distances ``(n,)`` between joints ``a`` and ``b`` of joints ``(n, J, 2)`` float64, their
    weights ``(n,)`` float32 (the lower of the two) and whether both are positive (a length to
    count)."""
    n = len(joints)
    length = np.empty(n)
    length_weight = np.empty(n, dtype=np.float32)
    for i in range(n):
        x = joints[i, a, 0] - joints[i, b, 0]
        y = joints[i, a, 1] - joints[i, b, 1]
        length[i] = np.sqrt(x * x + y * y)
        length_weight[i] = min(weights[i, a], weights[i, b])
    return length, length_weight, (length > 0) & (length_weight > 0)


@njit(cache=True)
def _torso_scales(logs, usable, torso_weight, counts, rows, next_update, scale, out):
    """Add a batch's torsos to the histogram ``counts`` frame by frame and write each frame's
    scale to ``out`` ``(n,)``; at the frame numbered ``next_update`` (the batch's first is
    ``rows``) the scale becomes the histogram's quantile. ``logs``: the logarithms of the
    ``usable`` torsos. Returns the next update's frame and the last scale."""
    used = 0
    for i in range(len(out)):
        if usable[i]:
            b = int((logs[used] - _LOG_LOW) / _LOG_STEP)
            counts[min(max(b, 0), len(counts) - 1)] += np.float64(torso_weight[i])
            used += 1
        row = rows + i
        if row == next_update:
            scale = _histogram_quantile(counts)
            next_update = row + min(params.SCALE_BLOCK_FRAMES, max(1, row))
        out[i] = scale
    return next_update, scale


@njit(cache=True)
def _histogram_quantile(counts):
    """The SCALE_QUANTILE of the torso histogram (0 while it is empty), interpolated within
    its bin: the first bin whose cumulative count reaches the target."""
    total = pairwise_sum(counts, 0, len(counts), 0.0)
    if total <= 0:
        return 0.0
    target = params.SCALE_QUANTILE * total
    cumulative = 0.0
    b = 0
    for b in range(len(counts)):
        cumulative = counts[b] if b == 0 else cumulative + counts[b]
        if cumulative >= target:
            break
    within = (target - (cumulative - counts[b])) / counts[b]
    return math.exp(_LOG_LOW + (b + within) * _LOG_STEP)


# The torso histogram: SCALE_BINS log-spaced bins over SCALE_RANGE.
_LOG_LOW = math.log(params.SCALE_RANGE[0])
_LOG_STEP = (math.log(params.SCALE_RANGE[1]) - _LOG_LOW) / params.SCALE_BINS
