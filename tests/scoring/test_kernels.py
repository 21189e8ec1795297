"""The compiled (numba) kernels of the live scorer give the values of the numpy formulas they
replaced, to the bit, on real recordings."""

import math

import numpy as np
import pytest

from scoring import PoseStream, parse_pose_frames
from scoring.beats import (
    _SCORED_JOINTS,
    _frame_jerks,
    _visibility,
    frame_jerks,
)
from scoring.body_scale import LengthQuantile
from scoring.costs import band_costs, learner_local, reference_local
from scoring.formats import _SOURCES, _map_image
from scoring.normalise import LearnerNormaliser
from scoring.one_euro import planar_length
from scoring.params import (
    ALIGN_JOINT_CAP,
    GRID_FPS,
    MAX_GAP_S,
    MERGED_LIMBS,
    SCALE_BINS,
    SCALE_BLOCK_FRAMES,
    SCALE_QUANTILE,
    SCALE_RANGE,
    VISIBILITY_RAMP,
)
from scoring.parts import (
    ANCHOR,
    JOINT_PART,
    LIMB_PAIRS,
    NECK,
    PART_SIZES,
    TURNS,
    WEIGHT_ANCHOR,
    beat_parts,
)
from scoring.resample import resample_rows
from scoring.skeleton import JOINT_INDEX, MIRROR
from scoring.sums import pairwise_sum, pairwise_sum_columns
from scoring.view import (
    ViewEstimator,
    _trusted_sums,
    _view_columns,
    mirror_2d,
    project,
    view_turn,
)

_SAME = np.arange(15)  # the joints in their own order


def _learner(attempt):
    stream = parse_pose_frames(attempt["timestamps_ms"], attempt["frames"], attempt["format"])
    return LearnerNormaliser().push(stream)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_pairwise_sum_is_numpys_sum_to_the_bit(attempt, dtype):
    """Every length up to past numpy's 8192-value buffer, on values of very different sizes
    (where the order of additions shows) and on a real learner's coordinates."""
    rng = np.random.default_rng(0)
    zero = dtype(0.0)
    lengths = [*range(1, 300), 1000, 1001, 8192, 8193, 20000]
    for n in lengths:
        values = (rng.standard_normal(n + 5) * 10 ** rng.uniform(-4, 4, n + 5)).astype(dtype)
        assert pairwise_sum(values, 3, n, zero) == np.add.reduce(values[3 : 3 + n]), n
    joints = _learner(attempt)[0].astype(dtype).ravel()
    for n in (14, 15, 150, 420, len(joints)):
        assert pairwise_sum(joints, 0, n, zero) == np.add.reduce(joints[:n])
    assert math.copysign(1.0, pairwise_sum(np.full(20, -0.0, dtype), 0, 20, zero)) == 1.0


def _band_costs_numpy(reference, learner, shown, yaw, mirrored, band, valid):
    """The alignment's costs (`scoring.costs`) as numpy computes them: reference rows
    ``(n + 2 band, J, 3)`` projected at ``yaw`` (rows outside ``valid`` zero) and the learner's
    rows (mirrored first) as local poses; per part the squared distances of its shown joints
    summed, capped at `ALIGN_JOINT_CAP` per shown joint; the parts added in order."""
    n, width = len(learner), 2 * band + 1
    projected = np.zeros((n + 2 * band, reference.shape[1], 2), dtype=np.float32)
    projected[valid] = project(reference[valid], yaw)
    theirs = _local_pose_numpy(projected.astype(np.float64))
    ours = learner[:, MIRROR] * np.array([-1.0, 1.0], np.float32) if mirrored else learner
    ours = _local_pose_numpy(ours.astype(np.float64))
    cells = np.lib.stride_tricks.sliding_window_view(theirs, width, axis=0)
    cells = cells.transpose(0, 3, 1, 2)  # (n, cell, joint, [x, y])
    squares = ((cells - ours[:, None]) ** 2).sum(axis=-1) * shown  # (n, cell, joint)
    costs = np.zeros((n, width))
    for k in range(len(PART_SIZES)):
        mine = JOINT_PART == k
        costs += np.minimum(squares[..., mine].sum(axis=-1), ALIGN_JOINT_CAP * shown[mine].sum())
    rows = np.arange(n)[:, None] + np.arange(width)[None, :]
    costs[(rows < valid.start) | (rows >= valid.stop)] = 0.0
    return costs


