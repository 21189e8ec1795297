"""Per-beat scores from an alignment path (formulas and parameters: `scoring.params`)."""

import numpy as np
from numba import njit

from scoring import params
from scoring.skeleton import BODY_PART_INDEX, JOINT_INDEX, MIRROR
from scoring.sums import pairwise_sum

_PELVIS = JOINT_INDEX["pelvis"]
# The pelvis is the origin of both poses, so it carries no accuracy information.
_SCORED_JOINTS = np.array([j for j in range(len(JOINT_INDEX)) if j != _PELVIS])
_PART_JOINTS = {part: [j for j in idx if j != _PELVIS] for part, idx in BODY_PART_INDEX.items()}
_LEARNER_PART = {
    part: part.replace("left", "@").replace("right", "left").replace("@", "right")
    for part in BODY_PART_INDEX
}


# Part names as reported: in the learner's own left and right when the learner was mirrored.
_PART_NAMES = {False: list(_PART_JOINTS), True: [_LEARNER_PART[p] for p in _PART_JOINTS]}

# (15, 6) joint-to-part membership, pelvis left out.
_PART_MATRIX = np.zeros((len(JOINT_INDEX), len(_PART_JOINTS)))
for _k, _joints in enumerate(_PART_JOINTS.values()):
    _PART_MATRIX[_joints, _k] = 1.0


def label(overall: float) -> str:
    return next(name for name, threshold in params.LABELS if overall >= threshold)


