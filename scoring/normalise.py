"""Turn raw learner poses into comparable ones, causally (the same code serves live and offline).

Steps, per learner: resample onto the `params.GRID_FPS` song-clock grid (drop-outs get weight 0),
divide by a running torso length (body size), One Euro filter (tracker jitter), subtract the
pelvis (translation). The reference is made comparable by `project` (its 3D joints seen from
the learner's camera) and `ViewEstimator` (which camera yaw and whether the learner mirrors).
"""

import math

import numpy as np
from numba import njit

from scoring import params
from scoring.formats import PoseStream
from scoring.skeleton import JOINT_INDEX, MIRROR
from scoring.sums import pairwise_sum

_PELVIS = JOINT_INDEX["pelvis"]
_NECK = JOINT_INDEX["neck"]


def planar_length(vectors: np.ndarray) -> np.ndarray:
    """Length ``(...)`` of 2D vectors ``(..., 2)``: the values of ``np.linalg.norm(v, axis=-1)``
    (x*x + y*y, then the root), without a reduction over an axis of two, which is slow."""
    x, y = vectors[..., 0], vectors[..., 1]
    return np.sqrt(x * x + y * y)


def _length(vectors: np.ndarray) -> np.ndarray:
    """Length ``(...)`` of 2D or 3D vectors ``(..., C)``."""
    if vectors.shape[-1] == 2:
        return planar_length(vectors)
    return np.sqrt(np.add.reduce(vectors * vectors, axis=-1))


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
    # numpy multiplied the float32 joints by the float32 nearest cos and sin.
    return _project_3d(reference, np.float32(math.cos(yaw)), np.float32(math.sin(yaw)))


@njit(cache=True)
def _project_3d(reference, cos, sin):
    """`project` of float32 joints ``(T, J, 3)``: ``u = x cos + z sin``, ``v = y`` in float32."""
    out = np.empty((*reference.shape[:-1], 2), dtype=np.float32)
    for t in range(reference.shape[0]):
        for j in range(reference.shape[1]):
            out[t, j, 0] = reference[t, j, 0] * cos + reference[t, j, 2] * sin
            out[t, j, 1] = reference[t, j, 1]
    return out