@pytest.mark.parametrize("mirrored", [False, True])
def test_band_costs_are_the_numpy_costs_to_the_bit(attempt, reference, mirrored):
    """Windows inside the reference and cut by its start and end, at several yaws, with joints
    the learner does not show."""
    learner, _ = _learner(attempt)
    shown = np.ones(len(JOINT_INDEX), dtype=np.float32)
    shown[[3, 5]] = 0.0  # the left leg out of the picture
    planes = reference.planes
    band, total = 21, len(reference.joints)
    for lo, n in ((0, 15), (40, 15), (100, 1), (200, 32), (total - 2 * band - 20, 20)):
        valid = slice(max(lo, 10) - lo, min(lo + n + 2 * band, total - 3) - lo)
        window = reference.joints[lo : lo + n + 2 * band]
        for yaw in (0.0, 0.7, -2.9):
            theirs = reference_local(
                *planes, lo, n + 2 * band, lo + valid.start, lo + valid.stop, *view_turn(yaw)
            )
            ours = learner_local(learner[lo : lo + n], MIRROR, mirrored)
            got = band_costs(ours, shown, theirs, valid.start, valid.stop, band)
            expected = _band_costs_numpy(
                window, learner[lo : lo + n], shown, yaw, mirrored, band, valid
            )
            assert np.array_equal(got, expected), (lo, n, yaw)
            # A part is capped: the left arm far off costs no more than its cap.
            far = learner[lo : lo + n].copy()
            far[:, MIRROR[[JOINT_INDEX["left_elbow"], JOINT_INDEX["left_wrist"]]]] += 50.0
            farther = band_costs(
                learner_local(far, MIRROR, mirrored), shown, theirs, valid.start, valid.stop, band
            )
            assert np.all(farther <= got + 2 * ALIGN_JOINT_CAP + 1e-9), (lo, n, yaw)


def _frame_jerks_numpy(track, weights):
    """`frame_jerks` as numpy computed it."""
    track = track.take(_SCORED_JOINTS, axis=1)
    third = track[3:] - 3 * track[2:-1] + 3 * track[1:-2] - track[:-3]
    magnitude = planar_length(third)
    magnitude *= GRID_FPS**3
    if weights is None:
        return magnitude.astype(np.float64).sum(axis=1) / float(len(_SCORED_JOINTS))
    weights = weights.take(_SCORED_JOINTS, axis=1)
    w = np.minimum(np.minimum(weights[3:], weights[2:-1]), np.minimum(weights[1:-2], weights[:-3]))
    seen = w.sum(axis=1)
    total = (magnitude * w).sum(axis=1)
    return np.divide(total, seen, out=np.full(len(seen), np.nan, np.float32), where=seen > 0)


def _visibility_numpy(weights):
    """`_visibility` of gathered learner rows as numpy computed it."""
    scored = weights.take(_SCORED_JOINTS, axis=1)
    return float(np.float32(float(np.add.reduce(scored, axis=None)) / scored.size))


@pytest.fixture(scope="module")
def learner_track(attempt):
    """A real learner track with unseen joints (weights 0) and partly seen ones."""
    learner, weights = _learner(attempt)
    weights = weights.copy()
    weights[40:60, 9:] = 0.0  # arms and legs unseen for a while
    weights[100:104] = 0.0  # the whole body: frames with no joint seen
    return learner, weights


@pytest.mark.parametrize("mirror", [False, True])
def test_jerks_are_the_numpy_jerks_to_the_bit(learner_track, reference, mirror):
    learner, weights = learner_track
    if mirror:
        learner, weights = mirror_2d(learner, weights)
    got = frame_jerks(learner, weights)
    expected = _frame_jerks_numpy(learner, weights)
    assert np.isnan(got).any()
    assert np.array_equal(got, expected, equal_nan=True)
    projected = project(reference.joints, 0.4)
    assert np.array_equal(frame_jerks(projected), _frame_jerks_numpy(projected, None))
    # A beat's jerks straight from the unmirrored track (the live scorer's way) are the same.
    for lo, hi in ((30, 50), (90, 110), (0, len(learner))):
        got = _frame_jerks(*learner_track, True, MIRROR if mirror else _SAME, lo, hi)
        assert np.array_equal(got, expected[lo : hi - 3], equal_nan=True)


