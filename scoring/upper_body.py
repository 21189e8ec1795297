"""A learner seen from the waist up: a webcam that never shows the hips, so there is no pelvis to
measure from and no torso to measure the body's size by.

`seen_from_waist_up` tells from the learner's weights. The learner and the reference are then
both measured from the neck (`hung_from_neck`), so the torso, which `scoring.parts` measures from
the pelvis, is not seen while the head and arms are. The learner's size, first taken from the
upper body's lengths (`scoring.body_scale`, a population ratio that is off by 13 % across
recordings), is then matched to the reference's: `size_ratio` compares the same upper-body
lengths of the learner and of the reference seen from the learner's camera over the attempt's
first `params.UPPER_BODY_CALIBRATION_S` seconds (live and offline alike).
"""

import numpy as np

from scoring import params
from scoring.body_scale import UPPER_BODY_SEGMENTS
from scoring.skeleton import JOINT_INDEX

_PELVIS = JOINT_INDEX["pelvis"]
_NECK = JOINT_INDEX["neck"]
CALIBRATION_FRAMES = round(params.UPPER_BODY_CALIBRATION_S * params.GRID_FPS)


def seen_from_waist_up(weights: np.ndarray) -> bool:
    """Whether learner weights ``(n, J)`` show the neck on most frames but the pelvis on fewer
    than half (the hips out of the picture)."""
    return bool(
        len(weights)
        and (weights[:, _PELVIS] > 0).mean() < 0.5
        and (weights[:, _NECK] > 0).mean() >= 0.5
    )


def hung_from_neck(joints: np.ndarray) -> np.ndarray:
    """Root-centred joints ``(T, J, C)`` (torso units, y up) re-rooted at the neck: every
    joint's position from the neck, plus one torso up, so the pelvis the measures hang from is
    one torso straight below the neck for the learner and the reference alike."""
    up = np.zeros(joints.shape[-1], dtype=joints.dtype)
    up[1] = 1.0
    return joints - joints[:, _NECK : _NECK + 1] + up


def size_ratio(learner: np.ndarray, weights: np.ndarray, reference: np.ndarray) -> float:
    """How much larger the reference's upper body is than the learner's: the sum over
    `scoring.body_scale.UPPER_BODY_SEGMENTS`
    of the ``SCALE_QUANTILE`` of the reference's 2D lengths ``(n, J, 2)`` over the sum of the
    learner's ``(n, J, 2)`` (time-matched frames, learner segments counted where both ends are
    seen in ``weights`` ``(n, J)``). 1.0 when either has nothing to measure."""
    ours, theirs = 0.0, 0.0
    for a, b in UPPER_BODY_SEGMENTS:
        seen = (weights[:, a] > 0) & (weights[:, b] > 0)
        if seen.sum() < 2:
            continue
        ours += float(np.quantile(_lengths(learner[seen], a, b), params.SCALE_QUANTILE))
        theirs += float(np.quantile(_lengths(reference[seen], a, b), params.SCALE_QUANTILE))
    return theirs / ours if ours > 0 and theirs > 0 else 1.0


def resized(joints: np.ndarray, ratio: float) -> np.ndarray:
    """Neck-hung joints ``(n, J, 2)`` made ``ratio`` times larger about the neck."""
    neck = joints[:, _NECK : _NECK + 1]
    return ((joints - neck) * np.float32(ratio) + neck).astype(joints.dtype)


def _lengths(joints: np.ndarray, a: int, b: int) -> np.ndarray:
    step = joints[:, a] - joints[:, b]
    return np.sqrt((step * step).sum(axis=-1))
