"""The 8-count (`generation.counts.beat_counts`) on the human beat annotations of a real drum
recording (`music/annotated/gmd_disco_120`, one beat every 0.5 s)."""

import numpy as np
import pytest

from generation.counts import beat_counts
from generation.data.paths import shared_dir

SONG = shared_dir() / "music" / "annotated" / "gmd_disco_120.ogg"


@pytest.fixture(scope="module")
def annotations():
    table = np.loadtxt(SONG.with_suffix(".beats"))
    return table[:, 0], table[table[:, 1] == 1, 0]


def test_counts_run_one_to_eight_and_restart_on_each_phrase(annotations):
    beats = annotations[0][:20]
    assert beat_counts(beats).tolist() == [1, 2, 3, 4, 5, 6, 7, 8] * 2 + [1, 2, 3, 4]
    segments = [{"start_s": 0.0}, {"start_s": float(beats[6])}]  # the 7th beat opens phrase 2
    assert beat_counts(beats, [], segments).tolist()[:10] == [1, 2, 3, 4, 5, 6, 1, 2, 3, 4]


@pytest.mark.parametrize("early_s", [0.004, 0.016, -0.012])
def test_a_phrase_starting_a_few_ms_off_its_beat_counts_one_on_that_beat(annotations, early_s):
    # Phrase starts sit on the routine's frame grid, up to half a frame from their beat: the
    # count must not say "2...8, 1" (two 1s in a row) around such a phrase.
    beats = annotations[0][:24]
    segments = [
        {"start_s": float(beats[0]) - early_s},
        {"start_s": float(beats[8]) - early_s},
        {"start_s": float(beats[16]) - early_s},
    ]
    counts = beat_counts(beats, [], segments).tolist()
    assert counts == [1, 2, 3, 4, 5, 6, 7, 8] * 3


def test_beats_before_the_first_phrase_count_in_to_its_one(annotations):
    beats = annotations[0][:12]
    segments = [{"start_s": float(beats[3])}]  # three beats of intro
    assert beat_counts(beats, [], segments).tolist() == [6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 1]


def test_without_phrases_the_count_starts_on_the_first_downbeat(annotations):
    beats, downbeats = annotations
    later = downbeats[downbeats > beats[1]]  # pretend the first bar starts on the 3rd beat
    counts = beat_counts(beats[:10], later[:3])
    first = int(np.argmin(np.abs(beats - later[0])))
    assert counts[first] == 1
    assert counts.tolist() == [(i - first) % 8 + 1 for i in range(10)]