def frame_jerks(track: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Mean joint jerk magnitude (torso units / s^3) of each frame of a 2D track ``(n, J, 2)``
    from its 4th on, ``(n - 3,)`` float64: third differences of positions, each joint weighted
    by the least of its 4 samples' ``weights`` ``(n, J)`` (None: every joint fully seen); NaN
    where no joint was seen. A frame's value depends only on its own 4 samples, so the values
    of a whole attempt serve every beat."""
    if weights is None:
        return _frame_jerks(track, _NO_WEIGHTS, False, _SAME_JOINTS, 0, len(track))
    return _frame_jerks(track, weights, True, _SAME_JOINTS, 0, len(track))


def track_jerk(per_frame: np.ndarray, start: int, stop: int) -> float:
    """Jerk of track frames ``[start, stop)`` from `frame_jerks` of the whole track: the median
    over its frames where a joint was seen; 0 for fewer than 4 frames or none seen."""
    if stop - start < 4:
        return 0.0
    return _median_seen(per_frame[start : stop - 3])


def jerk(track: np.ndarray, weights: np.ndarray | None) -> float:
    """Median over frames of the mean joint jerk magnitude (torso units / s^3) of a 2D track
    ``(n, J, 2)`` with weights ``(n, J)`` (None: every joint fully seen); 0 when it is shorter
    than 4 frames."""
    if len(track) < 4:
        return 0.0
    return track_jerk(frame_jerks(track, weights), 0, len(track))


def score_beat(
    index: int,
    time_s: float,
    offset_frames: float,
    sums: tuple,
    learner_jerk: float,
    reference_jerk: float,
    mirrored: bool,
) -> dict:
    """Score one beat.

    offset_frames: the median of learner minus reference grid frames along the path inside the
    beat.
    sums: what `_measure_beat` sums of the beat's aligned frame pairs: per joint the summed
    weight and the weighted mean distance ``(J,)`` float32, the mean weight of the scored joints
    and their weighted mean distance.
    learner_jerk, reference_jerk: `jerk` of the learner's and the reference's tracks over the
    beat plus 3 frames before.
    mirrored: the learner was mirrored; parts are named in the learner's own left and right.
    """
    joint_weight, joint_distance, visible, overall_distance = sums
    offset_ms = offset_frames * 1000.0 / params.GRID_FPS
    names = _PART_NAMES[mirrored]
    if visible < params.MIN_BEAT_VISIBILITY:
        parts = dict.fromkeys(names, 0.0)
        return _result(index, time_s, offset_ms, 0.0, 0.0, 0.0, parts, fix=None, force_miss=True)

    # Weighted mean distance per part and over all scored joints; an unseen part scores 0.
    part_weight = joint_weight @ _PART_MATRIX
    part_distance_sum = (joint_distance * joint_weight) @ _PART_MATRIX
    ratio = (learner_jerk + params.JERK_FLOOR) / (reference_jerk + params.JERK_FLOOR)
    *part_scores, accuracy, smoothness, timing = _curves(
        part_weight, part_distance_sum, overall_distance, np.log2(ratio), abs(offset_ms)
    ).tolist()
    parts = dict(zip(names, part_scores, strict=True))
    return _result(
        index, time_s, offset_ms, timing, accuracy, smoothness, parts, fix=min(parts, key=parts.get)
    )


# Compiled with numba: a beat has a few dozen frame pairs, so numpy's per-call overhead was
# most of its cost. The kernels do the arithmetic of the numpy formulas they replaced in the
# same order and types (float32 where numpy used float32, sums in numpy's order), so every
# value is the same to the bit (``tests/scoring/test_kernels.py``).
_SAME_JOINTS = np.arange(len(JOINT_INDEX))
_NO_WEIGHTS = np.zeros((0, len(JOINT_INDEX)), dtype=np.float32)
_JERK_SCALE = np.float32(params.GRID_FPS**3)
_ACCURACY, _SMOOTHNESS, _TIMING = (
    np.array(curve, dtype=np.float64).T.copy()
    for curve in (params.ACCURACY_CURVE, params.SMOOTHNESS_CURVE, params.TIMING_CURVE)
)


@njit(cache=True, error_model="numpy")
def _frame_jerks(track, weights, weighted, order, lo, hi):
    """`frame_jerks` of track rows ``[lo, hi)``, the track's joints taken in ``order`` ``(J,)``
    (a mirrored track: negating x leaves every magnitude as it is, to the bit)."""
    scored = len(_SCORED_JOINTS)
    three, zero = np.float32(3.0), np.float32(0.0)
    out = np.empty(max(hi - lo - 3, 0))
    seen = np.empty(scored, dtype=np.float32)
    moved = np.empty(scored, dtype=np.float32)
    unweighted = np.empty(scored)
    for t in range(len(out)):
        f = lo + t + 3
        for k in range(scored):
            j = order[_SCORED_JOINTS[k]]
            x = track[f, j, 0] - three * track[f - 1, j, 0] + three * track[f - 2, j, 0]
            x = x - track[f - 3, j, 0]
            y = track[f, j, 1] - three * track[f - 1, j, 1] + three * track[f - 2, j, 1]
            y = y - track[f - 3, j, 1]
            magnitude = np.sqrt(x * x + y * y) * _JERK_SCALE
            if weighted:
                w = min(weights[f, j], weights[f - 1, j])
                w = min(w, min(weights[f - 2, j], weights[f - 3, j]))
                seen[k] = w
                moved[k] = magnitude * w
            else:
                unweighted[k] = magnitude
        if not weighted:
            out[t] = pairwise_sum(unweighted, 0, scored, 0.0) / scored
            continue
        total = pairwise_sum(seen, 0, scored, zero)
        out[t] = pairwise_sum(moved, 0, scored, zero) / total if total > 0 else np.nan
    return out


@njit(cache=True)
def _jerk(track, weights, weighted, order, lo, hi):
    """`track_jerk` of `_frame_jerks` of track rows ``[lo, hi)``."""
    if hi - lo < 4:
        return 0.0
    return _median_seen(_frame_jerks(track, weights, weighted, order, lo, hi))


@njit(cache=True)
def _median_seen(values):
    """Median of the values that are not NaN (0.0 if none), in float64 as `np.median` gives
    it."""
    ordered = np.sort(values[values == values])
    half = len(ordered) // 2
    if len(ordered) == 0:
        return 0.0
    if len(ordered) % 2:
        return np.float64(ordered[half])
    return (np.float64(ordered[half - 1]) + np.float64(ordered[half])) / 2.0


@njit(cache=True, error_model="numpy")
def _measure_beat(
    inside, learner, weights, learner_start, order, negate, reference, reference_start,
    reference_lo, reference_hi, with_jerks,
):  # fmt: skip
    """The numbers of a beat from its path cells ``inside`` ``(P, 2)`` (absolute learner and
    reference frames): the median offset in frames; the learner track's rows ``[lo, hi)``
    (the beat's rows plus 3 before); the learner's and the reference's (rows ``[reference_lo,
    reference_hi)``) jerk if ``with_jerks`` (else 0); then `_beat_sums` of the cells. The
    learner's joints are taken in ``order``, x negated if ``negate``."""
    cells = len(inside)
    rows = inside[:, 0] - learner_start
    cols = inside[:, 1] - reference_start
    offsets = np.sort(inside[:, 0] - inside[:, 1])
    half = cells // 2
    if cells % 2:
        offset = np.float64(offsets[half])
    else:
        offset = (offsets[half - 1] + offsets[half]) / 2.0
    lo, hi = max(rows.min() - 3, 0), rows.max() + 1
    learner_jerk = reference_jerk = 0.0
    if with_jerks:
        learner_jerk = _jerk(learner, weights, True, order, lo, hi)
        reference_jerk = _jerk(
            reference, _NO_WEIGHTS, False, _SAME_JOINTS, reference_lo, reference_hi
        )
    sums = _beat_sums(learner, weights, rows, order, negate, reference, cols)
    return (offset, lo, hi, learner_jerk, reference_jerk) + sums


