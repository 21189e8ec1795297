"""Pose cleaning (paper 003) on real capture with injected glitches."""

import numpy as np
import pytest

from generation.data.ballroom import ballroom_index, load_ballroom_frames
from generation.data.cleaning import clean_poses, jump_frames
from scoring.skeleton import JOINT_INDEX

FPS = 25.0


@pytest.fixture(scope="module")
def waltz():
    # DANCE_W_23 has no frame that cleaning replaces: a clean reference.
    entry = next(e for e in ballroom_index() if e["id"] == "DANCE_W_23")
    frames, n_fixed = load_ballroom_frames(entry)
    assert n_fixed == 0
    return frames


def test_clean_capture_is_left_alone(waltz):
    cleaned, n_fixed = clean_poses(waltz, FPS)
    assert n_fixed == 0
    np.testing.assert_array_equal(cleaned, waltz)


def test_jumps_are_found_and_filled(waltz):
    glitched = waltz.copy()
    wrist, knee = JOINT_INDEX["right_wrist"], JOINT_INDEX["left_knee"]
    glitched[400, wrist] += (0.6, 0.0, 0.0)  # one-frame jump
    glitched[700:702, knee] += (0.0, 0.5, 0.3)  # two-frame jump
    cleaned, n_fixed = clean_poses(glitched, FPS)
    assert n_fixed >= 3
    assert n_fixed <= 5  # the glitch frames, perhaps a neighbour; not the whole take
    for frame, joint in ((400, wrist), (700, knee), (701, knee)):
        assert np.linalg.norm(cleaned[frame, joint] - waltz[frame, joint]) < 0.03
    far = np.r_[0:390, 410:690, 712 : len(waltz)]
    np.testing.assert_array_equal(cleaned[far], waltz[far])


def test_stretched_limbs_and_missing_joints_are_filled(waltz):
    glitched = waltz.copy()
    elbow = JOINT_INDEX["left_elbow"]
    # The elbow shifts 25 cm for 6 frames: 6 m/s, too slow to count as a jump, but it stretches
    # both arm bones by more than 30 %.
    glitched[900:906, elbow, 1] += 0.25
    glitched[1000, JOINT_INDEX["head"]] = np.nan
    assert not jump_frames(glitched, FPS)[900:906].any()
    cleaned, n_fixed = clean_poses(glitched, FPS)
    assert not np.isnan(cleaned).any()
    assert 2 <= n_fixed <= 7
    error = np.linalg.norm(cleaned[900:906, elbow] - waltz[900:906, elbow], axis=-1)
    assert error.max() < 0.03
    assert np.linalg.norm(cleaned[1000] - waltz[1000], axis=-1).max() < 0.03


def test_paper_rule_does_not_blame_the_frame_after_a_glitch():
    still = np.zeros((10, 15, 3), dtype=np.float32)
    still[5, 3] = (1.0, 0.0, 0.0)
    flagged = jump_frames(still, 30.0)
    assert flagged.tolist() == [i == 5 for i in range(10)]
