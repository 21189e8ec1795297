"""Every model family trains a few steps on a tiny real subset, writes a checkpoint, and
generates routines that are the same per seed and differ between seeds; the comparison command
runs end to end. Nothing here retrains a shipped model."""

import json

import numpy as np
import pytest
import torch
from django.core.management import call_command

from generation.choreograph import Choreographer
from generation.data import load_clips
from generation.features import MUSIC_DIM, POSE_DIM, build_training_clips
from generation.models import (
    ARCHITECTURES,
    DEFAULT_ARCHITECTURE,
    available_architectures,
    build_model,
    checkpoint_path,
    default_checkpoint_path,
    load_checkpoint,
)
from generation.models.conditioning import ConditionedModel
from generation.training import TrainingConfig, initialise_from, learning_rate_at, train

# Small configs, so a few steps of each family take a second or two.
TINY = {
    "lstm": {"hidden": 32, "music_hidden": 16},
    "gru": {"hidden": 32, "music_hidden": 16},
    "cnn": {"channels": 32, "music_hidden": 16},
    "transformer": {"width": 32, "feedforward": 64, "layers": 1, "music_hidden": 16},
    "adversarial": {
        "hidden": 32,
        "music_hidden": 16,
        "adversarial_frames": 20,
        "discriminator_channels": 16,
    },
    "diffusion": {"channels": 32, "dilations": [1, 2, 4], "music_hidden": 16},
}


@pytest.fixture(scope="module")
def break_clips():
    # AIST++ break: a beat grid but no audio, so no music analysis is needed (quick).
    clips = load_clips(split="train", sources=("aistpp",), styles=("break",))
    return build_training_clips(clips[:3])


def test_every_family_has_a_tiny_config():
    assert set(TINY) == set(ARCHITECTURES)


@pytest.mark.slow
@pytest.mark.parametrize("architecture", list(ARCHITECTURES))
def test_family_trains_and_generates_per_seed(architecture, break_clips, tmp_path):
    train_clips, reference = break_clips
    config = TrainingConfig(
        architecture=architecture,
        steps=4,
        batch_size=4,
        validate_every=2,
        model=TINY[architecture],
    )
    path = tmp_path / f"{architecture}.pt"
    report = train(train_clips[:2], train_clips[2:], config, reference, path, lambda m: None)
    assert report["steps"] == 4 and len(report["val_losses"]) == 2

    checkpoint = load_checkpoint(path)
    assert checkpoint["architecture"] == architecture
    choreographer = Choreographer(checkpoint)
    music = train_clips[0].music
    first, segments = choreographer.generate(music, 150, "break", "advanced", seed=3)
    again, _ = Choreographer(load_checkpoint(path)).generate(
        music, 150, "break", "advanced", seed=3
    )
    other, _ = choreographer.generate(music, 150, "break", "advanced", seed=4)
    assert first.shape == (150, 15, 3) and first.dtype == np.float32
    assert np.isfinite(first).all()
    assert segments[0]["start_s"] == 0.0
    assert np.array_equal(first, again)
    assert np.abs(first - other).mean() > 1e-4


@pytest.mark.parametrize("architecture", ["cnn", "transformer"])
def test_windowed_decoders_are_causal(architecture):
    torch.manual_seed(0)
    config = {"pose_dim": POSE_DIM, "music_dim": MUSIC_DIM, "n_styles": 15}
    model = build_model(architecture, {**config, **TINY[architecture]}).eval()
    previous = torch.randn(1, 30, POSE_DIM)
    conditions = torch.randn(1, 30, model.config.condition_dim)
    changed = previous.clone()
    changed[:, 20:] += 1.0
    before, _ = model.decode(previous, conditions)
    after, _ = model.decode(changed, conditions)
    # Frames before 20 must not see the change; frame 20 on must.
    assert torch.allclose(before[:, :20], after[:, :20], atol=1e-5)
    assert not torch.allclose(before[:, 20:], after[:, 20:], atol=1e-3)


def test_rollouts_need_two_seed_frames():
    config = {"pose_dim": POSE_DIM, "music_dim": MUSIC_DIM, "n_styles": 15}
    for architecture in ARCHITECTURES:
        model = build_model(architecture, {**config, **TINY[architecture]}).eval()
        with pytest.raises(ValueError, match="2 frames"):
            model.rollout(
                torch.randn(1, 1, POSE_DIM),
                torch.randn(1, 5, MUSIC_DIM),
                torch.zeros(1, MUSIC_DIM),
                torch.tensor([0]),
                torch.tensor([0]),
                torch.Generator(),
            )


def test_checkpoint_names(monkeypatch, tmp_path):
    assert checkpoint_path("cnn").name == "cnn.pt"
    assert checkpoint_path(None) == checkpoint_path("") == default_checkpoint_path()
    with pytest.raises(ValueError, match="Unknown model family"):
        checkpoint_path("wavenet")
    available = available_architectures()
    assert DEFAULT_ARCHITECTURE in available
    assert all(checkpoint_path(name).is_file() for name in available)
    monkeypatch.setenv("COACH_MODEL_PATH", str(tmp_path / "mine.pt"))
    assert default_checkpoint_path() == tmp_path / "mine.pt"
    assert checkpoint_path("gru").name == "gru.pt"