@njit(cache=True)
def _curves(part_weight, part_distance_sum, overall_distance, log2_ratio, offset_ms):
    """Scores ``(parts + 3,)`` on the curves of `scoring.params` (``np.interp``): each part's
    accuracy (its weighted mean distance; an unseen part is infinitely far), the overall
    accuracy, smoothness, timing."""
    parts = len(part_weight)
    out = np.empty(parts + 3)
    for p in range(parts):
        distance = np.inf
        if part_weight[p] > 0:
            distance = part_distance_sum[p] / max(part_weight[p], 1e-9)
        out[p] = np.interp(distance, _ACCURACY[0], _ACCURACY[1])
    out[parts] = np.interp(np.float64(overall_distance), _ACCURACY[0], _ACCURACY[1])
    out[parts + 1] = np.interp(log2_ratio, _SMOOTHNESS[0], _SMOOTHNESS[1])
    out[parts + 2] = np.interp(offset_ms, _TIMING[0], _TIMING[1])
    return out


@njit(cache=True, error_model="numpy")
def _beat_sums(learner, weights, rows, order, negate, reference, cols):
    """Learner rows ``rows`` ``(P,)`` of ``learner`` ``(n, J, 2)`` float32 and ``weights``
    ``(n, J)`` float32 (joints taken in ``order``, x negated if ``negate``) against reference
    rows ``cols`` ``(P,)`` of ``reference`` ``(m, J, 2)`` float32: per joint the summed weight
    ``(J,)`` and the weighted mean distance ``(J,)`` (torso units), the mean weight of the
    scored joints and their weighted mean distance, all float32."""
    joints = learner.shape[1]
    scored = len(_SCORED_JOINTS)
    zero = np.float32(0.0)
    joint_weight = np.zeros(joints, dtype=np.float32)
    weighted = np.zeros(joints, dtype=np.float32)
    seen = np.empty(len(rows) * scored, dtype=np.float32)
    for p in range(len(rows)):
        r, c = rows[p], cols[p]
        for j in range(joints):
            u = -learner[r, order[j], 0] if negate else learner[r, order[j], 0]
            du = u - reference[c, j, 0]
            dv = learner[r, order[j], 1] - reference[c, j, 1]
            w = weights[r, order[j]]
            joint_weight[j] += w
            weighted[j] += np.sqrt(du * du + dv * dv) * w
        for k in range(scored):
            seen[p * scored + k] = weights[r, order[_SCORED_JOINTS[k]]]
    joint_distance = weighted / np.maximum(joint_weight, np.float32(1e-9))
    visible = np.float32(pairwise_sum(seen, 0, len(seen), zero) / len(seen))
    scored_weight = joint_weight[_SCORED_JOINTS]
    scored_distance = joint_distance[_SCORED_JOINTS] * scored_weight
    overall = pairwise_sum(scored_distance, 0, scored, zero) / pairwise_sum(
        scored_weight, 0, scored, zero
    )
    return joint_weight, joint_distance, visible, overall