@pytest.mark.parametrize("mirror", [False, True])
def test_beat_visibility_is_the_numpy_mean_to_the_bit(learner_track, mirror):
    """Rows of real beats, with joints unseen, mirrored on the way or before."""
    learner, weights = learner_track
    rng = np.random.default_rng(0)
    for lo in (0, 35, 95, 150):
        rows = np.sort(rng.integers(lo, lo + 20, size=24))
        _, our_weights = mirror_2d(learner, weights) if mirror else (learner, weights)
        expected = _visibility_numpy(our_weights[rows])
        assert _visibility(weights, rows, MIRROR if mirror else _SAME) == expected, lo
        assert _visibility(our_weights, rows, _SAME) == expected, lo


def _resample_numpy(times, joints, weights, first_grid, last_grid):
    """`LearnerNormaliser` resampling as numpy computed it (whole-array indices)."""
    t = np.arange(first_grid, last_grid + 1) / GRID_FPS
    right = np.minimum(np.searchsorted(times, t - 1e-9), len(times) - 1)
    left = np.maximum(right - 1, 0)
    span = times[right] - times[left]
    frac = np.where(span > 0, (t - times[left]) / np.where(span > 0, span, 1.0), 1.0)
    frac = np.clip(frac, 0.0, 1.0)
    on_sample = frac >= 1.0 - 1e-6
    before = joints.take(left, axis=0)
    out = before + frac[:, None, None] * (joints.take(right, axis=0) - before)
    w = np.minimum(
        weights.take(np.where(on_sample, right, left), axis=0), weights.take(right, axis=0)
    )
    w[~on_sample & (span > MAX_GAP_S)] = 0.0
    return out, w


def test_resampling_is_the_numpy_resampling_to_the_bit(attempt):
    """Uneven timestamps with drop-outs longer than MAX_GAP_S, frames on and between samples."""
    stream = parse_pose_frames(attempt["timestamps_ms"], attempt["frames"], attempt["format"])
    keep = np.ones(len(stream.times_s), dtype=bool)
    keep[100:140] = False  # a 0.67 s drop-out
    keep[np.random.default_rng(1).choice(len(keep), 60, replace=False)] = False
    times, joints, weights = stream.times_s[keep], stream.joints[keep], stream.weights[keep]
    first = math.ceil(times[0] * GRID_FPS - 1e-6)
    last = math.floor(times[-1] * GRID_FPS + 1e-6)
    got = resample_rows(times, joints, weights, first, last, GRID_FPS, MAX_GAP_S)
    expected = _resample_numpy(times, joints, weights, first, last)
    assert (expected[1] == 0).all(axis=1).sum() >= 15  # the drop-out's frames
    for a, b in zip(got, expected, strict=True):
        assert a.dtype == b.dtype
        assert np.array_equal(a, b)


def _scales_numpy(torsos, torso_weights):
    """The body-size scales as numpy computed them: a weighted log histogram updated after
    frames 1, 2, 4, 8... then every SCALE_BLOCK_FRAMES frames from the torsos since the last."""
    counts = np.zeros(SCALE_BINS)
    log_low = math.log(SCALE_RANGE[0])
    step = (math.log(SCALE_RANGE[1]) - log_low) / SCALE_BINS
    scale, next_update, out = 0.0, 0, []
    pending_values, pending_weights = [], []
    for row, (value, weight) in enumerate(zip(torsos, torso_weights, strict=True)):
        pending_values.append(value)
        pending_weights.append(weight)
        if row == next_update:
            values, weights = np.array(pending_values), np.array(pending_weights, np.float32)
            keep = (values > 0) & (weights > 0)
            bins = ((np.log(values[keep]) - log_low) / step).astype(np.int64)
            np.add.at(counts, np.clip(bins, 0, SCALE_BINS - 1), weights[keep])
            pending_values, pending_weights = [], []
            if counts.sum() > 0:
                cumulative = np.cumsum(counts)
                target = SCALE_QUANTILE * counts.sum()
                b = int(np.searchsorted(cumulative, target))
                within = (target - (cumulative[b] - counts[b])) / counts[b]
                scale = math.exp(log_low + (b + within) * step)
            next_update = row + min(SCALE_BLOCK_FRAMES, max(1, row))
        out.append(scale)
    return np.array(out)


