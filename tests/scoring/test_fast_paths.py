"""The speed-ups of the scoring engine give the values of the plain computations they replace."""

import math

import numpy as np
import pytest

from scoring import PoseStream, StreamingScorer, parse_pose_frames
from scoring.align import StreamingAligner
from scoring.beats import path_inside
from scoring.formats import check_pose_frames, map_to_canonical
from scoring.normalise import LearnerNormaliser
from scoring.one_euro import OneEuroFilter, planar_length
from scoring.params import (
    GRID_FPS,
    ONE_EURO_BETA,
    ONE_EURO_D_CUTOFF_HZ,
    ONE_EURO_MIN_CUTOFF_HZ,
)
from scoring.skeleton import to_canonical
from scoring.stream import EMIT_DELAY_FRAMES, MAX_WAITING_FRAMES
from scoring.view import ViewEstimator, mirror_2d


def parse_attempt_stream(attempt) -> PoseStream:
    return parse_pose_frames(attempt["timestamps_ms"], attempt["frames"], attempt["format"])


def _one_euro_frame_by_frame(positions: np.ndarray, present: np.ndarray) -> np.ndarray:
    """The One Euro filter written plainly, one joint and one frame at a time."""

    def alpha(cutoff):
        return 1.0 / (1.0 + GRID_FPS / (2.0 * math.pi * cutoff))

    n, joints, _ = positions.shape
    out = np.zeros(positions.shape)
    value, raw, speed = (
        np.zeros(positions.shape[1:]),
        np.zeros(positions.shape[1:]),
        np.zeros(joints),
    )
    seen = np.zeros(joints, dtype=bool)
    for t in range(n):
        for j in range(joints):
            if present[t, j]:
                x = positions[t, j]
                if not seen[j]:
                    value[j], raw[j], seen[j] = x, x, True
                raw_speed = np.sqrt(np.sum((x - raw[j]) ** 2)) * GRID_FPS
                speed[j] += alpha(ONE_EURO_D_CUTOFF_HZ) * (raw_speed - speed[j])
                a = alpha(ONE_EURO_MIN_CUTOFF_HZ + ONE_EURO_BETA * speed[j])
                value[j] = value[j] + a * (x - value[j])
                raw[j] = x
            out[t, j] = value[j]
    return out


@pytest.mark.parametrize("channels", [2, 3])
def test_one_euro_filter_matches_a_plain_frame_by_frame_filter(attempt, channels):
    """2D learner tracks and 3D routines, with joints missing now and then, in batches of
    several sizes (the single-frame path included)."""
    stream = parse_attempt_stream(attempt)
    positions = stream.joints[:200].astype(np.float64) / 100.0
    if channels == 3:
        positions = np.concatenate([positions, positions[..., :1] * 0.5], axis=-1)
    present = stream.weights[:200] >= 0.3
    expected = _one_euro_frame_by_frame(positions, present)
    for batch in (1, 3, 200):
        one_euro = OneEuroFilter()
        got = np.concatenate(
            [
                one_euro(positions[i : i + batch], present[i : i + batch])
                for i in range(0, 200, batch)
            ]
        )
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)


def test_planar_length_is_numpys_norm_to_the_bit(attempt):
    joints = parse_attempt_stream(attempt).joints
    for vectors in (joints, joints.astype(np.float64) / 7.0):
        assert np.array_equal(planar_length(vectors), np.linalg.norm(vectors, axis=-1))


# MediaPipe landmarks holding the COCO-17 joints: nose, eyes, ears, shoulders ... ankles.
_COCO_IN_MEDIAPIPE = [0, 2, 5, 7, 8, 11, 12, 13, 14, 15, 16, 23, 24, 25, 26, 27, 28]


