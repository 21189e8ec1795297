"""Turn raw learner poses into comparable ones, causally (the same code serves live and offline).

Steps, per learner: resample onto the `params.GRID_FPS` song-clock grid (drop-outs get weight 0),
divide by a running torso length (body size), One Euro filter (tracker jitter), subtract the
pelvis (translation). The reference is made comparable by `project` (its 3D joints seen from
the learner's camera) and `ViewEstimator` (which camera yaw and whether the learner mirrors).
"""

import math

import numpy as np

from generation.skeleton import JOINT_INDEX, MIRROR
from scoring import params
from scoring.formats import PoseStream

_PELVIS = JOINT_INDEX["pelvis"]
_NECK = JOINT_INDEX["neck"]


def mirror_2d(joints: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mirror ``(T, J, 2)`` joints and ``(T, J)`` weights: negate x, exchange left and right."""
    out = joints[:, MIRROR].copy()
    out[..., 0] = -out[..., 0]
    return out, weights[:, MIRROR]


def project(reference: np.ndarray, yaw: float) -> np.ndarray:
    """Orthographic view ``(T, J, 2)`` of root-centred 3D joints ``(T, J, 3)`` (y up) from a
    camera turned ``yaw`` radians about the vertical axis; a 2D reference is returned as is."""
    if reference.shape[-1] == 2:
        return reference
    u = reference[..., 0] * math.cos(yaw) + reference[..., 2] * math.sin(yaw)
    return np.stack([u, reference[..., 1]], axis=-1).astype(np.float32)


class OneEuroFilter:
    """One Euro filter (Casiez, Roussel, Vogel, CHI 2012) over ``(J, 2)`` positions at a fixed
    rate; joints flagged missing keep their last filtered value."""

    def __init__(self, rate_hz: float = params.GRID_FPS):
        self.rate_hz = rate_hz
        self.value: np.ndarray | None = None
        self.speed: np.ndarray | None = None
        self.seen: np.ndarray | None = None

    def _alpha(self, cutoff_hz):
        tau = 1.0 / (2.0 * math.pi * cutoff_hz)
        return 1.0 / (1.0 + tau * self.rate_hz)

    def __call__(self, position: np.ndarray, present: np.ndarray) -> np.ndarray:
        if self.value is None:
            self.value = np.where(present[:, None], position, 0.0)
            self.speed = np.zeros_like(position)
            self.seen = present.copy()
            return self.value.copy()
        # A joint seen for the first time starts at its position instead of sliding in from 0.
        fresh = present & ~self.seen
        self.value[fresh] = position[fresh]
        self.seen |= present
        raw_speed = (position - self.value) * self.rate_hz
        self.speed += self._alpha(params.ONE_EURO_D_CUTOFF_HZ) * (raw_speed - self.speed)
        cutoff = params.ONE_EURO_MIN_CUTOFF_HZ + params.ONE_EURO_BETA * np.linalg.norm(
            self.speed, axis=1, keepdims=True
        )
        step = self._alpha(cutoff) * (position - self.value)
        self.value += np.where(present[:, None], step, 0.0)
        return self.value.copy()


class RunningQuantile:
    """Weighted quantile of a positive stream in a log-spaced histogram (O(1) per value)."""

    def __init__(self, quantile: float = params.SCALE_QUANTILE):
        self.quantile = quantile
        low, high = params.SCALE_RANGE
        self._log_low = math.log(low)
        self._step = (math.log(high) - self._log_low) / params.SCALE_BINS
        self.counts = np.zeros(params.SCALE_BINS)

    def add(self, value: float, weight: float) -> None:
        if value > 0 and weight > 0:
            b = int((math.log(value) - self._log_low) / self._step)
            self.counts[min(max(b, 0), len(self.counts) - 1)] += weight

    def value(self) -> float:
        """The quantile (0 before any value), interpolated within its bin."""
        total = self.counts.sum()
        if total <= 0:
            return 0.0
        cumulative = np.cumsum(self.counts)
        target = self.quantile * total
        b = int(np.searchsorted(cumulative, target))
        below = cumulative[b] - self.counts[b]
        within = (target - below) / self.counts[b]
        return math.exp(self._log_low + (b + within) * self._step)


class LearnerNormaliser:
    """Causal learner pipeline: `push` raw `PoseStream` batches, get new grid frames.

    Output frames are root-centred 2D joints in torso units; frame ``k`` of the output of the
    whole attempt is grid frame ``first_grid + k`` (song time ``(first_grid + k) / GRID_FPS``).
    """

    def __init__(self):
        self.first_grid: int | None = None
        self.next_grid = 0
        self._last: tuple[float, np.ndarray, np.ndarray] | None = None
        self._scale = RunningQuantile()
        self._filter = OneEuroFilter()

    @property
    def scale(self) -> float:
        """Current torso length estimate in input units (0 until a torso was seen)."""
        return self._scale.value()

    def push(self, stream: PoseStream) -> tuple[np.ndarray, np.ndarray]:
        """Resample, scale, filter and root-centre a batch. Returns joints ``(n, 15, 2)``
        float32 and weights ``(n, 15)`` float32 for the grid frames the batch completed."""
        joints, weights = self._resample(stream)
        out = np.zeros(joints.shape, dtype=np.float32)
        out_w = np.zeros(weights.shape, dtype=np.float32)
        for k in range(len(joints)):
            out[k], out_w[k] = self._frame(joints[k], weights[k])
        return out, out_w

    def _resample(self, stream: PoseStream) -> tuple[np.ndarray, np.ndarray]:
        times, joints, weights = stream.times_s, stream.joints, stream.weights
        if len(times) == 0:
            return np.zeros((0, *joints.shape[1:])), np.zeros((0, weights.shape[1]))
        if self._last is not None:
            t0, j0, w0 = self._last
            times = np.concatenate([[t0], times])
            joints = np.concatenate([j0[None], joints])
            weights = np.concatenate([w0[None], weights])
        elif self.first_grid is None:
            self.first_grid = self.next_grid = math.ceil(times[0] * params.GRID_FPS - 1e-6)
        self._last = (times[-1], joints[-1], weights[-1])
        last_grid = math.floor(times[-1] * params.GRID_FPS + 1e-6)
        grid = np.arange(self.next_grid, last_grid + 1)
        self.next_grid = last_grid + 1
        t = grid / params.GRID_FPS
        right = np.clip(np.searchsorted(times, t - 1e-9), 0, len(times) - 1)
        left = np.maximum(right - 1, 0)
        span = times[right] - times[left]
        frac = np.where(span > 0, (t - times[left]) / np.where(span > 0, span, 1.0), 1.0)
        frac = np.clip(frac, 0.0, 1.0)
        out = joints[left] + frac[:, None, None] * (joints[right] - joints[left])
        on_sample = frac >= 1.0 - 1e-6
        w = np.where(on_sample[:, None], weights[right], np.minimum(weights[left], weights[right]))
        w = np.where((~on_sample & (span > params.MAX_GAP_S))[:, None], 0.0, w)
        return out, w

    def _frame(self, joints: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        torso = float(np.linalg.norm(joints[_NECK] - joints[_PELVIS]))
        self._scale.add(torso, float(min(weights[_NECK], weights[_PELVIS])))
        scale = self._scale.value()
        if scale <= 0:
            return np.zeros(joints.shape, dtype=np.float32), np.zeros(
                weights.shape, dtype=np.float32
            )
        present = weights >= params.MISSING_WEIGHT
        filtered = self._filter(joints / scale, present)
        return filtered - filtered[_PELVIS], np.where(present, weights, 0.0)


class ViewEstimator:
    """Least-squares camera yaw and mirror choice from time-matched frame pairs.

    For each hypothesis (learner as is, learner mirrored) it accumulates weighted sums so that
    the yaw minimising ``sum w * |learner - project(reference, yaw)|^2`` and its residual come
    in closed form: ``u ~ a x + b z`` gives ``yaw = atan2(b, a)``. Work per frame is O(J).
    """

    # Order of the accumulated sums: xu, zu, xx, zz, xz, uu, vv, yy, vy.
    def __init__(self):
        self.sums = np.zeros((2, 9))

    def add(self, reference: np.ndarray, learner: np.ndarray, weights: np.ndarray) -> None:
        """Accumulate pairs: reference ``(n, J, 3 or 2)`` root-centred, learner ``(n, J, 2)``
        and weights ``(n, J)`` on the same grid frames."""
        ref = reference.reshape(-1, reference.shape[-1]).astype(np.float64)
        x, y = ref[:, 0], ref[:, 1]
        z = ref[:, 2] if ref.shape[1] == 3 else np.zeros_like(x)
        for h, (lj, lw) in enumerate(((learner, weights), mirror_2d(learner, weights))):
            u, v = lj[..., 0].ravel(), lj[..., 1].ravel()
            w = lw.ravel().astype(np.float64)
            self.sums[h] += [
                w @ (x * u), w @ (z * u), w @ (x * x), w @ (z * z), w @ (x * z),
                w @ (u * u), w @ (v * v), w @ (y * y), w @ (v * y),
            ]  # fmt: skip

    def _fit(self, h: int) -> tuple[float, float]:
        xu, zu, xx, zz, xz, uu, vv, yy, vy = self.sums[h]
        det = xx * zz - xz * xz
        if det > 1e-9:
            a, b = (zz * xu - xz * zu) / det, (xx * zu - xz * xu) / det
        else:
            a, b = xu, 0.0
        yaw = math.atan2(b, a) if (a or b) else 0.0
        c, s = math.cos(yaw), math.sin(yaw)
        residual = uu - 2 * (c * xu + s * zu) + c * c * xx + 2 * c * s * xz + s * s * zz
        return yaw, residual + vv - 2 * vy + yy

    def solve(self, mirror: str) -> tuple[float, bool]:
        """Best ``(yaw radians, mirrored)`` for mirror mode ``"auto" | "on" | "off"``."""
        plain, mirrored = self._fit(0), self._fit(1)
        if mirror == "on":
            use_mirror = True
        elif mirror == "off":
            use_mirror = False
        else:
            use_mirror = mirrored[1] < params.MIRROR_RESIDUAL_RATIO * plain[1]
        return (mirrored if use_mirror else plain)[0], bool(use_mirror)
