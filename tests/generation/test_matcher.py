"""The matcher's training and retrieval measure (`generation.phrases.build`) on pairs with a
known music-motion relation: retrieval must find it, with and without hard negatives."""

import numpy as np
import pytest

from generation.phrases.build import retrieval, train_matcher
from generation.phrases.matcher import MOTION_CHANNELS, MUSIC_CHANNELS, MUSIC_STEPS


def _pairs(n_clips: int, per_clip: int, seed: int):
    """Music whose loudness (4 channels) is the motion's speed (4 channels), phrase by phrase,
    over noise."""
    rng = np.random.default_rng(seed)
    n = n_clips * per_clip
    level = rng.normal(size=(n, 1, 2)).repeat(MUSIC_STEPS, axis=1)
    music = rng.normal(scale=0.3, size=(n, MUSIC_STEPS, MUSIC_CHANNELS))
    music[..., :4] += np.concatenate([level, -level], axis=-1)
    motion = rng.normal(scale=0.3, size=(n, MUSIC_STEPS, MOTION_CHANNELS))
    motion[..., :4] += np.concatenate([level, level], axis=-1)
    clips = np.repeat(np.arange(n_clips), per_clip)
    styles = np.array(["waltz"] * n, dtype=object)
    return music.astype(np.float32), motion.astype(np.float32), clips, styles


@pytest.mark.parametrize("options", [{}, {"within_clip_share": 0.5, "temperature": 0.5}])
def test_retrieval_finds_a_learnable_relation(options):
    music, motion, clips, styles = _pairs(8, 24, seed=0)
    model = train_matcher(
        music,
        motion,
        motion,
        styles,
        150,
        seed=0,
        batch=64,
        progress=lambda m: None,
        clips=clips,
        **options,
    )
    held_out = _pairs(2, 24, seed=1)
    measured = retrieval(model, held_out[0], held_out[1], held_out[3])
    assert measured["phrases"] == 48
    assert measured["recall_at_1_chance"] == pytest.approx(1 / 48, abs=1e-3)
    assert measured["recall_at_5_chance"] == pytest.approx(5 / 48, abs=1e-3)
    assert measured["mean_rank_fraction"] < 0.3, measured
    assert measured["recall_at_5"] > 2 * measured["recall_at_5_chance"], measured
