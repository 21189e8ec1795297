"""Per-beat scores from an alignment path (formulas and parameters: `scoring.params`)."""

import numpy as np
from numba import njit

from scoring import params
from scoring.parts import beat_parts
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
_PART_SIZES = _PART_MATRIX.sum(axis=0)
_TORSO = list(_PART_JOINTS).index("torso")
_HEAD = list(_PART_JOINTS).index("head")
_FLOORS = np.array([params.SPREAD_FLOOR[part] for part in _PART_JOINTS])
_SPREAD_WEIGHT = params.SPREAD_WEIGHT


def label(overall: float | None) -> str:
    if overall is None:
        return params.NOT_SEEN_LABEL
    return next(name for name, threshold in params.LABELS if overall >= threshold)


def frame_jerks(track: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Mean joint jerk magnitude (torso units / s^3) of each frame of a 2D track ``(n, J, 2)``
    from its 4th on, ``(n - 3,)`` float64: third differences of positions, each joint weighted
    by the least of its 4 samples' ``weights`` ``(n, J)`` (None: every joint fully seen); NaN
    where no joint was seen. A frame's value depends only on its own 4 samples."""
    if weights is None:
        return _frame_jerks(track, _NO_WEIGHTS, False, _SAME_JOINTS, 0, len(track))
    return _frame_jerks(track, weights, True, _SAME_JOINTS, 0, len(track))


def curve(x, points: np.ndarray) -> np.ndarray:
    """`scoring.params` curve ``points`` ``(2, K)`` at ``x``: linear between points, flat
    outside."""
    return np.interp(x, points[0], points[1])


def score_beat(
    index: int,
    time_s: float,
    offset_frames: float,
    cells: int,
    visible: float,
    part_weight: np.ndarray,
    part_distance: np.ndarray,
    spread: np.ndarray,
    ranges: tuple[np.ndarray, np.ndarray],
    jerk_ratios: np.ndarray,
    mirrored: bool,
) -> dict:
    """Score one beat (formulas: `scoring.params`).

    offset_frames: the median of learner minus reference grid frames along the path inside the
    beat; cells: how many aligned frame pairs the beat has.
    visible: the mean weight of the learner's scored joints over those pairs (`_visibility`).
    part_weight, part_distance, spread, ranges: `scoring.parts.beat_parts` of the beat: each
    part's summed weight and mean distance over the aligned frame pairs, the reference's
    motion spread around the beat, and how far the learner and the reference moved it within
    the beat ``(parts,)`` each (torso units).
    jerk_ratios: ``log2((J_learner + JERK_FLOOR) / (J_reference + JERK_FLOOR))`` at the beat's
    aligned frame pairs where both jerks are known ``(K,)``.
    mirrored: the learner was mirrored; parts are named in the learner's own left and right.
    """
    offset_ms = offset_frames * 1000.0 / params.GRID_FPS
    names = _PART_NAMES[mirrored]
    # A part is seen when its joints' mean weight over the beat's aligned frames reaches
    # PART_SEEN_WEIGHT; the beat needs the torso or the head (a learner seen from the waist up,
    # whose torso is not measurable without the hips) and one more part.
    seen = part_weight / (_PART_SIZES * max(cells, 1)) >= params.PART_SEEN_WEIGHT
    if visible < params.MIN_BEAT_VISIBILITY or not (seen[_TORSO] or seen[_HEAD]) or seen.sum() < 2:
        return _result(index, time_s, offset_ms, None, None, None, dict.fromkeys(names), None, [])
    # Each part's error relative to how much the reference moves it around the beat: moving
    # a part half as far as the reference is half wrong however big the move.
    error = part_distance / np.sqrt((_SPREAD_WEIGHT * spread) ** 2 + _FLOORS * _FLOORS)
    # Range of motion counts: a part moved less than the reference moved it within the beat
    # is wrong by the share it fell short, even where the positions are near.
    learner_range, reference_range = ranges
    shortfall = np.maximum(reference_range - learner_range, 0.0)
    error = error + params.RANGE_WEIGHT * shortfall / np.sqrt(
        reference_range * reference_range + params.RANGE_FLOOR**2
    )
    part_scores = curve(error, _PART_CURVE)
    # Accuracy: the root mean square of the seen parts' errors on the curve, blended with the
    # worst seen part's score, so one part badly wrong counts more than all slightly off.
    spread_error = float(np.sqrt(np.mean(error[seen] ** 2)))
    accuracy = (1.0 - params.WORST_PART_SHARE) * float(curve(spread_error, _ACCURACY)) + (
        params.WORST_PART_SHARE * float(part_scores[seen].min())
    )
    excess = float(np.mean(np.abs(jerk_ratios))) if len(jerk_ratios) else 0.0
    smoothness = float(curve(excess, _SMOOTHNESS))
    timing = float(curve(abs(offset_ms), _TIMING))
    parts = {
        name: (float(score) if ok else None)
        for name, score, ok in zip(names, part_scores, seen, strict=True)
    }
    # The part to fix: the worst seen part, when it falls short (even in a good beat).
    # The limbs and head hang from the torso: a torso clearly wrong is named first.
    worst_part = int(np.argmax(np.where(seen, error, -np.inf)))
    if seen[_TORSO] and part_scores[_TORSO] < params.TORSO_FIRST_BELOW:
        worst_part = _TORSO
    fix = names[worst_part] if part_scores[worst_part] < params.FIX_ABOVE else None
    return _result(index, time_s, offset_ms, timing, accuracy, smoothness, parts, fix,
                   [n for n, ok in zip(names, seen, strict=True) if ok])  # fmt: skip


# Compiled with numba: a beat has a few dozen frame pairs, so numpy's per-call overhead was
# most of its cost. The kernels do the arithmetic of the numpy formulas they replaced in the
# same order and types (float32 where numpy used float32, sums in numpy's order), so every
# value is the same to the bit (``tests/scoring/test_kernels.py``).
_SAME_JOINTS = np.arange(len(JOINT_INDEX))
_NO_WEIGHTS = np.zeros((0, len(JOINT_INDEX)), dtype=np.float32)
_JERK_SCALE = np.float32(params.GRID_FPS**3)
_JERK_FLOOR = params.JERK_FLOOR
_PART_CURVE, _ACCURACY, _SMOOTHNESS, _TIMING = (
    np.array(points, dtype=np.float64).T.copy()
    for points in (
        params.PART_CURVE,
        params.ACCURACY_CURVE,
        params.SMOOTHNESS_CURVE,
        params.TIMING_CURVE,
    )
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


@njit(cache=True, error_model="numpy")
def _measure_beat(inside, learner, weights, learner_start, order, reference, reference_start):
    """The numbers of a beat from its path cells ``inside`` ``(P, 2)`` (absolute learner and
    reference frames): the median offset in frames, the number of cells, the jerk log ratios
    (`score_beat`) at the cells where both jerks are known, and the learner's `_visibility`
    there. The learner's joints are taken in ``order``."""
    cells = len(inside)
    rows = inside[:, 0] - learner_start
    cols = inside[:, 1] - reference_start
    offsets = np.sort(inside[:, 0] - inside[:, 1])
    half = cells // 2
    if cells % 2:
        offset = np.float64(offsets[half])
    else:
        offset = (offsets[half - 1] + offsets[half]) / 2.0
    # A frame's jerk needs the 3 frames before it.
    learner_lo, reference_lo = max(rows.min() - 3, 0), max(cols.min() - 3, 0)
    learner_jerks = _frame_jerks(learner, weights, True, order, learner_lo, rows.max() + 1)
    reference_jerks = _frame_jerks(
        reference, _NO_WEIGHTS, False, _SAME_JOINTS, reference_lo, cols.max() + 1
    )
    ratios = np.empty(cells)
    known = 0
    for p in range(cells):
        a, b = rows[p] - learner_lo - 3, cols[p] - reference_lo - 3
        if a < 0 or b < 0 or learner_jerks[a] != learner_jerks[a]:
            continue
        ratios[known] = np.log2(
            (learner_jerks[a] + _JERK_FLOOR) / (reference_jerks[b] + _JERK_FLOOR)
        )
        known += 1
    return offset, cells, ratios[:known], _visibility(weights, rows, order)


@njit(cache=True)
def _visibility(weights, rows, order):
    """The mean weight ``float32`` of the scored joints over learner rows ``rows`` ``(P,)`` of
    ``weights`` ``(n, J)`` float32 (joints taken in ``order``), summed in numpy's pairwise
    order."""
    scored = len(_SCORED_JOINTS)
    seen = np.empty(len(rows) * scored, dtype=np.float32)
    for p in range(len(rows)):
        for k in range(scored):
            seen[p * scored + k] = weights[rows[p], order[_SCORED_JOINTS[k]]]
    return np.float32(pairwise_sum(seen, 0, len(seen), np.float32(0.0)) / len(seen))


def _result(index, time_s, offset_ms, timing, accuracy, smoothness, parts, fix, seen) -> dict:
    """A beat's result; a beat not seen (``accuracy`` None) has no scores and no label."""
    if accuracy is None:
        overall = None
    else:
        # Timing and smoothness count only as far as the move itself was right: a wrong move
        # made on time earns nothing for its timing.
        w = params.OVERALL_WEIGHTS
        overall = accuracy * (
            w["accuracy"] + (w["timing"] * timing + w["smoothness"] * smoothness) / 100.0
        )
    return {
        "index": int(index),
        "time_s": round(float(time_s), 3),
        "timing_offset_ms": round(offset_ms, 1),
        "timing": _round(timing),
        "accuracy": _round(accuracy),
        "smoothness": _round(smoothness),
        "overall": _round(overall),
        "label": label(overall),
        "parts": {k: _round(v) for k, v in parts.items()},
        "seen": seen,
        "fix": fix,
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


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


SPREAD_PAD_FRAMES = round(params.SPREAD_PAD_S * params.GRID_FPS)


def reference_window(first: int, end: int, reference_start: int, reference_end: int):
    """The reference grid frames ``[lo, hi)`` a beat ``[first, end)`` is scored with: the beat,
    `SPREAD_PAD_FRAMES` around it for its motion spread (3 before it for its jerks)."""
    return max(first - SPREAD_PAD_FRAMES, reference_start), min(
        end + SPREAD_PAD_FRAMES, reference_end
    )


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
    mirror_learner: bool = False,
) -> dict:
    """Score beat ``span`` = (index, first frame, end frame) from an alignment ``path`` ``(P, 2)``
    of absolute (learner, reference) grid frames. ``learner`` ``(n, J, 2)`` / ``weights``
    ``(n, J)`` float32 start at grid frame ``learner_start`` (already mirrored if ``mirrored``,
    unless ``mirror_learner``: then they are as seen and mirrored on the way); ``reference``
    ``(m, J, 2)`` float32 (projected) starts at ``reference_start`` and holds at least the
    beat's `reference_window`."""
    index, first, end = span
    inside = path_inside(path, first, end)
    order = MIRROR if mirror_learner else _SAME_JOINTS
    offset, cells, ratios, visible = _measure_beat(
        inside, learner, weights, learner_start, order, reference, reference_start
    )
    lo, hi = reference_window(first, end, reference_start, reference_start + len(reference))
    part_weight, distance, spread, *ranges = beat_parts(
        learner, weights, inside[:, 0] - learner_start, order, mirror_learner, reference,
        inside[:, 1] - reference_start, lo - reference_start, hi - reference_start,
    )  # fmt: skip
    return score_beat(
        index,
        time_s,
        offset,
        cells,
        visible,
        part_weight,
        distance,
        spread,
        ranges,
        ratios,
        mirrored,
    )
