"""Evaluation metrics on real dances: each one must tell a real dance from a spoiled one."""

import numpy as np
import pytest

from generation import music
from generation.data import load_clips
from generation.difficulty import motion_beats
from generation.metrics import (
    KINETIC_FEATURE_NAMES,
    beat_align_score,
    beat_coverage,
    beat_hit_rate,
    diversity,
    fid_breakdown,
    foot_skating,
    frechet_distance,
    geometric_features,
    kinetic_features,
    mean_absolute_error,
    smoothness_index,
    window_features,
)
from scoring.skeleton import JOINT_INDEX

FPS = 30.0


@pytest.fixture(scope="module")
def basic_dances():
    # AIST++ basic dances start on a beat and have an exact tempo.
    clips = load_clips(split="test", sources=("aistpp",))
    return [c for c in clips if c.advanced is False and c.bpm]


def test_feature_shapes_and_ranges(basic_dances):
    frames = basic_dances[0].frames
    assert kinetic_features(frames, FPS).shape == (45,)
    geometric = geometric_features(frames)
    assert geometric.shape == (26,)
    assert ((geometric >= 0) & (geometric <= 1)).all()


def test_fid_is_zero_for_the_same_set_and_grows_with_noise(basic_dances):
    sequences = [c.frames for c in basic_dances]
    kinetic, geometric = window_features(sequences, FPS)
    rng = np.random.default_rng(0)
    noisy = [s + rng.normal(0, 0.02, s.shape).astype(np.float32) for s in sequences]
    noisy_kinetic, _ = window_features(noisy, FPS)
    assert frechet_distance(kinetic, kinetic) == pytest.approx(0.0, abs=1e-6)
    assert frechet_distance(kinetic, noisy_kinetic) > 1.0
    assert diversity(geometric, geometric) > 0


def test_fid_breakdown_adds_up_and_names_the_damped_features(basic_dances):
    sequences = [c.frames for c in basic_dances]
    kinetic, _ = window_features(sequences, FPS)
    # The arms at half their motion about the root: the wrists should lead the breakdown.
    wrists = [
        KINETIC_FEATURE_NAMES.index(f"horizontal energy {side}_wrist") for side in ("left", "right")
    ]
    damped = []
    for frames in sequences:
        frames = frames.copy()
        root = frames[:, JOINT_INDEX["pelvis"]]
        for side in ("left", "right"):
            for joint in (f"{side}_elbow", f"{side}_wrist"):
                relative = frames[:, JOINT_INDEX[joint]] - root
                centre = relative.mean(axis=0)
                frames[:, JOINT_INDEX[joint]] = root + centre + 0.5 * (relative - centre)
        damped.append(frames)
    damped_kinetic, _ = window_features(damped, FPS)
    parts = fid_breakdown(kinetic, damped_kinetic)
    assert len(KINETIC_FEATURE_NAMES) == kinetic.shape[1]
    assert parts["fid"] == pytest.approx(frechet_distance(kinetic, damped_kinetic), rel=1e-6)
    largest = set(np.argsort(-(parts["mean"] + parts["spread"]))[:8])
    assert set(wrists) <= largest
    same = fid_breakdown(kinetic, kinetic)
    assert np.allclose(same["mean"], 0) and abs(same["covariance"]) < 1e-6


def test_real_dances_hit_their_own_beats_better_than_off_beats(basic_dances):
    aligned, shifted = [], []
    for clip in basic_dances:
        beats, _ = music.beat_grid(clip.duration_s, clip.bpm, 0.0)
        motion = motion_beats(clip.frames, FPS)
        aligned.append(beat_align_score(motion, beats))
        shifted.append(beat_align_score(motion, beats + 30.0 / clip.bpm))  # half a beat late
    assert np.mean(aligned) > np.mean(shifted)


def test_beat_coverage_and_hit_rate_follow_paper_003():
    music_beats = np.array([0.0, 0.5, 1.0, 1.5])
    motion = np.array([0.02, 0.75, 1.49])
    assert beat_coverage(motion, music_beats) == pytest.approx(3 / 4)
    assert beat_hit_rate(motion, music_beats) == pytest.approx(2 / 3)


def test_smoothness_index_drops_with_jitter(basic_dances):
    frames = basic_dances[0].frames
    jittery = frames + np.random.default_rng(1).normal(0, 0.01, frames.shape).astype(np.float32)
    assert smoothness_index(frames, FPS) > smoothness_index(jittery, FPS) + 10
    assert 0 <= smoothness_index(jittery, FPS) <= 100


def test_foot_skating_grows_when_the_body_slides(basic_dances):
    frames = basic_dances[0].frames
    slide = frames.copy()
    slide[..., 0] += np.arange(len(frames))[:, None] * (2.0 / FPS)  # 2 m/s sideways
    assert foot_skating(slide, FPS) > foot_skating(frames, FPS) + 1.0


def test_mae_is_zero_to_itself_and_positive_to_another_dance(basic_dances):
    a, b = basic_dances[0].frames, basic_dances[1].frames
    assert mean_absolute_error(a, a) == 0.0
    assert mean_absolute_error(a, b) > 0.01
