"""The synthesised demo song: deterministic, well formed, and its steady groove is found."""

import numpy as np
import pytest
import soundfile

from generation import audio, demo_song, music, music_eval


def test_length_level_and_determinism():
    song = demo_song.synthesise(duration_s=12.5, bpm=110.0, seed=3)
    assert song.sample_rate == audio.SAMPLE_RATE
    assert len(song.samples) == round(12.5 * audio.SAMPLE_RATE)
    assert song.samples.dtype == np.float32
    peak = np.abs(song.samples).max()
    assert 0.5 < peak <= 1.0
    np.testing.assert_array_equal(song.samples, demo_song.synthesise(12.5, 110.0, seed=3).samples)
    assert not np.array_equal(song.samples, demo_song.synthesise(12.5, 110.0, seed=4).samples)


def test_kick_lands_on_every_beat_of_the_grid():
    song = demo_song.synthesise(duration_s=10.0, bpm=120.0)
    beats, _ = music.beat_grid(10.0, 120.0)
    y = song.samples
    window = int(0.03 * song.sample_rate)
    # Energy just after each beat is far above the energy just before it.
    starts = (beats[1:] * song.sample_rate).astype(int)
    after = np.array([np.sqrt(np.mean(y[s : s + window] ** 2)) for s in starts])
    before = np.array([np.sqrt(np.mean(y[s - window : s - window // 3] ** 2)) for s in starts])
    assert (after > 1.5 * before).all()


def test_write_wav_round_trips_through_the_upload_decoder(tmp_path):
    song = demo_song.synthesise(duration_s=6.0)
    path = tmp_path / "demo.wav"
    demo_song.write_wav(song, path)
    assert soundfile.info(path).subtype == "PCM_16"
    assert [p.name for p in tmp_path.iterdir()] == ["demo.wav"]  # no partial file left behind
    decoded = audio.load_song(path)
    assert decoded.duration_s == pytest.approx(6.0, abs=0.01)
    np.testing.assert_allclose(decoded.samples, song.samples, atol=1e-3)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        demo_song.synthesise(duration_s=0.0)
    with pytest.raises(ValueError):
        demo_song.synthesise(bpm=500.0)


@pytest.mark.slow
@pytest.mark.parametrize("bpm", [96.0, 110.0, 128.0])
def test_analysis_finds_the_demo_song_tempo_beats_and_bars(bpm):
    duration_s = 45.0
    analysis = music.analyse(demo_song.synthesise(duration_s=duration_s, bpm=bpm))
    beats, downbeats = music.beat_grid(duration_s, bpm)
    assert analysis.tempo_bpm == pytest.approx(bpm, rel=0.01)
    assert analysis.beats_per_bar == 4
    assert music_eval.f_measure(analysis.beat_times, beats) >= 0.97
    assert music_eval.f_measure(analysis.downbeat_times, downbeats) >= 0.95
    # Phrases start on bar 1, 3, 5 ... of the song: every 8 beats from 0 s.
    np.testing.assert_allclose(analysis.phrase_times[0] % (8 * 60 / bpm), 0.0, atol=0.05)