class OneEuroFilter:
    """One Euro filter (Casiez, Roussel, Vogel, CHI 2012) over ``(n, J, C)`` positions at a fixed
    rate, batch by batch; the result does not depend on how frames are batched.

    As in the original, speed is the low-passed difference of raw samples. Given the speeds,
    the filter is the linear recurrence ``y[t] = y[t-1] + a[t] (x[t] - y[t-1])``, solved in
    short chunks with cumulative products instead of a Python loop over frames. A missing joint
    (``present`` false) keeps its filtered value; a joint seen for the first time starts at its
    position.
    """

    _CHUNK = 32  # keeps the cumulative products of (1 - a) far above float64 underflow

    def __init__(self, rate_hz: float = params.GRID_FPS):
        self.rate_hz = rate_hz
        self.value: np.ndarray | None = None  # (J, C) last filtered position
        self.raw: np.ndarray | None = None  # (J, C) last present raw position
        self.speed: np.ndarray | None = None  # (J,) low-passed speed
        self.seen: np.ndarray | None = None  # (J,)
        self._all_seen = False
        self._alpha_d = self._alpha(params.ONE_EURO_D_CUTOFF_HZ)
        self._alpha_d_rows: np.ndarray | None = None  # (CHUNK, J) all alpha_d

    def _alpha(self, cutoff_hz):
        return 1.0 / (1.0 + self.rate_hz / (2.0 * math.pi * cutoff_hz))

    def __call__(self, positions: np.ndarray, present: np.ndarray) -> np.ndarray:
        """Filtered ``(n, J, C)`` float64 of positions ``(n, J, C)``, present ``(n, J)`` bool."""
        x = positions.astype(np.float64)
        if self.value is None:
            self.value = np.zeros(x.shape[1:])
            self.raw = np.zeros(x.shape[1:])
            self.speed = np.zeros(x.shape[1])
            self.seen = np.zeros(x.shape[1], dtype=bool)
            self._alpha_d_rows = np.full((self._CHUNK, x.shape[1]), self._alpha_d)
        if self._all_seen:
            return _one_euro_seen(
                x, present, self.value, self.raw, self.speed, self.rate_hz, self._alpha_d,
                self._CHUNK,
            )  # fmt: skip
        out = np.empty_like(x)
        for lo in range(0, len(x), self._CHUNK):
            hi = lo + self._CHUNK
            out[lo:hi] = self._chunk(x[lo:hi], present[lo:hi])
        return out

    def _chunk(self, x: np.ndarray, ok: np.ndarray) -> np.ndarray:
        if len(x) == 1 and (self._all_seen or self.seen[ok[0]].all()):
            return self._one(x[0], ok[0])[None]
        # Joints seen for the first time start at their first present position (live, every
        # joint is seen within the first frames, and this is skipped).
        fresh = None if self._all_seen else ok.any(axis=0) & ~self.seen
        if fresh is not None:
            first = np.argmax(ok, axis=0)
            unseen = self.value.copy()
            self.value[fresh] = self.raw[fresh] = x[first[fresh], fresh]
            self.seen |= fresh
            self._all_seen = bool(self.seen.all())
        # Raw samples with gaps filled by the last present one; row 0 is the state's.
        all_present = ok.all()
        if all_present:
            filled = np.concatenate([self.raw[None], x])
        else:
            filled = _forward_fill(
                np.concatenate([self.raw[None], np.where(ok[..., None], x, np.nan)])
            )
        raw_speed = _length(filled[1:] - filled[:-1]) * self.rate_hz
        a_speed = self._alpha_d_rows[: len(x)] if all_present else np.where(ok, self._alpha_d, 0.0)
        speed = _low_pass(raw_speed, a_speed, self.speed)
        alpha = self._alpha(params.ONE_EURO_MIN_CUTOFF_HZ + params.ONE_EURO_BETA * speed)
        if not all_present:
            alpha = np.where(ok, alpha, 0.0)
        y = _low_pass(x, alpha[..., None], self.value)
        if fresh is not None:
            # Before its first sample a joint stays where it was, as it would frame by frame.
            before = fresh & (np.arange(len(x))[:, None] < first)
            y[before] = np.broadcast_to(unseen, y.shape)[before]
        self.value, self.raw, self.speed = y[-1].copy(), filled[-1].copy(), speed[-1].copy()
        return y

    def _one(self, x: np.ndarray, ok: np.ndarray) -> np.ndarray:
        """The same recurrence for a single frame whose present joints were seen before (the
        live case), without the chunk machinery."""
        # Multiplying by ``ok`` zeroes what a missing joint contributes (every factor is finite).
        raw_speed = _length(x - self.raw) * self.rate_hz * ok
        a_speed = self._alpha_d * ok
        self.speed = self.speed + a_speed * (raw_speed - self.speed)
        cutoff = params.ONE_EURO_MIN_CUTOFF_HZ + params.ONE_EURO_BETA * self.speed
        alpha = (self._alpha(cutoff) * ok)[:, None]
        self.value = self.value + alpha * (x - self.value)
        self.raw = np.where(ok[:, None], x, self.raw)
        return self.value.copy()


