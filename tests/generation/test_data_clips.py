"""All clips together: split discipline, styles and minutes, the path configuration."""

import json

import pytest

from generation.data import is_trainable, load_clips, style_minutes
from generation.data.paths import PROJECT_ROOT, datasets_dir, shared_dir
from generation.data.splits import split_of
from generation.styles import STYLES


def test_shared_dir_is_configurable(monkeypatch, tmp_path):
    monkeypatch.delenv("COACH_SHARED_DIR", raising=False)
    assert shared_dir() == PROJECT_ROOT.parent / "shared"
    monkeypatch.setenv("COACH_SHARED_DIR", str(tmp_path))
    assert shared_dir() == tmp_path


def test_split_of_follows_splits_json():
    assert split_of("ballroom", "DANCE_W_4") == "test"
    assert split_of("ballroom", "DANCE_W_34") == "val"
    assert split_of("cmu", "61_15") == "test"
    assert split_of("aistpp", "gJS_sBM_cAll_d03_mJS2_ch07") == "train"
    assert split_of("aistpp", "gBR_sBM_cAll_d04_mBR1_ch02") == "unused"
    ignored = json.loads((datasets_dir() / "splits.json").read_text())["aistpp"]["ignore"][0]
    assert split_of("aistpp", ignored) == "ignore"


def test_unknown_split_or_style_is_refused():
    with pytest.raises(ValueError, match="split"):
        load_clips("holdout")
    with pytest.raises(ValueError, match="styles"):
        load_clips(styles=["polka"])


@pytest.fixture(scope="module")
def every_clip():
    return load_clips()


@pytest.mark.slow
def test_training_clips_never_come_from_a_test_or_val_list(every_clip):
    splits = json.loads((datasets_dir() / "splits.json").read_text())
    held_out = {
        name
        for lists in splits.values()
        if isinstance(lists, dict)
        for key in ("test", "val", "ignore")
        for name in lists.get(key, ())
    }
    train = [clip for clip in every_clip if is_trainable(clip)]
    assert train
    assert not {clip.name for clip in train} & held_out
    assert {clip.split for clip in train} == {"train", "unused"}
    names = [clip.name for clip in every_clip]
    assert len(names) == len(set(names))


@pytest.mark.slow
def test_every_style_has_data(every_clip):
    minutes = style_minutes(every_clip)
    assert list(minutes) == list(STYLES)
    # Totals from the data sets' READMEs.
    assert minutes["waltz"] == pytest.approx(30.62, abs=0.05)
    assert minutes["salsa"] == pytest.approx(15.28, abs=0.05)
    assert minutes["pop"] == pytest.approx(6.77, abs=0.05)
    for clip in every_clip:
        assert STYLES[clip.style][1] == clip.source
        assert (clip.advanced is None) == (clip.source != "aistpp")
        assert (clip.audio_path is not None) == (clip.source == "ballroom")


@pytest.mark.slow
def test_load_clips_filters(every_clip):
    test_clips = load_clips("test", sources=("ballroom", "cmu"), styles=["waltz", "salsa"])
    assert {c.name for c in test_clips} == {
        "DANCE_W_4",
        "DANCE_W_18",
        "DANCE_W_20",
        "60_15",
        "61_15",
    }
    train = load_clips("train", sources=("aistpp",))
    assert len(train) == sum(is_trainable(c) for c in every_clip if c.source == "aistpp")
