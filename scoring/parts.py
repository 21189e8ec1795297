"""Body parts measured in their own frames, for one beat (formulas: `scoring.params`).

Each joint is measured from where its body part hangs (`local_pose`): the torso joints from the
pelvis; the head from the neck and the arms from their shoulder, turned into the torso's own
upright frame; the legs from their hip. So a torso that leans moves only the torso, not the arms
that follow it, and the part to fix is the one that is wrong.

`beat_parts` does all of a beat's part measurements in one compiled pass (a beat has a few
dozen aligned frame pairs, so numpy's per-call overhead was most of the cost); the numpy
formulas it follows are in ``tests/scoring/test_kernels.py``, which checks it against them.
"""

import numpy as np
from numba import njit

from scoring import params
from scoring.skeleton import BODY_PART_INDEX, JOINT_INDEX

_J = len(JOINT_INDEX)
PELVIS = JOINT_INDEX["pelvis"]
NECK = JOINT_INDEX["neck"]
# Body parts in `scoring.skeleton.BODY_PARTS` order; the pelvis (every pose's origin) is in none.
PART_NAMES = tuple(BODY_PART_INDEX)
JOINT_PART = np.full(_J, -1, dtype=np.int64)
for _k, _joints in enumerate(BODY_PART_INDEX.values()):
    for _j in _joints:
        if _j != PELVIS:
            JOINT_PART[_j] = _k
PART_SIZES = np.bincount(JOINT_PART[JOINT_PART >= 0], minlength=len(PART_NAMES)).astype(np.float64)

# Where each joint is measured from, and whether it turns with the torso.
ANCHOR = np.arange(_J)
TURNS = np.zeros(_J, dtype=np.bool_)
for _joint, _anchor, _turns in (
    ("head", "neck", True),
    ("left_elbow", "left_shoulder", True), ("left_wrist", "left_shoulder", True),
    ("right_elbow", "right_shoulder", True), ("right_wrist", "right_shoulder", True),
    ("left_knee", "left_hip", False), ("left_ankle", "left_hip", False),
    ("right_knee", "right_hip", False), ("right_ankle", "right_hip", False),
):  # fmt: skip
    ANCHOR[JOINT_INDEX[_joint]] = JOINT_INDEX[_anchor]
    TURNS[JOINT_INDEX[_joint]] = _turns

# Whose weight bounds each joint's: its anchor's, and for the torso's joints (measured from the
# pelvis) the pelvis's, so a torso whose hips are out of the picture is not seen.
WEIGHT_ANCHOR = np.where((ANCHOR == np.arange(_J)) & (JOINT_PART >= 0), PELVIS, ANCHOR).astype(
    np.int64
)

# Left/right limb pairs: (elbow, wrist) of each side, then (knee, ankle).
LIMB_PAIRS = np.array([
    [[JOINT_INDEX["left_elbow"], JOINT_INDEX["left_wrist"]],
     [JOINT_INDEX["right_elbow"], JOINT_INDEX["right_wrist"]]],
    [[JOINT_INDEX["left_knee"], JOINT_INDEX["left_ankle"]],
     [JOINT_INDEX["right_knee"], JOINT_INDEX["right_ankle"]]],
])  # fmt: skip
_MERGED = params.MERGED_LIMBS


@njit(cache=True)
def _to_local(points):
    """`local_pose` in place of pelvis-centred ``(N, J, 2)`` float64 points."""
    for n in range(points.shape[0]):
        nx, ny = points[n, NECK, 0], points[n, NECK, 1]
        length = max(np.sqrt(nx * nx + ny * ny), 1e-9)
        sin, cos = nx / length, ny / length
        local = np.empty((_J, 2))
        for j in range(_J):
            a = ANCHOR[j]
            x, y = points[n, j, 0], points[n, j, 1]
            if a != j:
                x, y = x - points[n, a, 0], y - points[n, a, 1]
            if TURNS[j]:
                x, y = cos * x - sin * y, sin * x + cos * y
            local[j, 0], local[j, 1] = x, y
        points[n] = local


@njit(cache=True)
def _between(ours, theirs, n, i, k):
    """Distance between our joint ``i`` and their joint ``k`` in row ``n``."""
    x = ours[n, i, 0] - theirs[n, k, 0]
    y = ours[n, i, 1] - theirs[n, k, 1]
    return np.sqrt(x * x + y * y)