@pytest.mark.parametrize("fmt", ["coco17", "mediapipe33"])
def test_parsed_joints_and_weights_equal_to_canonical(attempt, fmt):
    """The two-gather mapping gives what `to_canonical` gives (weights: the ramped
    visibility, averaged like every other channel)."""
    coco = np.array(attempt["frames"][:50])
    times = attempt["timestamps_ms"][:50]
    if fmt == "coco17":
        stream = parse_pose_frames(times, coco, fmt)
        ramp = np.clip((coco[..., 2] - 0.05) / 0.25, 0.0, 1.0)
        source = np.stack([coco[..., 0], -coco[..., 1], ramp], axis=-1)
    else:
        frames = np.zeros((50, 33, 4))
        frames[:, _COCO_IN_MEDIAPIPE] = coco[..., [0, 1, 2, 2]] / [1920.0, 1080.0, 1.0, 1.0]
        stream = parse_pose_frames(times, frames, fmt, image_size=[1920, 1080])
        ramp = np.clip((frames[..., 3] - 0.3) / 0.4, 0.0, 1.0)
        source = np.stack([frames[..., 0] * 1920.0, -(frames[..., 1] * 1080.0), ramp], axis=-1)
    expected = to_canonical(source, fmt)
    np.testing.assert_allclose(stream.joints, expected[..., :2], rtol=1e-6)
    np.testing.assert_allclose(stream.weights, expected[..., 2], rtol=1e-6, atol=1e-7)
    assert stream.weights.min() < 0.5 < stream.weights.max()  # the ramp was exercised


def test_aligner_steps_many_rows_as_it_steps_one(attempt, reference):
    learner, _ = LearnerNormaliser().push(parse_attempt_stream(attempt))
    n = min(len(learner), len(reference.joints)) - 5
    ours = learner[:n].reshape(n, -1).astype(np.float64)
    theirs = reference.joints[:n, :, :2].reshape(n, -1).astype(np.float64)
    costs = ((theirs[None] - ours[:, None]) ** 2).sum(axis=-1)  # (n, n): every pair
    one, many = StreamingAligner(21, 0, n, 0.05), StreamingAligner(21, 0, n, 0.05)
    for i in range(n):
        lo, hi = one.reference_frames(i)
        one.step(costs[i, lo:hi])
    for i in range(0, n, 7):
        many.step_many(costs[i : i + 7], 0)
    lag = one.best_lag()
    assert many.best_lag() == lag
    assert np.array_equal(one.backtrack(lag, -1), many.backtrack(lag, -1))


def test_beat_path_cells_by_binary_search_are_the_masked_ones():
    path = np.array([[0, 0], [1, 0], [2, 1], [2, 2], [3, 3], [4, 3], [5, 5], [6, 6]])
    for first, end in ((0, 1), (1, 4), (3, 5), (5, 9)):
        masked = path[(path[:, 1] >= first) & (path[:, 1] < end)]
        assert np.array_equal(path_inside(path, first, end), masked)
    # The path skips reference frame 4: its nearest cells stand in.
    assert path_inside(path, 4, 5).tolist() == [[3, 3], [4, 3], [5, 5]]


def test_waiting_frames_are_scored_by_finish_and_capped(reference, attempt):
    """Frames that wait for a due beat are not lost: `finish` aligns them, and no more than
    MAX_WAITING_FRAMES wait at once."""
    times, frames = np.array(attempt["timestamps_ms"]), np.array(attempt["frames"])
    whole = StreamingScorer(reference)
    whole.push(times, frames, "coco17")
    expected = whole.finish()
    scorer = StreamingScorer(reference)
    for i in range(len(times)):
        scorer.push(times[i : i + 1], frames[i : i + 1], "coco17")
        assert scorer._waiting_frames < MAX_WAITING_FRAMES
    assert scorer.finish() == expected


@pytest.mark.parametrize("batch", [1, 3, 7])
def test_each_beat_leaves_with_the_push_that_completes_its_due_frame(reference, attempt, batch):
    """Waiting frames never hold a beat back: it leaves with the first push whose frames reach
    the grid frame EMIT_DELAY_FRAMES after the beat's last frame."""
    times, frames = np.array(attempt["timestamps_ms"]), np.array(attempt["frames"])
    ends = {index: end for index, _, end in reference.beat_spans()}
    scorer = StreamingScorer(reference)
    completed = -1  # the last grid frame the pushes so far complete
    emitted = 0
    for i in range(0, len(times), batch):
        beats = scorer.push(times[i : i + batch], frames[i : i + batch], "coco17")
        before, completed = completed, math.floor(times[i : i + batch][-1] / 1000 * GRID_FPS + 1e-6)
        for beat in beats:
            due = ends[beat["index"]] - 1 + EMIT_DELAY_FRAMES
            assert before < due <= completed
        emitted += len(beats)
    assert emitted >= 14


