"""Checks every loader must pass on real files: canonical shape, units, up axis, floor, left/right,
and a 30 fps duration that matches the source's."""

import numpy as np
import pytest

from generation.data.aistpp import aistpp_dir, load_annotation, load_retargeted
from generation.data.ballroom import ballroom_index, load_ballroom
from generation.data.cmu import cmu_index, load_cmu
from scoring.skeleton import JOINT_INDEX, JOINTS, MIRROR, bone_lengths

J = JOINT_INDEX


def _ballroom(name):
    entry = next(e for e in ballroom_index() if e["id"] == name)
    return load_ballroom(entry), entry["duration_s"]


def _annotation(name):
    return load_annotation(aistpp_dir() / "annotations" / f"{name}.npz"), None


def _retargeted(name):
    return load_retargeted(aistpp_dir() / "retargeted_vrm19" / f"{name}.npz"), None


def _cmu(trial):
    entry = next(e for e in cmu_index() if e["cmu_trial"] == trial)
    return load_cmu(entry), entry["duration_s"]


SAMPLES = {
    "ballroom waltz": lambda: _ballroom("DANCE_W_17"),
    "ballroom cha-cha": lambda: _ballroom("DANCE_C_2"),
    "aistpp keypoints": lambda: _annotation("gJS_sFM_cAll_d02_mJS4_ch09"),
    "aistpp retarget doubled frames": lambda: _retargeted("gPO_sBM_cAll_d11_mPO1_ch01"),
    "aistpp retarget 60 fps": lambda: _retargeted("gPO_sBM_cAll_d10_mPO1_ch01"),
    "cmu salsa lead": lambda: _cmu("60_01"),
    "cmu salsa follow": lambda: _cmu("61_01"),
}


@pytest.fixture(scope="module", params=list(SAMPLES))
def sample(request):
    clip, duration_s = SAMPLES[request.param]()
    if duration_s is None:  # AIST++: 60 fps source frames in the index
        import json

        index = json.loads((aistpp_dir() / "index.json").read_text())["files"]
        duration_s = next(f["seconds"] for f in index if f["name"] == clip.name)
    return clip, duration_s


def knee_forward_fraction(frames: np.ndarray) -> float:
    """Share of bent-knee frames in which the knee points to the front of the body, where front
    is ``cross(left_hip - right_hip, up)``: true for a real body in a right-handed frame with
    correct left/right labels, false once left and right labels are exchanged."""
    across = frames[:, J["left_hip"]] - frames[:, J["right_hip"]]
    forward = np.cross(across, [0.0, 1.0, 0.0])
    forward /= np.linalg.norm(forward, axis=1, keepdims=True)
    votes = []
    for side in ("left", "right"):
        hip, knee, ankle = (frames[:, J[f"{side}_{j}"]] for j in ("hip", "knee", "ankle"))
        thigh, shin = knee - hip, ankle - knee
        cos = (thigh * shin).sum(1) / np.linalg.norm(thigh, axis=1) / np.linalg.norm(shin, axis=1)
        bent = cos < np.cos(np.radians(25))
        votes.append(((knee - (hip + ankle) / 2) * forward).sum(1)[bent] > 0)
    return float(np.concatenate(votes).mean())


def test_canonical_shape_and_rate(sample):
    clip, _ = sample
    assert clip.frames.dtype == np.float32
    assert clip.frames.shape[1:] == (len(JOINTS), 3)
    assert clip.fps == 30.0
    assert not np.isnan(clip.frames).any()


def test_duration_matches_source(sample):
    clip, duration_s = sample
    assert abs(len(clip.frames) / clip.fps - duration_s) <= 1 / 25 + 1e-6


def test_units_are_metres(sample):
    clip, _ = sample
    lengths = np.median(bone_lengths(clip.frames), axis=0)
    femur = lengths[[2, 4]]  # left/right hip -> knee
    # AIST++ keypoints measure 0.35-0.38 m, the ballroom cha-cha/rumba takes 0.52-0.54 m.
    assert np.all((femur > 0.33) & (femur < 0.56)), femur
    height = np.percentile(clip.frames[:, J["head"], 1] - clip.frames[:, J["left_ankle"], 1], 95)
    assert 1.2 < height < 1.8


def test_y_is_up_and_floor_is_zero(sample):
    clip, _ = sample
    f = clip.frames
    assert np.mean(f[:, J["head"], 1] > f[:, J["pelvis"], 1]) > 0.95
    assert np.mean(f[:, J["pelvis"], 1] > f[:, J["left_ankle"], 1]) > 0.95
    lowest_ankle = f[:, [J["left_ankle"], J["right_ankle"]], 1].min(axis=1)
    # The floor is re-estimated: ankles touch down near 8 cm at the start and the end alike.
    for part in (lowest_ankle[: len(f) // 3], lowest_ankle[-len(f) // 3 :]):
        assert 0.0 < np.percentile(part, 5) < 0.15


def test_left_is_left(sample):
    clip, _ = sample
    assert knee_forward_fraction(clip.frames) > 0.9
    # Exchanging the labels alone (a mapping error) makes the knees bend backwards.
    assert knee_forward_fraction(clip.frames[:, MIRROR]) < 0.1
