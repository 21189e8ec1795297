"""AIST++: labels, tempo, the retarget's forward kinematics against the original keypoints."""

import numpy as np
import pytest

from generation.data.aistpp import aistpp_dir, load_annotation, load_retargeted, retargeted_frames
from generation.data.vrm import BONE_INDEX, PARENTS, forward_kinematics, rest_offsets
from scoring.skeleton import JOINT_INDEX as J

RETARGETED = aistpp_dir() / "retargeted_vrm19"


def test_labels_tempo_and_beat():
    basic = load_retargeted(RETARGETED / "gHO_sBM_cAll_d20_mHO5_ch02.npz")
    assert (basic.style, basic.bpm, basic.advanced, basic.first_beat_s) == (
        "house",
        135.0,
        False,
        0.0,
    )
    assert basic.split == "test"
    assert basic.audio_path is None
    # Basic dances last exactly 16 beats.
    assert len(basic.frames) / basic.fps == pytest.approx(16 * 60 / basic.bpm, abs=1 / 30)
    advanced = load_retargeted(RETARGETED / "gPO_sFM_cAll_d12_mPO1_ch16.npz")
    assert (advanced.style, advanced.bpm, advanced.advanced) == ("pop", 90.0, True)
    assert advanced.first_beat_s is None


def test_rest_skeleton_is_a_standing_t_pose():
    offsets = rest_offsets()
    joints = forward_kinematics(np.tile([0.0, 0.0, 0.0, 1.0], (1, 19, 1)), np.zeros((1, 3)))[0]
    y = joints[:, 1]
    assert y[BONE_INDEX["head"]] == y.max()
    assert y[BONE_INDEX["leftFoot"]] == y.min() == y[BONE_INDEX["rightFoot"]]
    # T-pose: hands level with the shoulders, left at -x (the avatar faces -z).
    assert y[BONE_INDEX["leftHand"]] == pytest.approx(y[BONE_INDEX["leftUpperArm"]])
    assert joints[BONE_INDEX["leftHand"], 0] < -0.5 < 0.5 < joints[BONE_INDEX["rightHand"], 0]
    thigh = np.linalg.norm(offsets[BONE_INDEX["leftLowerLeg"]])
    assert 0.33 < thigh < 0.45
    assert len(PARENTS) == len(offsets) == 19


def test_forward_kinematics_keeps_bones_rigid():
    with np.load(RETARGETED / "gKR_sBM_cAll_d28_mKR2_ch04.npz") as data:
        joints = forward_kinematics(data["bone_quat_xyzw"], data["hips_position_m"])
    for bone, parent in enumerate(PARENTS):
        if parent >= 0:
            length = np.linalg.norm(joints[:, bone] - joints[:, parent], axis=-1)
            assert np.ptp(length) < 1e-6
            assert length[0] == pytest.approx(np.linalg.norm(rest_offsets()[bone]))


def test_doubled_and_true_60_fps_files_both_give_30_fps():
    for name in ("gPO_sBM_cAll_d11_mPO1_ch01", "gPO_sBM_cAll_d10_mPO1_ch01"):
        frames, _ = retargeted_frames(RETARGETED / f"{name}.npz")
        with np.load(RETARGETED / f"{name}.npz") as data:
            n_source = len(data["bone_quat_xyzw"])
        assert len(frames) == n_source // 2
        # No frame repeats the previous one: the doubling was undone.
        steps = np.abs(np.diff(frames, axis=0)).max(axis=(1, 2))
        assert np.mean(steps == 0) < 0.02


def _yaw(frames):
    across = frames[:, J["left_hip"]] - frames[:, J["right_hip"]]
    return np.unwrap(np.arctan2(across[:, 2], across[:, 0]))


def _lateral(frames):
    """Sideways offset from the pelvis of 8 limb joints, in the body's own frame ``(T, 8)``."""
    across = frames[:, J["left_hip"]] - frames[:, J["right_hip"]]
    across[:, 1] = 0.0
    across /= np.linalg.norm(across, axis=1, keepdims=True)
    names = ("wrist", "ankle", "elbow", "knee")
    joints = [J[f"{side}_{n}"] for n in names for side in ("left", "right")]
    return np.einsum("tjc,tc->tj", frames[:, joints] - frames[:, [J["pelvis"]]], across)


def _correlation(a, b):
    a = (a - a.mean(0)) / a.std(0)
    b = (b - b.mean(0)) / b.std(0)
    return float((a * b).mean())


def test_retarget_moves_like_the_original_keypoints():
    # No sequence has both kinds of file; these two dance the same basic choreography (genre,
    # music and choreography id) with different dancers.
    keypoints = load_annotation(aistpp_dir() / "annotations" / "gBR_sBM_cAll_d04_mBR0_ch03.npz")
    retarget = load_retargeted(RETARGETED / "gBR_sBM_cAll_d05_mBR0_ch03.npz")
    a, b = keypoints.frames, retarget.frames
    assert a.shape == b.shape
    yaw_a, yaw_b = _yaw(a), _yaw(b)
    assert np.corrcoef(yaw_a - yaw_a[0], yaw_b - yaw_b[0])[0, 1] > 0.4
    # Left/right: the limbs' sideways positions agree better as labelled than exchanged.
    swap = [1, 0, 3, 2, 5, 4, 7, 6]
    same = _correlation(_lateral(a), _lateral(b))
    exchanged = _correlation(_lateral(a), -_lateral(b)[:, swap])
    assert same > 0.5
    assert same > exchanged + 0.1
