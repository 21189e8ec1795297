"""How hard a stretch of dance is for a learner, and the level labels derived from it.

Five components are measured on canonical frames ``(T, J, 3)`` (metres, +Y up):

- ``joint_speed``: mean speed of the root-relative joints, m/s (how fast the limbs move);
- ``jerk``: mean magnitude of the third time derivative of the root-relative joints, m/s³
  (how abruptly the movement changes);
- ``turning``: mean absolute yaw rate of the hips, rad/s (turns and spins);
- ``range_of_motion``: mean spread of each root-relative joint around its average place, m;
- ``moves_per_beat``: motion beats (pauses of the body between two moves) per music beat.

A single difficulty score compares a clip with the typical dance of its style: the mean over
components of ``log(component / style_median)``. Zero is a typical stretch of that style,
+0.7 is about twice as fast/abrupt/wide/dense on average. Level labels are the terciles of that
score within a style (`level_thresholds`), with AIST++'s basic/advanced labels as extra evidence
(`ADVANCED_BONUS`).
"""

from collections.abc import Iterable, Mapping

import numpy as np
from scipy.ndimage import gaussian_filter1d
from scipy.signal import argrelextrema

from scoring.skeleton import JOINT_INDEX, split_root

COMPONENTS = ("joint_speed", "jerk", "turning", "range_of_motion", "moves_per_beat")
# Assumed beat rate when no music beats are known (120 BPM, the middle of dance tempi).
DEFAULT_BEATS_PER_S = 2.0
# A clip that AIST++ labels as advanced (sFM) or basic (sBM) is moved by this many score units
# before the terciles are taken: the label is the choreographers' own word on difficulty.
ADVANCED_BONUS = 0.15
# Motion beats: speed smoothed over this many frames (sigma) at 30 fps, then local minima
# at least `MOTION_BEAT_ORDER` frames apart; keeps mocap jitter from counting as moves.
MOTION_BEAT_SIGMA_S = 2.0 / 30.0
MOTION_BEAT_ORDER_S = 4.0 / 30.0
_EPS = 1e-6


def joint_velocities(frames: np.ndarray, fps: float) -> np.ndarray:
    """Per-frame joint velocities ``(T-1, J, 3)`` in m/s."""
    return np.diff(frames, axis=0) * fps


def motion_speed(frames: np.ndarray, fps: float) -> np.ndarray:
    """Mean joint speed per frame ``(T,)`` in m/s, smoothed; the signal whose minima are motion
    beats (as in the AIST++ and Bailando beat-alignment evaluation)."""
    speed = np.linalg.norm(joint_velocities(frames, fps), axis=-1).mean(axis=1)
    speed = np.concatenate([speed[:1], speed])
    return gaussian_filter1d(speed, sigma=max(MOTION_BEAT_SIGMA_S * fps, 0.5))


def motion_beats(frames: np.ndarray, fps: float) -> np.ndarray:
    """Times in seconds ``(B,)`` of motion beats: local minima of the smoothed joint speed."""
    speed = motion_speed(frames, fps)
    order = max(int(round(MOTION_BEAT_ORDER_S * fps)), 1)
    minima = argrelextrema(speed, np.less, order=order)[0]
    return minima.astype(np.float64) / fps


def facing_yaw(frames: np.ndarray) -> np.ndarray:
    """Facing direction per frame ``(T,)`` in radians about +Y, unwrapped, from the hip line."""
    across = frames[:, JOINT_INDEX["left_hip"]] - frames[:, JOINT_INDEX["right_hip"]]
    return np.unwrap(np.arctan2(across[:, 2], across[:, 0]))


def difficulty_components(
    frames: np.ndarray, fps: float, beat_times: np.ndarray | None = None
) -> dict[str, float]:
    """The raw components (units above) of frames ``(T, J, 3)``, ``T >= 4``.

    ``beat_times`` (seconds on the clip's clock) gives the music beats for ``moves_per_beat``;
    without it the beat rate is taken as `DEFAULT_BEATS_PER_S`.
    """
    frames = np.asarray(frames, dtype=np.float64)
    if len(frames) < 4:
        raise ValueError(f"need at least 4 frames to measure difficulty, got {len(frames)}")
    _root, relative = split_root(frames)
    smooth = gaussian_filter1d(relative, sigma=1.0, axis=0)
    velocity = np.diff(smooth, axis=0) * fps
    jerk = np.diff(smooth, n=3, axis=0) * fps**3
    yaw_rate = np.abs(np.diff(facing_yaw(frames))) * fps
    spread = np.linalg.norm(relative - relative.mean(axis=0), axis=-1).mean()
    duration_s = len(frames) / fps
    if beat_times is not None and len(beat_times) > 0:
        n_beats = np.count_nonzero((beat_times >= 0) & (beat_times < duration_s))
    else:
        n_beats = duration_s * DEFAULT_BEATS_PER_S
    return {
        "joint_speed": float(np.linalg.norm(velocity, axis=-1).mean()),
        "jerk": float(np.linalg.norm(jerk, axis=-1).mean()),
        "turning": float(yaw_rate.mean()),
        "range_of_motion": float(spread),
        "moves_per_beat": float(len(motion_beats(frames, fps)) / max(n_beats, 1.0)),
    }


def difficulty_score(components: Mapping[str, float], style_median: Mapping[str, float]) -> float:
    """Mean log-ratio of ``components`` to the style's typical (median) components."""
    return float(
        np.mean(
            [np.log((components[name] + _EPS) / (style_median[name] + _EPS)) for name in COMPONENTS]
        )
    )


def style_medians(components: Iterable[Mapping[str, float]]) -> dict[str, float]:
    """Median of each component over many stretches of one style."""
    rows = list(components)
    return {name: float(np.median([row[name] for row in rows])) for name in COMPONENTS}


def level_thresholds(scores: np.ndarray) -> tuple[float, float]:
    """The two tercile boundaries of one style's difficulty scores."""
    low, high = np.quantile(np.asarray(scores, dtype=np.float64), [1 / 3, 2 / 3])
    return float(low), float(high)


def labelled_score(score: float, advanced: bool | None) -> float:
    """``score`` moved by the source's own basic/advanced label, where it has one."""
    if advanced is None:
        return score
    return score + (ADVANCED_BONUS if advanced else -ADVANCED_BONUS)


def level_of(score: float, thresholds: tuple[float, float], advanced: bool | None = None) -> int:
    """Index into `generation.styles.LEVELS` of a stretch with difficulty ``score``, by the
    style's tercile ``thresholds``; ``advanced`` is the source's basic/advanced label."""
    score = labelled_score(score, advanced)
    return int(np.searchsorted(np.asarray(thresholds), score, side="right"))