@njit(cache=True)
def _resample_rows(times, joints, weights, first_grid, last_grid, rate_hz, max_gap_s):
    """Grid frames ``first_grid ... last_grid`` (at ``rate_hz``) of samples ``joints``
    ``(n, J, 2)`` float32 and ``weights`` ``(n, J)`` float32 at ``times`` ``(n,)`` seconds.
    A frame between two samples is interpolated linearly (float32 difference, float64
    interpolation, as numpy broadcast it) and takes the lower of their weights; a frame on a
    sample (within 1e-6 of it) takes that sample's weight; a frame inside a gap longer than
    ``max_gap_s`` gets weight 0. Returns ``(g, J, 2)`` float64 and ``(g, J)`` float32."""
    count = max(last_grid + 1 - first_grid, 0)
    out = np.empty((count, joints.shape[1], joints.shape[2]))
    out_weights = np.empty((count, joints.shape[1]), dtype=np.float32)
    last = len(times) - 1
    right = 0
    for i in range(count):
        t = (first_grid + i) / rate_hz
        while right < len(times) and times[right] < t - 1e-9:
            right += 1  # the first sample at or after t (1e-9 s of slack)
        right = min(right, last)
        left = max(right - 1, 0)
        span = times[right] - times[left]
        frac = min(max((t - times[left]) / span, 0.0), 1.0) if span > 0 else 1.0
        on_sample = frac >= 1.0 - 1e-6
        weight_left = right if on_sample else left
        gap = not on_sample and span > max_gap_s
        for j in range(joints.shape[1]):
            for c in range(joints.shape[2]):
                step = joints[right, j, c] - joints[left, j, c]
                out[i, j, c] = np.float64(joints[left, j, c]) + frac * np.float64(step)
            weight = min(weights[weight_left, j], weights[right, j])
            out_weights[i, j] = np.float32(0.0) if gap else weight
    return out, out_weights


@njit(cache=True)
def _one_euro_seen(x, present, value, raw, speed, rate_hz, alpha_d, chunk):
    """`OneEuroFilter` of ``x`` ``(n, J, C)`` float64 once every joint has been seen, updating
    its state ``value`` ``(J, C)``, ``raw`` ``(J, C)`` and ``speed`` ``(J,)`` in place: the
    arithmetic of its numpy code, per joint, in the same order (chunks of ``chunk`` frames
    solved with cumulative products, a chunk of one frame by the plain recurrence)."""
    n, joints, channels = x.shape
    out = np.empty_like(x)
    last = np.empty(channels)  # the last present raw position
    moved = np.empty(channels)  # running sums of alpha x / keep of the chunk
    for j in range(joints):
        for lo in range(0, n, chunk):
            hi = min(lo + chunk, n)
            for c in range(channels):
                last[c] = raw[j, c]
            if hi - lo == 1:
                ok = 1.0 if present[lo, j] else 0.0
                squares = 0.0
                for c in range(channels):
                    squares += (x[lo, j, c] - last[c]) * (x[lo, j, c] - last[c])
                raw_speed = np.sqrt(squares) * rate_hz * ok
                speed[j] = speed[j] + alpha_d * ok * (raw_speed - speed[j])
                alpha = 1.0 / (1.0 + rate_hz / (_TWO_PI * (_MIN_CUTOFF + _BETA * speed[j]))) * ok
                for c in range(channels):
                    value[j, c] = value[j, c] + alpha * (x[lo, j, c] - value[j, c])
                    out[lo, j, c] = value[j, c]
                    if present[lo, j]:
                        raw[j, c] = x[lo, j, c]
                continue
            start_speed = speed[j]
            keep_speed = keep = speed_sum = 0.0
            for t in range(lo, hi):
                a_speed = alpha_d if present[t, j] else 0.0
                squares = 0.0
                for c in range(channels):
                    step = x[t, j, c] - last[c] if present[t, j] else 0.0
                    squares += step * step
                    if present[t, j]:
                        last[c] = x[t, j, c]
                raw_speed = np.sqrt(squares) * rate_hz
                factor = 1.0 - a_speed
                keep_speed = factor if t == lo else keep_speed * factor
                term = a_speed * raw_speed / keep_speed
                speed_sum = term if t == lo else speed_sum + term
                smoothed = keep_speed * (start_speed + speed_sum)
                alpha = 1.0 / (1.0 + rate_hz / (_TWO_PI * (_MIN_CUTOFF + _BETA * smoothed)))
                if not present[t, j]:
                    alpha = 0.0
                factor = 1.0 - alpha
                keep = factor if t == lo else keep * factor
                for c in range(channels):
                    term = alpha * x[t, j, c] / keep
                    moved[c] = term if t == lo else moved[c] + term
                    out[t, j, c] = keep * (value[j, c] + moved[c])
                speed[j] = smoothed
            for c in range(channels):
                value[j, c] = out[hi - 1, j, c]
                raw[j, c] = last[c]
    return out


