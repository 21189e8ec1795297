"""The generation service with the shipped checkpoint, on a song the model never saw."""

import json

import numpy as np
import pytest

from generation.audio import decode
from generation.choreograph import (
    PHRASE_PLANS,
    generate_routine,
    load_choreographer,
    phrase_starts,
    routine_to_json,
)
from generation.data.paths import shared_dir
from generation.difficulty import difficulty_components, difficulty_score
from generation.models import default_checkpoint_path
from scoring.skeleton import JOINTS


@pytest.fixture(scope="module")
def song():
    return decode(shared_dir() / "music" / "annotated" / "gmd_funk_138.ogg")


@pytest.fixture(scope="module")
def routines(song):
    return {
        (level, seed): generate_routine(song, "cha-cha", level, seed=seed)
        for level, seed in [("beginner", 0), ("intermediate", 0), ("advanced", 0), ("beginner", 1)]
    }


def test_checkpoint_path_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("COACH_MODEL_PATH", str(tmp_path / "other.pt"))
    assert default_checkpoint_path() == tmp_path / "other.pt"
    with pytest.raises(FileNotFoundError, match="train_choreographer"):
        load_choreographer()


@pytest.mark.slow
def test_routine_has_the_documented_shape(routines, song):
    routine = routines[("beginner", 0)]
    frames = routine["frames"]
    assert frames.dtype == np.float32
    assert frames.shape == (int(np.ceil(song.duration_s * 30)), len(JOINTS), 3)
    assert np.isfinite(frames).all()
    assert routine["joints"] == list(JOINTS)
    assert routine["style"] == "cha-cha" and routine["level"] == "beginner" and routine["seed"] == 0
    assert routine["beats"] and routine["segments"]
    assert routine["segments"][0]["start_s"] == 0.0
    assert routine["segments"][-1]["end_s"] == pytest.approx(frames.shape[0] / 30, abs=0.05)
    text = json.dumps(routine_to_json(routine))
    assert json.loads(text)["frames"][0][0] == pytest.approx(frames[0, 0].tolist(), abs=1e-3)


@pytest.mark.slow
def test_same_seed_same_routine_other_seed_other_routine(routines, song):
    again = generate_routine(song, "cha-cha", "beginner", seed=0)
    assert np.array_equal(again["frames"], routines[("beginner", 0)]["frames"])
    other = routines[("beginner", 1)]["frames"]
    assert np.abs(other - routines[("beginner", 0)]["frames"]).mean() > 0.01


@pytest.mark.slow
def test_beginners_repeat_phrases_and_advanced_dancers_do_not(routines):
    def repeated(level):
        return [s["repeat_of"] is not None for s in routines[(level, 0)]["segments"]]

    assert np.mean(repeated("beginner")) > np.mean(repeated("intermediate")) > 0
    assert not any(repeated("advanced"))
    for segment in routines[("beginner", 0)]["segments"]:
        if segment["repeat_of"] is not None:
            source = routines[("beginner", 0)]["segments"][segment["repeat_of"] - 1]
            length = segment["end_s"] - segment["start_s"]
            assert 0.8 <= length / (source["end_s"] - source["start_s"]) <= 1.25


@pytest.mark.slow
@pytest.mark.parametrize("style", ["waltz", "pop"])
def test_difficulty_rises_with_level_on_an_unseen_song(song, style):
    # One 30 s routine is a small sample: compare levels averaged over three seeds.
    median = load_choreographer().difficulty_reference[style]["median"]
    scores = []
    for level in ("beginner", "intermediate", "advanced"):
        per_seed = []
        for seed in range(3):
            routine = generate_routine(song, style, level, seed=seed)
            components = difficulty_components(routine["frames"], 30.0, np.array(routine["beats"]))
            per_seed.append(difficulty_score(components, median))
        scores.append(np.mean(per_seed))
    assert scores[0] < scores[1] < scores[2]


def test_unknown_style_or_level_is_a_clear_error(song):
    with pytest.raises(ValueError, match="Unknown style 'disco'"):
        generate_routine(song, "disco", "beginner")
    with pytest.raises(ValueError, match="Unknown level 'expert'"):
        generate_routine(song, "waltz", "expert")


def test_phrases_cover_the_song_without_tiny_pieces():
    starts = phrase_starts(1000, np.array([0.2, 4.0, 8.0, 30.0]), 30.0)
    assert starts[0] == 0
    lengths = np.diff([*starts, 1000])
    assert (lengths >= 30).all() and (lengths <= 300).all()
    assert set(PHRASE_PLANS) == {"beginner", "intermediate", "advanced"}
