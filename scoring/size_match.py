"""The learner's size matched to the reference's over the last few seconds, causally.

`scoring.body_scale` measures the learner by one torso length for the whole attempt. A learner
who steps towards the camera or away from it grows or shrinks in the picture (a quarter of their
size for a step of one metre from three metres away), and a camera filming from above or from a
side sees the torso shorter than it is: the whole body then looks too small or too large and
every part scores as if it were somewhere else.

`SizeMatch` compares heights: per learner frame, each of a few mirror-free points (the head, the
neck, and the midpoints of the shoulders, elbows, wrists, knees and ankles) has a height above
the pelvis, and the reference at the same song time has its own. Where the reference's is at
least `params.SIZE_MATCH_MIN_HEIGHT` torso units from the pelvis (a ratio near 0 / 0 says
nothing) and both joints of the point are well seen, the learner's height over the reference's
is one sample. The learner's factor is the median of the samples of the last
`params.SIZE_MATCH_WINDOW_S` seconds, held between updates made after frames 1, 2, 4, 8... then
every `params.SCALE_BLOCK_FRAMES` frames, and kept within `params.SIZE_MATCH_LIMIT` of 1. The
median keeps one body part danced wrong (a quarter of the points at most) from resizing the
rest; heights do not depend on the camera's yaw or on mirroring, so the factor needs neither.

Live and offline call it on the same frames (the learner's from where the reference begins),
so both get the same factors however frames are batched.
"""

import numpy as np
from numba import njit

from scoring import params
from scoring.skeleton import JOINT_INDEX

# The points whose heights are compared: a joint on the body's middle, or a left/right pair's
# midpoint (so that a mirrored learner measures the same).
_POINTS = (
    ("head", "head"), ("neck", "neck"), ("left_shoulder", "right_shoulder"),
    ("left_elbow", "right_elbow"), ("left_wrist", "right_wrist"),
    ("left_knee", "right_knee"), ("left_ankle", "right_ankle"),
)  # fmt: skip
_LEFT = np.array([JOINT_INDEX[a] for a, _ in _POINTS])
_RIGHT = np.array([JOINT_INDEX[b] for _, b in _POINTS])
WINDOW_FRAMES = round(params.SIZE_MATCH_WINDOW_S * params.GRID_FPS)
# A point counts where both of its joints have at least this weight.
_SEEN = 0.5


class SizeMatch:
    """`push` learner frames in time order with the reference's at the same grid frames; get
    the factor to divide each learner frame by (module docstring)."""

    def __init__(self):
        # The samples of the last WINDOW_FRAMES rows, row r in slot r % WINDOW_FRAMES.
        self._ring = np.full((WINDOW_FRAMES, len(_POINTS)), np.nan)
        self._rows = 0
        self._next_update = 0
        self.factor = 1.0

    def push(
        self, reference: np.ndarray, learner: np.ndarray, weights: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Learner frames ``(n, J, 2)`` float32 (root-centred) with weights ``(n, J)``, against
        reference frames ``(n, J, 2 or 3)`` at the same song times: the frames divided by their
        factors, and the factors ``(n,)`` float32."""
        sized = np.empty_like(learner)
        factors = np.empty(len(learner), dtype=np.float32)
        self._next_update, self.factor = _factors(
            reference, learner, weights, self._ring, self._rows, self._next_update, self.factor,
            sized, factors,
        )  # fmt: skip
        self._rows += len(learner)
        return sized, factors


@njit(cache=True)
def _factors(reference, learner, weights, ring, rows, next_update, factor, sized, factors):
    """`SizeMatch.push`: each row's samples into ``ring``, the factor updated at row
    ``next_update`` (the batch's first row is ``rows``); writes each row's factor to ``factors``
    and the row divided by it to ``sized``. Returns the next update's row and the last
    factor."""
    window, points = ring.shape
    samples = np.empty(window * points)
    for i in range(len(learner)):
        row = rows + i
        slot = row % window
        for p in range(points):
            a, b = _LEFT[p], _RIGHT[p]
            theirs = 0.5 * (np.float64(reference[i, a, 1]) + np.float64(reference[i, b, 1]))
            ours = 0.5 * (np.float64(learner[i, a, 1]) + np.float64(learner[i, b, 1]))
            seen = min(weights[i, a], weights[i, b]) >= _SEEN
            if seen and abs(theirs) >= params.SIZE_MATCH_MIN_HEIGHT:
                ring[slot, p] = ours / theirs
            else:
                ring[slot, p] = np.nan
        if row == next_update:
            count = 0
            for k in range(min(row + 1, window)):
                for p in range(points):
                    if np.isfinite(ring[k, p]):
                        samples[count] = ring[k, p]
                        count += 1
            if count >= params.SIZE_MATCH_MIN_SAMPLES:
                limit = params.SIZE_MATCH_LIMIT
                factor = min(max(np.median(samples[:count]), 1.0 - limit), 1.0 + limit)
            next_update = row + min(params.SCALE_BLOCK_FRAMES, max(1, row))
        factors[i] = factor
        for j in range(learner.shape[1]):
            for c in range(2):
                sized[i, j, c] = learner[i, j, c] / factors[i]
    return next_update, factor
