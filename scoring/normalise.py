"""Turn raw learner poses into comparable ones, causally (the same code serves live and offline).

Steps, per learner: resample onto the `params.GRID_FPS` song-clock grid (`scoring.resample`;
drop-outs get weight 0), divide by a running torso length (`scoring.body_scale`), One Euro filter
(`scoring.one_euro`, tracker jitter), subtract the pelvis (translation). A learner seen from the waist up (a webcam that never shows
the hips) is measured from the neck instead (`scoring.upper_body`). The reference is made
comparable by `scoring.view` (its 3D joints seen from the learner's camera), and then the
learner's size is matched to the reference's over the last seconds (`scoring.size_match`: a
learner who walks towards the camera or away from it grows or shrinks in the picture).
"""

import math

import numpy as np

from scoring import params
from scoring.body_scale import BodyScale
from scoring.formats import PoseStream
from scoring.one_euro import OneEuroFilter
from scoring.resample import resample_rows
from scoring.skeleton import JOINT_INDEX

_PELVIS = JOINT_INDEX["pelvis"]


class LearnerNormaliser:
    """Causal learner pipeline: `push` raw `PoseStream` batches, get new grid frames.

    Output frames are root-centred 2D joints in torso units; frame ``k`` of the output of the
    whole attempt is grid frame ``first_grid + k`` (song time ``(first_grid + k) / GRID_FPS``).
    """

    def __init__(self):
        self.first_grid: int | None = None
        self.next_grid = 0
        self._last: tuple[float, np.ndarray, np.ndarray] | None = None
        self.body_scale = BodyScale()
        self._filter = OneEuroFilter()

    @property
    def scale(self) -> float:
        """Current torso length estimate in input units (0 until a torso was seen)."""
        return self.body_scale.scale

    def push(self, stream: PoseStream) -> tuple[np.ndarray, np.ndarray]:
        """Resample, scale, filter and root-centre a batch. Returns joints ``(n, 15, 2)``
        float32 and weights ``(n, 15)`` float32 for the grid frames the batch completed."""
        joints, weights = self.resample(stream)
        if len(joints) == 0:
            return np.zeros((0, *joints.shape[1:]), np.float32), np.zeros(weights.shape, np.float32)
        scale = self.body_scale.push(joints, weights)
        present = weights >= params.MISSING_WEIGHT
        if scale[0] > 0:  # the scale never falls back to 0 once a torso was seen
            filtered = self._filter(joints / scale[:, None, None], present)
            centred = filtered - filtered[:, _PELVIS : _PELVIS + 1]
        else:
            known = scale > 0
            present &= known[:, None]
            filtered = self._filter(joints / np.where(known, scale, 1.0)[:, None, None], present)
            centred = filtered - filtered[:, _PELVIS : _PELVIS + 1]
            centred[~known] = 0.0
        # Multiplying by ``present`` zeroes a missing joint's weight (weights are finite).
        return centred.astype(np.float32), weights * present

    def resample(self, stream: PoseStream) -> tuple[np.ndarray, np.ndarray]:
        """Linear interpolation onto the grid frames that the batch completes: joints
        ``(n, J, 2)`` float64 and weights ``(n, J)`` float32."""
        times, joints, weights = stream.times_s, stream.joints, stream.weights
        if not len(times):
            return np.zeros((0, *joints.shape[1:])), np.zeros((0, weights.shape[1]))
        if self._last is not None:
            t0, j0, w0 = self._last
            times = np.concatenate(((t0,), times))
            joints = np.concatenate((j0[None], joints))
            weights = np.concatenate((w0[None], weights))
        elif self.first_grid is None:
            self.first_grid = self.next_grid = math.ceil(float(times[0]) * params.GRID_FPS - 1e-6)
        self._last = (float(times[-1]), joints[-1], weights[-1])
        last_grid = math.floor(float(times[-1]) * params.GRID_FPS + 1e-6)
        out = resample_rows(
            times, joints, weights, self.next_grid, last_grid, params.GRID_FPS, params.MAX_GAP_S
        )
        self.next_grid = last_grid + 1
        return out
