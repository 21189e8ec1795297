"""Resample pose sequences to the canonical frame rate."""

import numpy as np
from scipy.interpolate import CubicSpline

from scoring.skeleton import CANONICAL_FPS


def resample(frames: np.ndarray, fps: float, target_fps: float = CANONICAL_FPS) -> np.ndarray:
    """Resample ``(T, J, C)`` frames taken at ``fps`` to ``target_fps`` with a cubic spline in time.

    Frame ``i`` of the result is at ``i / target_fps`` seconds, the same clock as the input's
    frame 0. The result covers the input's duration ``T / fps`` (``round(T * target_fps / fps)``
    frames); times past the last input frame, at most one output frame, hold the last pose instead
    of extrapolating.
    """
    frames = np.asarray(frames, dtype=np.float32)
    if fps == target_fps:
        return frames.copy()
    n_out = int(round(len(frames) * target_fps / fps))
    if len(frames) < 2:
        return np.repeat(frames[:1], n_out, axis=0)
    t_in = np.arange(len(frames)) / fps
    t_out = np.minimum(np.arange(n_out) / target_fps, t_in[-1])
    return CubicSpline(t_in, frames, axis=0)(t_out).astype(np.float32)