_TWO_PI = 2.0 * math.pi
_MIN_CUTOFF = params.ONE_EURO_MIN_CUTOFF_HZ
_BETA = params.ONE_EURO_BETA


def _forward_fill(values: np.ndarray) -> np.ndarray:
    """Replace NaN rows of ``(n, J, C)`` by the last earlier finite row of the same joint
    (row 0 must be finite)."""
    index = np.where(np.isfinite(values[..., 0]), np.arange(len(values))[:, None], 0)
    np.maximum.accumulate(index, axis=0, out=index)
    return values[index, np.arange(values.shape[1])]


def _low_pass(x: np.ndarray, alpha: np.ndarray, start: np.ndarray) -> np.ndarray:
    """``y[t] = y[t-1] + alpha[t] (x[t] - y[t-1])`` from ``y[-1] = start`` (alpha < 1), as
    ``y[t] = keep[t] (start + sum_{k<=t} alpha[k] x[k] / keep[k])``, keep = cumprod(1 - alpha)."""
    keep = np.multiply.accumulate(1.0 - alpha, axis=0)
    return keep * (start + np.add.accumulate(alpha * x / keep, axis=0))


class LearnerNormaliser:
    """Causal learner pipeline: `push` raw `PoseStream` batches, get new grid frames.

    Output frames are root-centred 2D joints in torso units; frame ``k`` of the output of the
    whole attempt is grid frame ``first_grid + k`` (song time ``(first_grid + k) / GRID_FPS``).
    """

    def __init__(self):
        self.first_grid: int | None = None
        self.next_grid = 0
        self._last: tuple[float, np.ndarray, np.ndarray] | None = None
        # The learner's torso lengths: a weighted histogram over SCALE_BINS log-spaced bins.
        self._torso_counts = np.zeros(params.SCALE_BINS)
        self._scale = 0.0
        self._rows = self._next_update = 0
        self._filter = OneEuroFilter()

    @property
    def scale(self) -> float:
        """Current torso length estimate in input units (0 until a torso was seen)."""
        return self._scale

    def push(self, stream: PoseStream) -> tuple[np.ndarray, np.ndarray]:
        """Resample, scale, filter and root-centre a batch. Returns joints ``(n, 15, 2)``
        float32 and weights ``(n, 15)`` float32 for the grid frames the batch completed."""
        joints, weights = self._resample(stream)
        if len(joints) == 0:
            return np.zeros((0, *joints.shape[1:]), np.float32), np.zeros(weights.shape, np.float32)
        scale = self._scales(joints, weights)
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

    def _resample(self, stream: PoseStream) -> tuple[np.ndarray, np.ndarray]:
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
        out = _resample_rows(
            times, joints, weights, self.next_grid, last_grid, params.GRID_FPS, params.MAX_GAP_S
        )
        self.next_grid = last_grid + 1
        return out

    def _scales(self, joints: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Body-size unit per frame ``(n,)``: the torso quantile as of the last update, made
        after frames 1, 2, 4, 8... then every SCALE_BLOCK_FRAMES frames of the attempt (so the
        result does not depend on batching); 0 before any torso was seen."""
        torso, torso_weight, usable = _torsos(joints, weights)
        out = np.empty(len(joints))
        # numpy's log, as the histogram has always used (the kernel would call the C library's).
        self._next_update, self._scale = _torso_scales(
            np.log(torso[usable]), usable, torso_weight, self._torso_counts, self._rows,
            self._next_update, self._scale, out,
        )  # fmt: skip
        self._rows += len(joints)
        return out


@njit(cache=True)
def _torsos(joints, weights):
    """2D torso lengths ``(n,)`` of joints ``(n, J, 2)`` float64, their weights ``(n,)`` float32
    (the lower of pelvis and neck) and whether both are positive (a torso to count)."""
    n = len(joints)
    torso = np.empty(n)
    torso_weight = np.empty(n, dtype=np.float32)
    for i in range(n):
        x = joints[i, _NECK, 0] - joints[i, _PELVIS, 0]
        y = joints[i, _NECK, 1] - joints[i, _PELVIS, 1]
        torso[i] = np.sqrt(x * x + y * y)
        torso_weight[i] = min(weights[i, _NECK], weights[i, _PELVIS])
    return torso, torso_weight, (torso > 0) & (torso_weight > 0)


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


def view_features(reference: np.ndarray) -> np.ndarray:
    """What `ViewEstimator` needs of root-centred reference joints ``(T, J, 3 or 2)``:
    ``(T, J, 8)`` float64 x, z, y, x*x, z*z, x*z, y*y and 1 (z = 0 for a 2D reference)."""
    ref = reference.astype(np.float64)
    x, y = ref[..., 0], ref[..., 1]
    z = ref[..., 2] if ref.shape[-1] == 3 else np.zeros_like(x)
    return np.stack([x, z, y, x * x, z * z, x * z, y * y, np.ones_like(x)], axis=-1)


# Where each of ViewEstimator's sums lies in the (8, 10) matrix of `view_features` against
# the learner's features (w u, w v, w, w u^2, w v^2, then the same of the mirrored learner).
_SUM_ROWS = np.array([0, 1, 3, 4, 5, 7, 7, 6, 2])
_SUM_COLUMNS = np.array([0, 0, 2, 2, 2, 3, 4, 2, 1]) + np.array([[0], [5]])


@njit(cache=True)
def _view_columns(learner, weights, mirror):
    """The learner's side of `ViewEstimator`'s sums, ``(n * J, 10)`` float64 for joints
    ``(n, J, 2)`` and weights ``(n, J)``: w u, w v, w, w u^2, w v^2 per frame and joint, then the
    same of the mirrored learner (joints exchanged by ``mirror``, w u negated)."""
    n, joints = weights.shape
    out = np.empty((n * joints, 10))
    for i in range(n):
        for j in range(joints):
            row = i * joints + j
            u, v = np.float64(learner[i, j, 0]), np.float64(learner[i, j, 1])
            w = np.float64(weights[i, j])
            wu, wv = w * u, w * v
            out[row, 0], out[row, 1], out[row, 2] = wu, wv, w
            out[row, 3], out[row, 4] = wu * u, wv * v
        for j in range(joints):
            row, source = i * joints + j, i * joints + mirror[j]
            out[row, 5] = -out[source, 0]
            for c in range(1, 5):
                out[row, 5 + c] = out[source, c]
    return out


class ViewEstimator:
    """Least-squares camera yaw and mirror choice from time-matched frame pairs.

    For each hypothesis (learner as is, learner mirrored) it accumulates weighted sums so that
    the yaw minimising ``sum w * |learner - project(reference, yaw)|^2`` and its residual come
    in closed form: ``u ~ a x + b z`` gives ``yaw = atan2(b, a)``. Work per frame is O(J), in
    one matrix product per batch.
    """

    # Order of the accumulated sums: xu, zu, xx, zz, xz, uu, vv, yy, vy.
    def __init__(self):
        self.sums = np.zeros((2, 9))

    def add(self, reference: np.ndarray, learner: np.ndarray, weights: np.ndarray) -> None:
        """Accumulate pairs: reference ``(n, J, 3 or 2)`` root-centred, learner ``(n, J, 2)``
        and weights ``(n, J)`` on the same grid frames."""
        self.add_features(view_features(reference), learner, weights)

    def add_features(self, features: np.ndarray, learner: np.ndarray, weights: np.ndarray):
        """`add` with the reference's `view_features` ``(n, J, 8)`` (a live scorer takes them
        from the `scoring.Reference`, computed once)."""
        products = features.reshape(-1, 8).T @ _view_columns(learner, weights, MIRROR)
        self.sums += products[_SUM_ROWS[None], _SUM_COLUMNS]

    def _fit(self, h: int) -> tuple[float, float]:
        xu, zu, xx, zz, xz, uu, vv, yy, vy = self.sums[h].tolist()  # Python floats: faster
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
