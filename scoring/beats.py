"""Per-beat scores from an alignment path (formulas and parameters: `scoring.params`)."""

import numpy as np

from generation.skeleton import BODY_PART_INDEX, JOINT_INDEX
from scoring import params
from scoring.normalise import planar_length

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


_CURVES: dict = {}


def curve(x, points):
    """Piecewise-linear score at ``x`` (a number or an array) through ``(x, score)`` points,
    flat outside them."""
    if points not in _CURVES:
        _CURVES[points] = tuple(np.array(v, dtype=np.float64) for v in zip(*points, strict=True))
    return np.interp(x, *_CURVES[points])


def label(overall: float) -> str:
    return next(name for name, threshold in params.LABELS if overall >= threshold)


def _median(values: list) -> float:
    """The median of a short list of numbers, as `np.median` gives it, without its overhead."""
    ordered = sorted(values)
    half = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[half])
    return (ordered[half - 1] + ordered[half]) / 2.0


def _mean(values: np.ndarray) -> float:
    """``float(values.mean())`` of a float32 array, as numpy computes it, without its overhead."""
    return float(np.float32(float(np.add.reduce(values, axis=None)) / values.size))


def frame_jerks(track: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Mean joint jerk magnitude (torso units / s^3) of each frame of a 2D track ``(n, J, 2)``
    from its 4th on, ``(n - 3,)``: third differences of positions, each joint weighted by the
    least of its 4 samples' ``weights`` ``(n, J)`` (None: every joint fully seen); NaN where
    no joint was seen. A frame's value depends only on its own 4 samples, so the values of a
    whole attempt serve every beat."""
    track = track.take(_SCORED_JOINTS, axis=1)
    third = track[3:] - 3 * track[2:-1] + 3 * track[1:-2] - track[:-3]
    magnitude = planar_length(third)
    magnitude *= params.GRID_FPS**3
    if weights is None:
        return magnitude.astype(np.float64).sum(axis=1) / float(len(_SCORED_JOINTS))
    weights = weights.take(_SCORED_JOINTS, axis=1)
    w = np.minimum(np.minimum(weights[3:], weights[2:-1]), np.minimum(weights[1:-2], weights[:-3]))
    seen = w.sum(axis=1)
    total = (magnitude * w).sum(axis=1)
    if len(seen) and seen.min() > 0:
        return total / seen
    return np.divide(total, seen, out=np.full(len(seen), np.nan, np.float32), where=seen > 0)


def track_jerk(per_frame: np.ndarray, start: int, stop: int) -> float:
    """Jerk of track frames ``[start, stop)`` from `frame_jerks` of the whole track: the median
    over its frames where a joint was seen; 0 for fewer than 4 frames or none seen."""
    if stop - start < 4:
        return 0.0
    values = [v for v in per_frame[start : stop - 3].tolist() if v == v]  # NaN: unseen
    return _median(values) if values else 0.0


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
    offsets: np.ndarray,
    learner: np.ndarray,
    weights: np.ndarray,
    reference: np.ndarray,
    learner_jerk: float,
    reference_jerk: float,
    mirrored: bool,
) -> dict:
    """Score one beat.

    offsets: ``(P,)`` learner minus reference grid frames along the path inside the beat.
    learner, weights, reference: ``(P, J, 2)``, ``(P, J)``, ``(P, J, 2)`` aligned frame pairs.
    learner_jerk, reference_jerk: `jerk` of the learner's and the reference's tracks over the
    beat plus 3 frames before.
    mirrored: the learner was mirrored; parts are named in the learner's own left and right.
    """
    offset_ms = _median(offsets.tolist()) * 1000.0 / params.GRID_FPS
    distance = planar_length(learner - reference)
    joint_weight = weights.sum(axis=0)
    joint_distance = (distance * weights).sum(axis=0) / np.maximum(joint_weight, 1e-9)
    names = _PART_NAMES[mirrored]
    visible = _mean(weights.take(_SCORED_JOINTS, axis=1))
    if visible < params.MIN_BEAT_VISIBILITY:
        parts = dict.fromkeys(names, 0.0)
        return _result(index, time_s, offset_ms, 0.0, 0.0, 0.0, parts, fix=None, force_miss=True)

    # Weighted mean distance per part and over all scored joints; an unseen part scores 0.
    part_weight = joint_weight @ _PART_MATRIX
    part_distance = np.where(
        part_weight > 0,
        (joint_distance * joint_weight) @ _PART_MATRIX / np.maximum(part_weight, 1e-9),
        np.inf,
    )
    parts = dict(zip(names, curve(part_distance, params.ACCURACY_CURVE).tolist(), strict=True))
    scored = joint_weight[_SCORED_JOINTS]
    overall_distance = (joint_distance[_SCORED_JOINTS] * scored).sum() / scored.sum()
    accuracy = float(curve(overall_distance, params.ACCURACY_CURVE))
    ratio = (learner_jerk + params.JERK_FLOOR) / (reference_jerk + params.JERK_FLOOR)
    smoothness = float(curve(np.log2(ratio), params.SMOOTHNESS_CURVE))
    timing = float(curve(abs(offset_ms), params.TIMING_CURVE))
    return _result(
        index, time_s, offset_ms, timing, accuracy, smoothness, parts, fix=min(parts, key=parts.get)
    )


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


def path_inside(path: np.ndarray, first: int, end: int) -> np.ndarray:
    """Cells of ``path`` ``(P, 2)`` whose reference frame is in ``[first, end)``; if the path
    skips the beat (an open end can stop short of the last frames), its nearest cells."""
    # Reference frames never decrease along a path: the cells inside are one run of rows.
    lo, hi = np.searchsorted(path[:, 1], (first, end))
    if hi > lo:
        return path[lo:hi]
    gap = np.abs(path[:, 1] - np.clip(path[:, 1], first, end - 1))
    return path[gap == gap.min()]


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
) -> dict:
    """Score beat ``span`` = (index, first frame, end frame) from an alignment ``path`` ``(P, 2)``
    of absolute (learner, reference) grid frames. ``learner`` ``(n, J, 2)`` / ``weights``
    ``(n, J)`` start at grid frame ``learner_start`` (already mirrored if ``mirrored``);
    ``reference`` ``(m, J, 2)`` (projected) starts at ``reference_start``. ``jerks``: the
    `frame_jerks` of the whole learner and reference, when many beats are scored at once."""
    index, first, end = span
    inside = path_inside(path, first, end)
    rows = inside[:, 0] - learner_start
    cols = inside[:, 1] - reference_start
    track = slice(max(int(rows.min()) - 3, 0), int(rows.max()) + 1)
    reference_track = slice(max(first - reference_start - 3, 0), end - reference_start)
    if jerks is None:
        learner_jerk = jerk(learner[track], weights[track])
        reference_jerk = jerk(reference[reference_track], None)
    else:
        learner_jerk = track_jerk(jerks[0], track.start, track.stop)
        reference_jerk = track_jerk(jerks[1], reference_track.start, reference_track.stop)
    return score_beat(
        index,
        time_s,
        inside[:, 0] - inside[:, 1],
        learner[rows],
        weights[rows],
        reference[cols],
        learner_jerk,
        reference_jerk,
        mirrored,
    )
