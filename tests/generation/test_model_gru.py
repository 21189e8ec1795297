"""The GRU choreographer and the pose representation it learns from, on real clips."""

import numpy as np
import pytest
import torch

from generation.data import load_clips
from generation.features import (
    MUSIC_DIM,
    POSE_DIM,
    Normaliser,
    frames_from_pose_vectors,
    mirror_pose_vectors,
    pose_vectors,
    turn_pose_vectors,
)
from generation.models import build_model
from scoring.skeleton import mirror


@pytest.fixture(scope="module")
def salsa_clip():
    return load_clips(split="val", sources=("cmu",))[0]


def small_model():
    torch.manual_seed(0)
    config = {"pose_dim": POSE_DIM, "music_dim": MUSIC_DIM, "n_styles": 15, "hidden": 32}
    return build_model("gru", config).eval()


def test_pose_vectors_round_trip_to_absolute_frames(salsa_clip):
    frames = salsa_clip.frames
    start = frames[0, 0]
    rebuilt = frames_from_pose_vectors(pose_vectors(frames), start_xz=(start[0], start[2]))
    # The first velocity is copied from the second, so frame 0 -> 1 may be off by one step.
    assert np.abs(rebuilt - frames).max() < 0.05
    assert np.abs((rebuilt - rebuilt[:1]) - (frames - frames[:1]))[2:].mean() < 0.01


def test_mirroring_pose_vectors_matches_mirroring_frames(salsa_clip):
    frames = salsa_clip.frames[:200]
    assert np.allclose(
        mirror_pose_vectors(pose_vectors(frames)), pose_vectors(mirror(frames)), atol=1e-5
    )


def test_pose_normaliser_commutes_with_turning(salsa_clip):
    vectors = pose_vectors(salsa_clip.frames)
    normaliser = Normaliser.for_poses(vectors)
    turned = turn_pose_vectors(vectors, 1.1)
    assert np.allclose(
        normaliser.normalise(turned),
        turn_pose_vectors(normaliser.normalise(vectors), 1.1),
        atol=1e-4,
    )
    assert np.allclose(normaliser.denormalise(normaliser.normalise(vectors)), vectors, atol=1e-4)


def test_forward_shapes():
    model = small_model()
    previous = torch.randn(3, 20, POSE_DIM)
    poses, music = model(
        previous,
        torch.randn(3, 20, MUSIC_DIM),
        torch.ones(3, MUSIC_DIM),
        torch.tensor([0, 4, 14]),
        torch.tensor([0, 1, 2]),
    )
    assert poses.shape == (3, 20, POSE_DIM)
    assert music.shape == (3, 20, MUSIC_DIM)


def test_rollout_is_deterministic_per_generator_seed():
    model = small_model()
    args = (
        torch.randn(1, 10, POSE_DIM),
        torch.randn(1, 40, MUSIC_DIM),
        torch.zeros(1, MUSIC_DIM),
        torch.tensor([3]),
        torch.tensor([1]),
    )
    first = model.rollout(*args, torch.Generator().manual_seed(5))
    again = model.rollout(*args, torch.Generator().manual_seed(5))
    other = model.rollout(*args, torch.Generator().manual_seed(6))
    assert first.shape == (1, 30, POSE_DIM)
    assert torch.equal(first, again)
    assert not torch.allclose(first, other)


def test_unknown_architecture_is_refused():
    with pytest.raises(ValueError, match="unknown architecture"):
        build_model("wavenet", {})
