"""Put the floor at y = 0.

Sources disagree about where the floor is: AIST++ keypoints float about 70 cm above 0, the
ballroom capture's root drifts upward by up to half a metre during a take (its README), and the
retargeted AIST++ rotations come without any floor. The floor is therefore re-estimated from the
lowest point of the body: the feet touch the floor at least once every few seconds in every dance
here (breaking floorwork included, where a hand or knee is lowest).
"""

import numpy as np

# Height of the ankle joint above the floor when standing (lateral malleolus, about 7-9 cm); the
# ballroom capture, which also has heel and toe points, measures 7-10 cm.
ANKLE_HEIGHT_M = 0.08
# Low percentile rather than the minimum, so one glitched frame does not set the floor.
FLOOR_PERCENTILE = 2.0


def constant_floor(lowest_y: np.ndarray) -> float:
    """Floor height (same units as ``lowest_y``) for a capture whose floor does not move:
    a low percentile of the per-frame lowest point ``lowest_y`` ``(T,)``."""
    return float(np.nanpercentile(lowest_y, FLOOR_PERCENTILE))


def drifting_floor(lowest_y: np.ndarray, fps: float, window_s: float = 4.0) -> np.ndarray:
    """Per-frame floor height ``(T,)`` for a capture whose vertical origin drifts.

    The floor of each ``window_s`` window is a low percentile of the lowest point in it; windows
    overlap by half and the per-frame floor is interpolated linearly between window centres, so
    the correction changes slowly and never follows a jump.
    """
    n = len(lowest_y)
    size = max(int(round(window_s * fps)), 1)
    starts = np.arange(0, max(n - size, 0) + 1, max(size // 2, 1))
    centres = starts + min(size, n) / 2.0
    levels = [np.nanpercentile(lowest_y[s : s + size], FLOOR_PERCENTILE) for s in starts]
    return np.interp(np.arange(n), centres, levels).astype(np.float32)


def put_on_floor(frames: np.ndarray) -> np.ndarray:
    """Shift canonical frames ``(T, J, 3)`` (metres, floor constant) in place so that the lowest
    joint, an ankle whenever the dancer stands, sits at `ANKLE_HEIGHT_M`; returns them."""
    frames[..., 1] -= constant_floor(frames[..., 1].min(axis=1)) - ANKLE_HEIGHT_M
    return frames