def _result(
    index, time_s, offset_ms, timing, accuracy, smoothness, parts, fix, force_miss=False
) -> dict:
    scores = {"timing": timing, "accuracy": accuracy, "smoothness": smoothness}
    overall = sum(params.OVERALL_WEIGHTS[k] * v for k, v in scores.items())
    if force_miss:
        overall = 0.0
    return {
        "index": int(index),
        "time_s": round(float(time_s), 3),
        "timing_offset_ms": round(offset_ms, 1),
        "timing": round(timing, 1),
        "accuracy": round(accuracy, 1),
        "smoothness": round(smoothness, 1),
        "overall": round(overall, 1),
        "label": label(overall),
        "parts": {k: round(v, 1) for k, v in parts.items()},
        "fix": None if overall >= params.FIX_ABOVE else fix,
    }


@njit(cache=True)
def path_inside(path: np.ndarray, first: int, end: int) -> np.ndarray:
    """Cells of ``path`` ``(P, 2)`` whose reference frame is in ``[first, end)``; if the path
    skips the beat (an open end can stop short of the last frames), its nearest cells."""
    # Reference frames never decrease along a path: the cells inside are one run of rows.
    lo, hi = np.searchsorted(path[:, 1], first), np.searchsorted(path[:, 1], end)
    if hi > lo:
        return path[lo:hi]
    gap = np.abs(path[:, 1] - np.minimum(np.maximum(path[:, 1], first), end - 1))
    return path[np.flatnonzero(gap == gap.min())]


def score_span(
    span: tuple[int, int, int],
    time_s: float,
    path: np.ndarray,
    learner: np.ndarray,
    weights: np.ndarray,
    learner_start: int,
    reference: np.ndarray,
    reference_start: int,
    mirrored: bool,
    jerks: tuple[np.ndarray, np.ndarray] | None = None,
    mirror_learner: bool = False,
) -> dict:
    """Score beat ``span`` = (index, first frame, end frame) from an alignment ``path`` ``(P, 2)``
    of absolute (learner, reference) grid frames. ``learner`` ``(n, J, 2)`` / ``weights``
    ``(n, J)`` float32 start at grid frame ``learner_start`` (already mirrored if ``mirrored``,
    unless ``mirror_learner``: then they are as seen and mirrored on the way); ``reference``
    ``(m, J, 2)`` float32 (projected) starts at ``reference_start``. ``jerks``: the
    `frame_jerks` of the whole learner and reference, when many beats are scored at once."""
    index, first, end = span
    reference_track = (max(first - reference_start - 3, 0), end - reference_start)
    offset, track_lo, track_hi, learner_jerk, reference_jerk, *sums = _measure_beat(
        path_inside(path, first, end), learner, weights, learner_start,
        MIRROR if mirror_learner else _SAME_JOINTS, mirror_learner, reference, reference_start,
        *reference_track, jerks is None,
    )  # fmt: skip
    if jerks is not None:
        learner_jerk = track_jerk(jerks[0], track_lo, track_hi)
        reference_jerk = track_jerk(jerks[1], *reference_track)
    return score_beat(index, time_s, offset, sums, learner_jerk, reference_jerk, mirrored)
