"""The neural families' generation noise: the value chosen on validation is the one used, it
changes the routine, and the sweep's evaluation without the level comparison gives the same row."""

import numpy as np
import pytest

from generation.choreograph import (
    GENERATION_NOISE,
    Choreographer,
    generation_noise_field,
)
from generation.evaluation import held_out_set, model_evaluation
from generation.families import ARCHITECTURE_NAMES, checkpoint_path
from generation.models import load_checkpoint


@pytest.fixture(scope="module")
def waltz_val():
    return held_out_set("val", styles=["waltz"])


@pytest.mark.parametrize("family", ARCHITECTURE_NAMES)
def test_the_chosen_noise_is_used(family):
    checkpoint = load_checkpoint(checkpoint_path(family))
    field = generation_noise_field(family)
    assert family in GENERATION_NOISE
    assert getattr(Choreographer(checkpoint).model.config, field) == GENERATION_NOISE[family]
    assert getattr(Choreographer(checkpoint, 0.05).model.config, field) == 0.05


@pytest.mark.parametrize("family", ["gru", "diffusion"])
def test_more_noise_more_motion(family, waltz_val):
    checkpoint = load_checkpoint(checkpoint_path(family))
    clip_music = waltz_val.music[0]
    speeds = []
    for noise in (0.1, 1.0):
        frames, _ = Choreographer(checkpoint, noise).generate(
            clip_music, 150, "waltz", "intermediate", seed=0
        )
        speeds.append(np.linalg.norm(np.diff(frames, axis=0), axis=-1).mean())
    assert speeds[0] < speeds[1], speeds


def test_the_row_without_the_level_comparison_is_the_same(waltz_val):
    choreographer = Choreographer(load_checkpoint(checkpoint_path("gru")))
    full = model_evaluation(choreographer, waltz_val, seed=1, progress=lambda m: None)
    row_only = model_evaluation(
        choreographer, waltz_val, seed=1, progress=lambda m: None, compare_levels=False
    )
    assert "difficulty" in full and set(row_only) == {"row"}
    assert row_only["row"] == full["row"]