def test_torso_scales_are_the_numpy_scales_to_the_bit(attempt):
    stream = parse_pose_frames(attempt["timestamps_ms"], attempt["frames"], attempt["format"])
    weights = stream.weights.copy()
    weights[:5, JOINT_INDEX["neck"]] = 0.0  # no torso at first: the scale stays 0
    normaliser = LearnerNormaliser()
    joints, grid_weights = normaliser.resample(PoseStream(stream.times_s, stream.joints, weights))
    torso = planar_length(joints[:, JOINT_INDEX["neck"]] - joints[:, JOINT_INDEX["pelvis"]])
    torso_weight = np.minimum(
        grid_weights[:, JOINT_INDEX["neck"]], grid_weights[:, JOINT_INDEX["pelvis"]]
    )
    expected = _scales_numpy(torso, torso_weight)
    torso_scale = LengthQuantile(JOINT_INDEX["neck"], JOINT_INDEX["pelvis"])
    got = np.concatenate(
        [
            torso_scale.push(joints[i : i + 7], grid_weights[i : i + 7])
            for i in range(0, len(joints), 7)
        ]
    )
    assert expected[0] == 0.0 < expected[-1]
    assert np.array_equal(got, expected)


def test_column_sums_are_numpys_sums_to_the_bit():
    """`pairwise_sum_columns` sums each column as numpy sums a contiguous run, for the
    skeleton's 15 joints and for every other count of rows up to past one block."""
    rng = np.random.default_rng(2)
    for rows in (*range(1, 40), 127, 128, 129, 300):
        values = (rng.standard_normal((rows, 43)) * 10 ** rng.uniform(-3, 3, (rows, 43))).astype(
            np.float32
        )
        out = np.empty(43, dtype=np.float32)
        pairwise_sum_columns(values, np.float32(0.0), out)
        assert np.array_equal(out, np.add.reduce(np.ascontiguousarray(values.T), axis=-1)), rows


def _view_columns_numpy(learner, weights):
    """`ViewEstimator`'s learner features as numpy computed them."""
    u, v = learner[..., 0].astype(np.float64), learner[..., 1].astype(np.float64)
    w = weights.astype(np.float64)
    wu, wv = w * u, w * v
    plain = np.stack([wu, wv, w, wu * u, wv * v], axis=-1)
    mirrored = plain[:, MIRROR] * np.array([-1.0, 1.0, 1.0, 1.0, 1.0])
    return np.concatenate([plain, mirrored], axis=-1).reshape(-1, 10)


def test_view_columns_are_the_numpy_columns_to_the_bit(learner_track):
    learner, weights = learner_track
    for lo, n in ((0, 1), (10, 15), (200, 64)):
        got = _view_columns(learner[lo : lo + n], weights[lo : lo + n], MIRROR)
        assert got.flags.c_contiguous  # the same operand layout for the matrix product
        assert np.array_equal(got, _view_columns_numpy(learner[lo : lo + n], weights[lo : lo + n]))


def _map_image_numpy(values, fmt, factors=None):
    """Source joints to canonical joints and weights as numpy computed them."""
    low, full = VISIBILITY_RAMP[fmt]
    if factors is not None:  # MediaPipe image landmarks: x, y, visibility scaled
        values = values.take([0, 1, 3], axis=2) * np.array(factors)
    shift, divisor = np.array([0.0, 0.0, low]), np.array([1.0, -1.0, full - low])
    floor, ceiling = np.array([-np.inf, -np.inf, 0.0]), np.array([np.inf, np.inf, 1.0])
    stacked = np.minimum(np.maximum((values - shift) / divisor, floor), ceiling)
    first, second = _SOURCES[fmt]
    canon = ((stacked.take(first, axis=1) + stacked.take(second, axis=1)) * 0.5).astype(np.float32)
    return canon[..., :2], canon[..., 2]