def _aligner_row_by_row(costs: np.ndarray, band: int, end: int, penalty: float):
    """The streaming DTW written one row at a time, as `StreamingAligner` did before rows with
    whole bands were stepped together: costs ``(n, end)`` of learner frame ``i`` (grid frame
    ``i``, alignment from frame 0) to every reference frame. Returns the last row and the
    learner-step and reference-step back-pointers ``(n, 2 * band + 1)``."""
    width = 2 * band + 1
    steps = penalty * np.arange(width)
    previous = np.full(width + 1, np.inf)
    learner_step = np.zeros((len(costs), width), dtype=bool)
    reference_step = np.zeros((len(costs), width), dtype=bool)
    for row in range(len(costs)):
        ref_lo, ref_hi = max(row - band, 0), min(row + band + 1, end)
        m_lo, m_hi = ref_lo - row + band, ref_hi - row + band
        total = np.full(width + 1, np.inf)
        if m_hi > m_lo:
            diagonal = previous[m_lo:m_hi]
            vertical = previous[m_lo + 1 : m_hi + 1] + penalty
            above = np.minimum(diagonal, vertical)
            learner_step[row, m_lo:m_hi] = vertical < diagonal
            if row == 0:
                above[band - m_lo] = 0.0
            c = costs[row, ref_lo:ref_hi]
            prefix = np.add.accumulate(c)
            entry = above - (prefix - c) - steps[: m_hi - m_lo]
            best = np.minimum.accumulate(entry)
            total[m_lo:m_hi] = prefix + steps[: m_hi - m_lo] + best
            reference_step[row, m_lo + 1 : m_hi] = entry[1:] > best[:-1]
        previous = total
    return previous, learner_step, reference_step


@pytest.mark.parametrize("chunk", [1, 5, 17, 400])
def test_band_ordered_steps_give_the_row_by_row_values_to_the_bit(attempt, reference, chunk):
    """Rows with whole bands share prefix sums and back-pointers; the first rows (the
    reference starts inside their band) and the last (it ends inside) are stepped alone. Every
    cell and pointer must be what the row-by-row aligner gives, in chunks of any size."""
    learner, _ = LearnerNormaliser().push(parse_attempt_stream(attempt))
    end = min(len(learner), len(reference.joints)) - 12  # the reference ends before the learner
    n, band, penalty = end + 12, 21, 0.05
    ours = learner[:n].reshape(n, -1).astype(np.float64)
    theirs = reference.joints[:end, :, :2].reshape(end, -1).astype(np.float64)
    costs = ((theirs[None] - ours[:, None]) ** 2).sum(axis=-1)  # (n, end): every pair
    last, learner_step, reference_step = _aligner_row_by_row(costs, band, end, penalty)
    aligner = StreamingAligner(band, 0, end, penalty)
    for lo in range(0, n, chunk):
        rows = np.arange(lo, min(lo + chunk, n))
        cells = rows[:, None] - band + np.arange(2 * band + 1)  # reference frame of each cell
        inside = (cells >= 0) & (cells < end)
        banded = np.where(inside, costs[rows[:, None], np.clip(cells, 0, end - 1)], 0.0)
        aligner.step_band(banded)
    assert np.array_equal(aligner._cost, last)
    assert np.array_equal(aligner._learner_step[:n], learner_step)
    assert np.array_equal(aligner._reference_step[:n], reference_step)
    assert aligner.best_lag(end) in range(-band, band + 1)


