"""Learner samples, which arrive at the tracker's own times, onto the song-clock grid."""

import numpy as np
from numba import njit


@njit(cache=True)
def resample_rows(times, joints, weights, first_grid, last_grid, rate_hz, max_gap_s):
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
