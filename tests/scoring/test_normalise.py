import math

import numpy as np

from scoring import parse_attempt, score_attempt
from scoring.formats import PoseStream
from scoring.normalise import LearnerNormaliser
from scoring.one_euro import OneEuroFilter
from scoring.skeleton import JOINT_INDEX
from scoring.view import ViewEstimator, _fit, mirror_2d, project


def _moved_and_scaled(attempt, factor, shift):
    frames = np.array(attempt["frames"])
    frames[..., :2] = frames[..., :2] * factor + shift
    return {**attempt, "frames": frames.tolist()}


def test_scores_ignore_position_and_body_size(reference, attempt):
    base = score_attempt(attempt, reference, "off")
    other = score_attempt(_moved_and_scaled(attempt, 0.6, [-300.0, 120.0]), reference, "off")
    for a, b in zip(base["beats"], other["beats"], strict=True):
        assert (
            abs(a["accuracy"] - b["accuracy"]) <= 3.0
        )  # the first beats: the running body-size estimate is still settling
        assert a["timing_offset_ms"] == b["timing_offset_ms"]


def test_one_euro_filter_removes_most_jitter_of_a_still_joint():
    rng = np.random.default_rng(0)
    noisy = 1.0 + 0.02 * rng.normal(size=(300, 1, 2))
    present = np.ones((300, 1), bool)
    out = OneEuroFilter()(noisy, present)
    assert out[30:].std() < 0.5 * noisy[30:].std()
    # Frame by frame, the filter gives the same result as in one batch.
    one_euro = OneEuroFilter()
    stepwise = np.concatenate([one_euro(noisy[i : i + 1], present[i : i + 1]) for i in range(300)])
    np.testing.assert_allclose(stepwise, out, atol=1e-9)


def test_uneven_timestamps_and_drop_outs_are_resampled_onto_the_grid(attempt):
    stream = parse_attempt(attempt)
    rng = np.random.default_rng(1)
    keep = np.sort(rng.choice(len(stream.times_s), size=len(stream.times_s) // 3, replace=False))
    keep = keep[(stream.times_s[keep] < 3.0) | (stream.times_s[keep] > 4.0)]  # a 1 s drop-out
    uneven = PoseStream(stream.times_s[keep], stream.joints[keep], stream.weights[keep])
    joints, weights = LearnerNormaliser().push(uneven)
    grid_t = (np.arange(len(joints)) + math.ceil(uneven.times_s[0] * 30 - 1e-6)) / 30
    inside_gap = (grid_t > uneven.times_s[uneven.times_s < 3.0][-1]) & (grid_t < 4.0)
    assert np.all(weights[inside_gap] == 0)
    assert weights[~inside_gap].mean() > 0.5
    assert np.all(np.isfinite(joints))


def test_view_estimator_finds_the_camera_yaw_and_the_mirror(reference):
    yaw = math.radians(70.0)
    view_2d = project(reference.joints, yaw)
    weights = np.ones(view_2d.shape[:2], dtype=np.float32)
    plain = ViewEstimator()
    plain.add(reference.joints, view_2d, weights)
    found, mirrored = plain.solve("auto")
    assert abs(math.degrees(found) - 70.0) < 1.0 and not mirrored
    flipped = ViewEstimator()
    flipped.add(reference.joints, *mirror_2d(view_2d, weights))
    assert flipped.solve("auto")[1] is True
    assert flipped.solve("off")[1] is False


def test_mirror_2d_swaps_sides_and_is_its_own_inverse():
    joints = np.random.default_rng(2).normal(size=(4, 15, 2)).astype(np.float32)
    weights = np.random.default_rng(3).random((4, 15)).astype(np.float32)
    mirrored, mirrored_w = mirror_2d(joints, weights)
    left, right = JOINT_INDEX["left_wrist"], JOINT_INDEX["right_wrist"]
    assert mirrored[0, left, 0] == -joints[0, right, 0]
    assert mirrored_w[0, left] == weights[0, right]
    back, back_w = mirror_2d(mirrored, mirrored_w)
    np.testing.assert_array_equal(back, joints)
    np.testing.assert_array_equal(back_w, weights)


def test_without_hips_the_body_size_comes_from_the_upper_body(attempt):
    """A learner whose hips are never seen still gets a body size (from the shoulders, arms
    and head), within 20 % of the torso's on a real recording."""
    stream = parse_attempt(attempt)
    with_hips = LearnerNormaliser()
    with_hips.push(stream)
    weights = stream.weights.copy()
    weights[:, [JOINT_INDEX[j] for j in ("pelvis", "left_hip", "right_hip")]] = 0.0
    without = LearnerNormaliser()
    joints, seen = without.push(PoseStream(stream.times_s, stream.joints, weights))
    assert with_hips.scale > 0 and without.scale > 0
    assert abs(without.scale / with_hips.scale - 1.0) < 0.2
    assert (seen[:, JOINT_INDEX["pelvis"]] == 0).all() and (
        seen[:, JOINT_INDEX["left_wrist"]] > 0
    ).any()


def test_a_stretch_danced_from_another_view_does_not_turn_the_fitted_yaw(reference):
    """A quarter of the frames seen from 90 degrees further round (as a body part from another
    dance, or a wrong move, looks to the fit): the robust refit keeps the camera's yaw, where a
    plain least-squares fit is pulled toward the stretch."""
    view_2d = project(reference.joints, math.radians(30.0))
    stretch = slice(len(view_2d) // 3, len(view_2d) // 3 + len(view_2d) // 4)
    view_2d[stretch] = project(reference.joints[stretch], math.radians(120.0))
    weights = np.ones(view_2d.shape[:2], dtype=np.float32)
    view = ViewEstimator()
    for lo in range(0, len(view_2d), 7):  # in batches that do not line up with the blocks
        view.add(reference.joints[lo : lo + 7], view_2d[lo : lo + 7], weights[lo : lo + 7])
    found, _ = view.solve("off")
    assert abs(math.degrees(found) - 30.0) < 3.0, math.degrees(found)
    plain = ViewEstimator()
    plain.add(reference.joints, view_2d, weights)
    plain_deg = math.degrees(_fit(plain.sums[0])[0])
    assert abs(plain_deg - 30.0) > 6.0, plain_deg  # what the plain fit would say
