"""Pose cleaning after the thesis in paper 003: find frames where a joint moves implausibly, treat
them as missing, and fill them with cubic splines over time.

Paper 003 flags frame ``i`` when any keypoint moved more than a fixed distance since the previous
frame, comparing against frame ``i - 2`` instead when frame ``i - 1`` was flagged and ``i - 2`` was
not (so a one-frame glitch is not also blamed on the good frame after it). Here the distance is a
speed in metres per second, so it means the same at every frame rate, and a second test catches
what displacement alone misses: a limb bone whose length is far off its median (the ballroom
README's "short glitches" are stretched bones).

Whole frames are replaced, as in the paper. Spline interpolation is linear in the values, so
joints derived as midpoints (pelvis, neck) stay the midpoints of the filled joints.
"""

import numpy as np
from scipy.interpolate import CubicSpline

from scoring.skeleton import JOINT_INDEX

# Faster than any joint of a dancer moves (hand peaks in fast street dance are about 10 m/s);
# a joint that covers this in one frame has jumped.
MAX_JOINT_SPEED_M_S = 15.0
# A limb bone more than this fraction away from its median length is a glitch (ballroom README).
MAX_BONE_DEVIATION = 0.3
# Limb bones are rigid in every source; torso "bones" between derived midpoints are not.
LIMB_BONES = (
    ("left_hip", "left_knee"),
    ("left_knee", "left_ankle"),
    ("right_hip", "right_knee"),
    ("right_knee", "right_ankle"),
    ("left_shoulder", "left_elbow"),
    ("left_elbow", "left_wrist"),
    ("right_shoulder", "right_elbow"),
    ("right_elbow", "right_wrist"),
)


def jump_frames(
    frames: np.ndarray, fps: float, max_speed: float = MAX_JOINT_SPEED_M_S
) -> np.ndarray:
    """``(T,)`` bool: some joint of the frame jumped, by paper 003's rule (equations 1-2).

    ``frames`` is ``(T, J, 3)`` in metres at ``fps``.
    """
    step = max_speed / fps
    # Largest joint displacement from one and from two frames back; index i is frame i.
    from_previous = np.r_[0.0, np.linalg.norm(np.diff(frames, axis=0), axis=-1).max(axis=1)]
    from_two_back = np.r_[0.0, 0.0, np.linalg.norm(frames[2:] - frames[:-2], axis=-1).max(axis=1)]
    flagged = np.zeros(len(frames), dtype=bool)
    for i in range(1, len(frames)):
        skip_back = i >= 2 and flagged[i - 1] and not flagged[i - 2]
        flagged[i] = (from_two_back[i] if skip_back else from_previous[i]) > step
    return flagged


def stretched_frames(frames: np.ndarray, max_deviation: float = MAX_BONE_DEVIATION) -> np.ndarray:
    """``(T,)`` bool: some limb bone of canonical ``frames`` ``(T, J, 3)`` is more than
    ``max_deviation`` (a fraction) longer or shorter than its median over the sequence."""
    flagged = np.zeros(len(frames), dtype=bool)
    for a, b in LIMB_BONES:
        length = np.linalg.norm(frames[:, JOINT_INDEX[b]] - frames[:, JOINT_INDEX[a]], axis=-1)
        flagged |= np.abs(length / np.median(length) - 1.0) > max_deviation
    return flagged


def fill_frames(frames: np.ndarray, missing: np.ndarray) -> np.ndarray:
    """Replace the ``missing`` frames ``(T,)`` of ``frames`` ``(T, ...)`` by a cubic spline through
    the other frames; before the first and after the last good frame the nearest good frame is
    held (a spline would fly off). Fewer than 2 good frames: returned unchanged."""
    out = frames.copy()
    t = np.arange(len(frames))
    if not missing.any() or (~missing).sum() < 2:
        return out
    good_t = t[~missing]
    query = np.clip(t[missing], good_t[0], good_t[-1])
    out[missing] = CubicSpline(good_t, frames[~missing], axis=0)(query)
    return out


def clean_poses(frames: np.ndarray, fps: float) -> tuple[np.ndarray, int]:
    """Clean canonical poses ``(T, J, 3)`` in metres at ``fps``.

    Frames with a NaN joint, a jump or a stretched limb are replaced. Returns the cleaned float32
    frames and how many frames were replaced.
    """
    frames = np.asarray(frames, dtype=np.float32)
    missing = np.isnan(frames).any(axis=(1, 2))
    filled = fill_frames(frames, missing)
    missing |= jump_frames(filled, fps) | stretched_frames(filled)
    return fill_frames(frames, missing).astype(np.float32), int(missing.sum())
