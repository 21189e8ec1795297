"""The speed-ups of the scoring engine give the values of the plain computations they replace."""

import math

import numpy as np
import pytest

from generation.skeleton import to_canonical
from scoring import PoseStream, StreamingScorer, parse_pose_frames
from scoring.align import StreamingAligner
from scoring.beats import path_inside
from scoring.normalise import LearnerNormaliser, OneEuroFilter, planar_length
from scoring.params import (
    GRID_FPS,
    ONE_EURO_BETA,
    ONE_EURO_D_CUTOFF_HZ,
    ONE_EURO_MIN_CUTOFF_HZ,
)
from scoring.stream import EMIT_DELAY_FRAMES, MAX_WAITING_FRAMES


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