def test_checked_batches_map_like_one_parsed_batch(attempt):
    """Batches checked one by one and mapped together give what parsing them at once gives,
    for every layout; batches with different layouts map one after the other."""
    coco = np.array(attempt["frames"][:60])
    times = np.array(attempt["timestamps_ms"][:60])
    mediapipe = np.zeros((60, 33, 4))
    mediapipe[:, _COCO_IN_MEDIAPIPE] = coco[..., [0, 1, 2, 2]] / [1920.0, 1080.0, 1.0, 1.0]
    world = mediapipe[..., :3] - 0.5
    canonical = to_canonical(coco, "coco17")
    cases = [
        ("coco17", coco, {}),
        ("mediapipe33", mediapipe, {"image_size": [1920, 1080]}),
        ("mediapipe33", mediapipe, {"world_frames": world}),
        ("canonical", canonical[..., :2], {"weights": canonical[..., 2]}),
        ("canonical", canonical, {}),
    ]
    for fmt, frames, extra in cases:
        whole = parse_pose_frames(times, frames, fmt, **extra)
        batches = []
        for i in range(0, 60, 7):
            part = {k: v[i : i + 7] if k != "image_size" else v for k, v in extra.items()}
            batches.append(check_pose_frames(times[i : i + 7], frames[i : i + 7], fmt, **part))
        mapped = map_to_canonical(batches)
        for field in ("times_s", "joints", "weights"):
            assert np.array_equal(getattr(mapped, field), getattr(whole, field)), (fmt, field)
    # Two image sizes: each run of batches is mapped with its own.
    small = check_pose_frames(times[:30], mediapipe[:30], "mediapipe33", image_size=[640, 360])
    large = check_pose_frames(times[30:], mediapipe[30:], "mediapipe33", image_size=[1920, 1080])
    mapped = map_to_canonical([small, large])
    first = parse_pose_frames(times[:30], mediapipe[:30], "mediapipe33", image_size=[640, 360])
    second = parse_pose_frames(times[30:], mediapipe[30:], "mediapipe33", image_size=[1920, 1080])
    assert np.array_equal(mapped.joints, np.concatenate([first.joints, second.joints]))
    assert np.array_equal(mapped.weights, np.concatenate([first.weights, second.weights]))


def test_view_sums_are_the_plain_weighted_sums(attempt, reference):
    """One matrix product against the reference's features gives the sums written out one by
    one, for the learner as is and mirrored (to float64 rounding)."""
    learner, weights = LearnerNormaliser().push(parse_attempt_stream(attempt))
    n = min(len(learner), len(reference.joints))
    view = ViewEstimator()
    for i in range(0, n, 15):
        view.add_features(
            reference.view_features[i : min(i + 15, n)], learner[i : i + 15], weights[i : i + 15]
        )
    ref = reference.joints[:n].astype(np.float64)
    x, y, z = ref[..., 0], ref[..., 1], ref[..., 2]
    for h, (lj, lw) in enumerate(((learner[:n], weights[:n]), mirror_2d(learner[:n], weights[:n]))):
        u, v, w = (a.astype(np.float64) for a in (lj[..., 0], lj[..., 1], lw))
        plain = [
            (w * x * u).sum(), (w * z * u).sum(), (w * x * x).sum(), (w * z * z).sum(),
            (w * x * z).sum(), (w * u * u).sum(), (w * v * v).sum(), (w * y * y).sum(),
            (w * v * y).sum(),
        ]  # fmt: skip
        np.testing.assert_allclose(view.sums[h], plain, rtol=1e-10, atol=1e-9)


def test_arrays_a_reference_shares_between_learners_are_read_only(reference):
    for shared in (*reference.planes, reference.view_features):
        assert not shared.flags.writeable
        with pytest.raises(ValueError):
            shared[0] = 0.0


@pytest.mark.parametrize("emit_delay_s", [0.0, 0.4])
def test_the_emit_delay_sets_when_each_beat_leaves(reference, attempt, emit_delay_s):
    times, frames = np.array(attempt["timestamps_ms"]), np.array(attempt["frames"])
    ends = {index: end for index, _, end in reference.beat_spans()}
    delay = round(emit_delay_s * GRID_FPS)
    scorer = StreamingScorer(reference, emit_delay_s=emit_delay_s)
    completed, emitted = -1, 0
    for i in range(0, len(times), 3):
        beats = scorer.push(times[i : i + 3], frames[i : i + 3], "coco17")
        before, completed = completed, math.floor(times[i : i + 3][-1] / 1000 * GRID_FPS + 1e-6)
        for beat in beats:
            assert before < ends[beat["index"]] - 1 + delay <= completed
        emitted += len(beats)
    assert emitted >= 14