def test_learning_rate_warms_up_then_anneals_to_zero():
    rates = [learning_rate_at(done, 1.0) for done in np.linspace(0, 1, 101)]
    peak = int(np.argmax(rates))
    assert 0 < peak <= 6 and rates[peak] == pytest.approx(1.0, abs=0.01)
    assert all(a >= b for a, b in zip(rates[peak:], rates[peak + 1 :], strict=False))
    assert rates[-1] == pytest.approx(0.0, abs=1e-9)


@pytest.mark.slow
def test_compare_command_end_to_end(tmp_path, capsys):
    out = tmp_path / "comparison.json"
    call_command(
        "compare_choreographers",
        "--arch",
        DEFAULT_ARCHITECTURE,
        "--seeds",
        "2",
        "--split",
        "val",
        "--styles",
        "krump",
        "--out",
        str(out),
    )
    table = capsys.readouterr().out
    comparison = json.loads(out.read_text())
    assert comparison["styles"] == ["krump"] and comparison["seeds"] == [0, 1]
    rows = comparison["rows"]
    assert list(rows) == [
        DEFAULT_ARCHITECTURE,
        "real",
        "wrong_music_same_style",
        "wrong_music_any_style",
    ]
    model = rows[DEFAULT_ARCHITECTURE]
    assert model["parameters"] > 1_000 and model["s_per_1024_frames"] > 0
    assert model["metrics"]["fid_k"]["n"] == 2 and model["metrics"]["fid_k"]["mean"] > 0
    assert rows["real"]["metrics"]["fid_k"]["mean"] == pytest.approx(0.0, abs=1e-6)
    assert set(model["difficulty"]) == {"beginner", "intermediate", "advanced"}
    assert f"**{DEFAULT_ARCHITECTURE}**" in table and "real test dances" in table


def test_adversarial_generator_starts_from_a_trained_recurrent_model():
    config = {"pose_dim": POSE_DIM, "music_dim": MUSIC_DIM, "n_styles": 15}
    torch.manual_seed(1)
    gru = build_model("gru", {**config, **TINY["gru"]})
    adversarial = build_model("adversarial", {**config, **TINY["adversarial"]})
    initialise_from(adversarial, {"state_dict": gru.state_dict()}, lambda message: None)
    for name, value in gru.state_dict().items():
        assert torch.equal(adversarial.state_dict()[name], value), name
    # The discriminator has no counterpart and keeps its own initial weights.
    assert any(name.startswith("discriminator.") for name in adversarial.state_dict())


def test_adversarial_training_rollouts_feed_back_rollout_noise_not_sampling_noise():
    # The generation noise is chosen on the validation split after training; changing it must
    # not change what the model was trained on.
    config = {"pose_dim": POSE_DIM, "music_dim": MUSIC_DIM, "n_styles": 15}
    weights = {"velocity": 2.0, "music": 0.1}
    torch.manual_seed(3)
    batch = {
        "poses": torch.randn(2, 40, POSE_DIM),
        "music": torch.randn(2, 40, MUSIC_DIM),
        "known": torch.ones(2, MUSIC_DIM),
        "style": torch.tensor([0, 1]),
        "level": torch.tensor([1, 2]),
    }
    tiny = {**config, **TINY["adversarial"], "sampling_noise": 5.0}
    rollouts = {}
    for rollout_noise in (0.0, 0.5):
        model = build_model("adversarial", {**tiny, "rollout_noise": rollout_noise}).eval()
        for seed in (0, 1):
            model.window_loss(batch, weights, torch.Generator().manual_seed(seed))
            rollouts[rollout_noise, seed] = model.last_generated
    assert torch.equal(rollouts[0.0, 0], rollouts[0.0, 1])
    assert not torch.allclose(rollouts[0.5, 0], rollouts[0.5, 1])


def test_cnn_frame_by_frame_generation_matches_the_sliding_window():
    torch.manual_seed(2)
    config = {"pose_dim": POSE_DIM, "music_dim": MUSIC_DIM, "n_styles": 15}
    model = build_model("cnn", {**config, **TINY["cnn"]}).eval()
    seed = torch.randn(1, 10, POSE_DIM)
    conditions = torch.randn(1, 100, model.config.condition_dim)
    with torch.no_grad():
        fast = model.generate_after(seed, conditions, torch.Generator().manual_seed(1), 1.0)
        window = ConditionedModel.generate_after(
            model, seed, conditions, torch.Generator().manual_seed(1), 1.0
        )
    assert fast.shape == (1, 90, POSE_DIM)
    assert torch.allclose(fast, window, atol=1e-4)