def test_mapping_to_canonical_joints_is_the_numpy_mapping_to_the_bit(attempt):
    """COCO pixels, MediaPipe image landmarks (scaled by the image size) and MediaPipe world
    landmarks (x, y, visibility), with visibilities below, inside and above the ramp."""
    coco = np.array(attempt["frames"][:120])
    mediapipe = np.zeros((120, 33, 4))
    mediapipe[:, _COCO_IN_MEDIAPIPE] = coco[..., [0, 1, 2, 2]] / [1920.0, 1080.0, 1.0, 1.0]
    mediapipe[..., 3] *= np.random.default_rng(3).uniform(0.0, 1.5, size=(120, 33))
    world = np.concatenate([mediapipe[..., :2] - 0.5, mediapipe[..., 3:]], axis=-1)
    cases = (
        (coco, ("coco17",), _map_image_numpy(coco, "coco17")),
        (
            mediapipe,
            ("mediapipe33", 1920.0, 1080.0),
            _map_image_numpy(mediapipe, "mediapipe33", (1920.0, 1080.0, 1.0)),
        ),
        (world, ("mediapipe33", "world"), _map_image_numpy(world, "mediapipe33")),
    )
    for values, layout, expected in cases:
        joints, weights = _map_image(values, layout)
        assert np.array_equal(joints, expected[0]), layout
        assert np.array_equal(weights, expected[1]), layout
        assert (
            weights.min() == 0.0 and weights.max() == 1.0 and ((weights > 0) & (weights < 1)).any()
        )


# MediaPipe landmarks holding the COCO-17 joints: nose, eyes, ears, shoulders ... ankles.
_COCO_IN_MEDIAPIPE = [0, 2, 5, 7, 8, 11, 12, 13, 14, 15, 16, 23, 24, 25, 26, 27, 28]


def _local_pose_numpy(joints):
    """`scoring.parts` local pose as numpy computes it."""
    from_pelvis = ANCHOR == np.arange(len(ANCHOR))
    local = (joints - np.where(from_pelvis[:, None], 0.0, joints[:, ANCHOR])).astype(np.float64)
    neck = joints[:, NECK].astype(np.float64)
    length = np.maximum(np.sqrt(neck[:, 0] ** 2 + neck[:, 1] ** 2), 1e-9)
    sin, cos = neck[:, 0] / length, neck[:, 1] / length
    x, y = local[:, TURNS, 0].copy(), local[:, TURNS, 1].copy()
    local[:, TURNS, 0] = cos[:, None] * x - sin[:, None] * y
    local[:, TURNS, 1] = sin[:, None] * x + cos[:, None] * y
    return local


def _unmerged_numpy(ours, weights, theirs):
    out = weights.astype(np.float64).copy()
    norm = lambda v: np.sqrt((v * v).sum(-1))  # noqa: E731
    for left, right in LIMB_PAIRS:
        merged = (
            (norm(ours[:, left[0]] - ours[:, right[0]]) < MERGED_LIMBS)
            & (norm(ours[:, left[1]] - ours[:, right[1]]) < MERGED_LIMBS)
            & (norm(theirs[:, left[1]] - theirs[:, right[1]]) > 3 * MERGED_LIMBS)
        )
        out[np.ix_(merged, [*left, *right])] = 0.0
        for limb, other in ((left, right), (right, left)):
            hidden = out[:, other].max(axis=1) < 0.5
            own = norm(ours[:, limb] - theirs[:, limb]).sum(-1)
            crossed = norm(ours[:, limb] - theirs[:, other]).sum(-1)
            out[np.ix_(hidden & (crossed < 0.5 * own), limb)] = 0.0
    return out