@njit(cache=True)
def _unmerge(ours, weights, theirs):
    """Zero, in place, the weights ``(N, J)`` of limbs the tracker could not tell apart: a
    left and right limb drawn on one spot (elbows and wrists, or knees and ankles, within
    `params.MERGED_LIMBS` torso units) where the reference holds them apart (3 times as far),
    and a limb drawn where the reference has the other one while that other one is hidden
    (weight below 0.5): a limb hidden behind the body is often drawn on the other one."""
    for n in range(ours.shape[0]):
        for pair in range(LIMB_PAIRS.shape[0]):
            left, right = LIMB_PAIRS[pair, 0], LIMB_PAIRS[pair, 1]
            merged = (
                np.sqrt((ours[n, left[0], 0] - ours[n, right[0], 0]) ** 2
                        + (ours[n, left[0], 1] - ours[n, right[0], 1]) ** 2) < _MERGED
                and np.sqrt((ours[n, left[1], 0] - ours[n, right[1], 0]) ** 2
                            + (ours[n, left[1], 1] - ours[n, right[1], 1]) ** 2) < _MERGED
                and np.sqrt((theirs[n, left[1], 0] - theirs[n, right[1], 0]) ** 2
                            + (theirs[n, left[1], 1] - theirs[n, right[1], 1]) ** 2) > 3 * _MERGED
            )  # fmt: skip
            if merged:
                for j in (left[0], left[1], right[0], right[1]):
                    weights[n, j] = 0.0
            for side in range(2):
                limb, other = LIMB_PAIRS[pair, side], LIMB_PAIRS[pair, 1 - side]
                if max(weights[n, other[0]], weights[n, other[1]]) >= 0.5:
                    continue
                own = _between(ours, theirs, n, limb[0], limb[0]) + _between(
                    ours, theirs, n, limb[1], limb[1]
                )
                crossed = _between(ours, theirs, n, limb[0], other[0]) + _between(
                    ours, theirs, n, limb[1], other[1]
                )
                if crossed < 0.5 * own:
                    weights[n, limb[0]] = 0.0
                    weights[n, limb[1]] = 0.0


@njit(cache=True)
def _spread(points, weights, weighted):
    """`motion_spread` ``(parts,)`` of local points ``(N, J, 2)``: per part, the root mean
    square over its joints of each joint's (weighted) mean squared distance from its (weighted)
    mean position."""
    parts = len(PART_SIZES)
    out = np.zeros(parts)
    for j in range(_J):
        k = JOINT_PART[j]
        if k < 0:
            continue
        total, mx, my = 0.0, 0.0, 0.0
        for n in range(points.shape[0]):
            w = weights[n, j] if weighted else 1.0
            total += w
            mx += w * points[n, j, 0]
            my += w * points[n, j, 1]
        if total <= 0:
            continue
        mx, my = mx / total, my / total
        square = 0.0
        for n in range(points.shape[0]):
            w = weights[n, j] if weighted else 1.0
            square += w * ((points[n, j, 0] - mx) ** 2 + (points[n, j, 1] - my) ** 2)
        out[k] += square / total
    return np.sqrt(out / PART_SIZES)


@njit(cache=True)
def beat_parts(learner, weights, rows, order, negate, reference, cols, window_lo, window_hi):
    """A beat's body-part measures from its aligned frame pairs: learner rows ``rows`` ``(P,)``
    of ``learner`` ``(n, J, 2)`` float32 and ``weights`` ``(n, J)`` float32 (joints taken in
    ``order``, x negated if ``negate``) against reference rows ``cols`` ``(P,)`` of
    ``reference`` ``(m, J, 2)`` float32, pelvis-centred, torso units. Returns, per part
    ``(parts,)`` float64: the summed local weights (a joint's weight is the lower of its own and
    its `WEIGHT_ANCHOR`'s, after `_unmerge`), the weighted mean distance between the local poses, the
    reference's motion spread over its rows ``[window_lo, window_hi)``, and the learner's and
    the reference's motion spread over the pairs (how far each moved within the beat), both
    weighted by the learner's local weights: a range is compared over the frames where the
    learner was seen (the reference's taken over all of them made a learner who moved exactly
    as a recording had, but was seen less in part of a beat, look short of its range)."""
    pairs = len(rows)
    ours = np.empty((pairs, _J, 2))
    theirs = np.empty((pairs, _J, 2))
    ours_weights = np.empty((pairs, _J))
    for p in range(pairs):
        for j in range(_J):
            x = np.float64(learner[rows[p], order[j], 0])
            ours[p, j, 0] = -x if negate else x
            ours[p, j, 1] = learner[rows[p], order[j], 1]
            ours_weights[p, j] = weights[rows[p], order[j]]
            theirs[p, j, 0] = reference[cols[p], j, 0]
            theirs[p, j, 1] = reference[cols[p], j, 1]
    _unmerge(ours, ours_weights, theirs)
    local_weights = np.empty((pairs, _J))
    for p in range(pairs):
        for j in range(_J):
            local_weights[p, j] = min(ours_weights[p, j], ours_weights[p, WEIGHT_ANCHOR[j]])
    _to_local(ours)
    _to_local(theirs)
    window = reference[window_lo:window_hi].astype(np.float64)
    _to_local(window)
    parts = len(PART_SIZES)
    part_weight = np.zeros(parts)
    part_sum = np.zeros(parts)
    for p in range(pairs):
        for j in range(_J):
            k = JOINT_PART[j]
            if k < 0:
                continue
            w = local_weights[p, j]
            part_weight[k] += w
            part_sum[k] += w * _between(ours, theirs, p, j, j)
    part_distance = part_sum / np.maximum(part_weight, 1e-9)
    spread = _spread(window, local_weights, False)
    learner_range = _spread(ours, local_weights, True)
    reference_range = _spread(theirs, local_weights, True)
    return part_weight, part_distance, spread, learner_range, reference_range
