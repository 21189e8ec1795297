"""The One Euro filter (Casiez, Roussel, Vogel, CHI 2012): tracker jitter removed causally, little
lag on fast moves. One compiled code path serves every batch size, live and offline."""

import math

import numpy as np
from numba import njit

from scoring import params

_TWO_PI = 2.0 * math.pi
_MIN_CUTOFF = params.ONE_EURO_MIN_CUTOFF_HZ
_BETA = params.ONE_EURO_BETA


def planar_length(vectors: np.ndarray) -> np.ndarray:
    """Length ``(...)`` of 2D vectors ``(..., 2)``: the values of ``np.linalg.norm(v, axis=-1)``
    (x*x + y*y, then the root), without a reduction over an axis of two, which is slow."""
    x, y = vectors[..., 0], vectors[..., 1]
    return np.sqrt(x * x + y * y)


class OneEuroFilter:
    """One Euro filter over ``(n, J, C)`` positions at a fixed rate, batch by batch; the result
    does not depend on how frames are batched.

    As in the original, speed is the low-passed difference of raw samples. Given the speeds,
    the filter is the linear recurrence ``y[t] = y[t-1] + a[t] (x[t] - y[t-1])``, solved in
    short chunks with cumulative products. A missing joint (``present`` false) keeps its
    filtered value; a joint seen for the first time starts at its position.
    """

    _CHUNK = 32  # keeps the cumulative products of (1 - a) far above float64 underflow

    def __init__(self, rate_hz: float = params.GRID_FPS):
        self.rate_hz = rate_hz
        self.value: np.ndarray | None = None  # (J, C) last filtered position
        self.raw: np.ndarray | None = None  # (J, C) last present raw position
        self.speed: np.ndarray | None = None  # (J,) low-passed speed
        self.seen: np.ndarray | None = None  # (J,)
        self._alpha_d = 1.0 / (1.0 + rate_hz / (_TWO_PI * params.ONE_EURO_D_CUTOFF_HZ))

    def __call__(self, positions: np.ndarray, present: np.ndarray) -> np.ndarray:
        """Filtered ``(n, J, C)`` float64 of positions ``(n, J, C)``, present ``(n, J)`` bool."""
        x = positions.astype(np.float64)
        if self.value is None:
            self.value = np.zeros(x.shape[1:])
            self.raw = np.zeros(x.shape[1:])
            self.speed = np.zeros(x.shape[1])
            self.seen = np.zeros(x.shape[1], dtype=np.bool_)
        return _one_euro(
            x, np.ascontiguousarray(present, dtype=np.bool_), self.value, self.raw, self.speed,
            self.seen, self.rate_hz, self._alpha_d, self._CHUNK,
        )  # fmt: skip


@njit(cache=True)
def _one_euro(x, present, value, raw, speed, seen, rate_hz, alpha_d, chunk):
    """`OneEuroFilter` of ``x`` ``(n, J, C)`` float64, updating its state ``value`` ``(J, C)``,
    ``raw`` ``(J, C)``, ``speed`` ``(J,)`` and ``seen`` ``(J,)`` in place. Per joint, chunks of
    ``chunk`` frames are solved with cumulative products (``y[t] = keep[t] (y0 + sum alpha x /
    keep)``); a chunk of one frame by the plain recurrence. A joint first seen inside a chunk
    starts that chunk at its first position, and before that frame keeps its old value."""
    n, joints, channels = x.shape
    out = np.empty_like(x)
    last = np.empty(channels)  # the last present raw position
    moved = np.empty(channels)  # running sums of alpha x / keep of the chunk
    old = np.empty(channels)
    for j in range(joints):
        for lo in range(0, n, chunk):
            hi = min(lo + chunk, n)
            first = lo
            if not seen[j]:
                while first < hi and not present[first, j]:
                    first += 1
                for c in range(channels):
                    old[c] = value[j, c]
                if first < hi:
                    seen[j] = True
                    for c in range(channels):
                        value[j, c] = raw[j, c] = x[first, j, c]
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
            for t in range(lo, first):  # before its first sample a joint stays where it was
                for c in range(channels):
                    out[t, j, c] = old[c]
            for c in range(channels):
                value[j, c] = out[hi - 1, j, c]
                raw[j, c] = last[c]
    return out