def _spread_numpy(points, weights=None):
    part = np.zeros((len(ANCHOR), len(PART_SIZES)))
    part[JOINT_PART >= 0, JOINT_PART[JOINT_PART >= 0]] = 1.0
    w = np.ones(points.shape[:2]) if weights is None else weights
    total = w.sum(axis=0)
    mean = (points * w[..., None]).sum(axis=0) / np.maximum(total, 1e-300)[:, None]
    per_joint = (((points - mean) ** 2).sum(-1) * w).sum(axis=0) / np.where(total > 0, total, 1.0)
    return np.sqrt(per_joint @ part / PART_SIZES)


@pytest.mark.parametrize("mirror", [False, True])
def test_beat_parts_are_the_numpy_part_measures(learner_track, reference, mirror):
    """Aligned pairs of a real beat, with joints unseen, mirrored on the way or not."""
    learner, weights = learner_track
    projected = project(reference.joints, -0.3)
    order = MIRROR if mirror else _SAME
    part = np.zeros((len(ANCHOR), len(PART_SIZES)))
    part[JOINT_PART >= 0, JOINT_PART[JOINT_PART >= 0]] = 1.0
    rng = np.random.default_rng(1)
    for lo in (0, 35, 95, 150):
        rows = np.sort(rng.integers(lo, lo + 20, size=24))
        cols = np.clip(rows + rng.integers(-3, 4, size=24), 0, len(projected) - 1)
        window = (max(lo - 15, 0), lo + 35)
        got = beat_parts(learner, weights, rows, order, mirror, projected, cols, *window)
        ours = learner[rows][:, order].astype(np.float64)
        if mirror:
            ours[..., 0] = -ours[..., 0]
        theirs = projected[cols].astype(np.float64)
        w = _unmerged_numpy(ours, weights[rows][:, order], theirs)
        w = np.minimum(w, w[:, WEIGHT_ANCHOR])
        ours, theirs = _local_pose_numpy(ours), _local_pose_numpy(theirs)
        distance = np.sqrt(((ours - theirs) ** 2).sum(-1))
        part_weight = w.sum(axis=0) @ part
        expected = (
            part_weight,
            (distance * w).sum(axis=0) @ part / np.maximum(part_weight, 1e-9),
            _spread_numpy(_local_pose_numpy(projected[window[0] : window[1]].astype(np.float64))),
            _spread_numpy(ours, w),
            _spread_numpy(theirs, w),
        )
        for a, b in zip(got, expected, strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


def _trusted_sums_numpy(blocks, h, yaw, outlier_scale):
    """`ViewEstimator`'s robust refit weights as numpy computes them."""
    c, s = np.cos(yaw), np.sin(yaw)
    xu, zu, xx, zz, xz, uu, vv, yy, vy = blocks[:, h, :9].T
    residual_sum = uu - 2 * (c * xu + s * zu) + c * c * xx + 2 * c * s * xz + s * s * zz
    residual_sum = residual_sum + vv - 2 * vy + yy
    seen = blocks[:, h, 9] > 0
    residual = np.where(seen, np.maximum(residual_sum, 0.0) / np.where(seen, blocks[:, h, 9], 1), 0)
    scale = max(outlier_scale * np.median(residual[seen]) if seen.any() else 0.0, 1e-12)
    trust = 1.0 / (1.0 + (residual / scale) ** 2)
    return np.einsum("i,iak->ak", trust, blocks)


def test_view_trusted_sums_are_the_numpy_weights(learner_track, reference):
    """The robust refit's weighted block sums on a real learner, some blocks danced elsewhere."""
    learner, weights = learner_track
    n = min(len(learner), len(reference.joints))
    view = ViewEstimator()
    view.add(reference.joints[:n], learner[:n], weights[:n])
    shifted = ViewEstimator()  # a second stretch, time-shifted: far from the reference
    shifted.add(reference.joints[:n], np.roll(learner[:n], 40, axis=0), weights[:n])
    blocks = np.concatenate([view._used_blocks(), shifted._used_blocks()])
    for h in (0, 1):
        for yaw in (0.0, -0.3, 2.0):
            np.testing.assert_allclose(
                _trusted_sums(blocks, h, yaw, 4.0),
                _trusted_sums_numpy(blocks, h, yaw, 4.0),
                rtol=1e-9,
                atol=1e-9,
            )
