"""The matcher's training and its two validation measures (`generation.phrases.build`) on pairs
with a known music-motion relation: both measures must find it, with and without hard
negatives, with early stopping on a hold-out."""

from types import SimpleNamespace

import numpy as np
import pytest
import torch

from generation.phrases.build import cross_clip_auc, retrieval, train_matcher
from generation.phrases.matcher import (
    MOTION_CHANNELS,
    MUSIC_CHANNELS,
    MUSIC_STEPS,
    MatcherConfig,
    mirror_motion_input,
)


def _pairs(n_clips: int, per_clip: int, seed: int):
    """Music whose loudness (4 channels) is the motion's speed (4 channels), phrase by phrase,
    over noise; as one shift ``(1, P, S, C)``."""
    rng = np.random.default_rng(seed)
    n = n_clips * per_clip
    level = rng.normal(size=(n, 1, 2)).repeat(MUSIC_STEPS, axis=1)
    music = rng.normal(scale=0.3, size=(n, MUSIC_STEPS, MUSIC_CHANNELS))
    music[..., :4] += np.concatenate([level, -level], axis=-1)
    motion = rng.normal(scale=0.3, size=(n, MUSIC_STEPS, MOTION_CHANNELS))
    motion[..., :4] += np.concatenate([level, level], axis=-1)
    clips = np.repeat(np.arange(n_clips), per_clip)
    styles = np.array(["waltz"] * n, dtype=object)
    return music[None].astype(np.float32), motion[None].astype(np.float32), clips, styles


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"within_clip_share": 0.5, "config": MatcherConfig(temperature=0.5, members=1)},
        {"holdout": np.arange(8 * 24) >= 7 * 24, "config": MatcherConfig(members=2)},
    ],
)
def test_both_measures_find_a_learnable_relation(options):
    music, motion, clips, styles = _pairs(8, 24, seed=0)
    model = train_matcher(
        music,
        motion,
        np.ones(music.shape[:2], dtype=bool),
        styles,
        200,
        seed=0,
        batch=64,
        progress=lambda m: None,
        clips=clips,
        shifts=False,
        **options,
    )
    held_out = _pairs(2, 24, seed=1)
    measured = retrieval(model, held_out[0][0], held_out[1][0], held_out[3])
    assert measured["phrases"] == 48
    assert measured["recall_at_1_chance"] == pytest.approx(1 / 48, abs=1e-3)
    assert measured["recall_at_5_chance"] == pytest.approx(5 / 48, abs=1e-3)
    assert measured["mean_rank_fraction"] < 0.3, measured
    assert measured["recall_at_5"] > 2 * measured["recall_at_5_chance"], measured
    # The memory: the training pairs, all at one tempo, so the tempo term cannot tell them apart.
    memory = SimpleNamespace(phrase_styles=styles, tempo_bpm=np.full(len(styles), 100.0))
    auc = cross_clip_auc(
        model, held_out[0][0], held_out[1][0], held_out[3], np.full(48, 100.0), motion[0], memory
    )
    assert auc["auc"] > 0.8, auc
    assert auc["auc_tempo_matched"] == auc["auc"]
    assert auc["auc_tempo_term"] == 0.5
    if "holdout" in options:
        assert len(model.stopped_at_steps) == 2
        assert all(step % 50 == 0 for step in model.stopped_at_steps)
        # The ensemble's cosine is the mean of its members'.
        music_, motion_ = (torch.from_numpy(x[0, :5]) for x in held_out[:2])
        with torch.no_grad():
            whole = (model.embed_music(music_) * model.embed_motion(motion_)).sum(1)
            members = [
                (model.embed_music(music_, m) * model.embed_motion(motion_, m)).sum(1)
                for m in range(2)
            ]
        assert torch.allclose(whole, sum(members) / 2, atol=1e-6)


def test_mirroring_exchanges_left_and_right_parts():
    motion = np.arange(MOTION_CHANNELS, dtype=np.float32)[None]
    mirrored = mirror_motion_input(motion)
    assert sorted(mirrored[0]) == list(motion[0])
    assert not np.array_equal(mirrored, motion)
    assert np.array_equal(mirror_motion_input(mirrored), motion)
