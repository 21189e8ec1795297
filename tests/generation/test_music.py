"""Music analysis: the beat grid, the feature matrix, refusals, and accuracy on annotated clips."""

import glob
import json
import math

import numpy as np
import pytest

from generation import audio, demo_song, music, music_eval

CLIPS = {clip.name: clip for clip in music_eval.load_annotated()}
BALLROOM_AUDIO = music_eval.shared_dir() / "datasets" / "ballroom" / "audio"


@pytest.fixture(scope="module")
def demo_analysis():
    return music.analyse(demo_song.synthesise(duration_s=40.0, bpm=110.0))


def test_feature_names_are_a_moderate_fixed_set():
    assert 30 <= len(music.FEATURE_NAMES) <= 45
    assert len(set(music.FEATURE_NAMES)) == len(music.FEATURE_NAMES)
    assert set(music.BEAT_GRID_FEATURES) <= set(music.FEATURE_NAMES)
    assert music.FPS == 30.0


def test_beat_grid_is_steady_and_starts_bars_on_its_first_beat():
    beats, downbeats = music.beat_grid(10.0, 120.0, first_beat_s=0.25)
    np.testing.assert_allclose(beats, 0.25 + 0.5 * np.arange(20))
    np.testing.assert_allclose(downbeats, beats[::4])
    beats, downbeats = music.beat_grid(6.0, 90.0, beats_per_bar=3)
    np.testing.assert_allclose(np.diff(downbeats), 2.0)
    with pytest.raises(ValueError):
        music.beat_grid(10.0, 0.0)


def test_beat_grid_features_put_phase_zero_and_pulse_peaks_on_the_beats():
    beats, downbeats = music.beat_grid(8.0, 120.0)  # a beat every 15 frames, a bar every 60
    features, known = music.beat_grid_features(240, beats, downbeats)
    col = {name: features[:, i] for i, name in enumerate(music.FEATURE_NAMES)}

    assert features.shape == (240, len(music.FEATURE_NAMES)) and features.dtype == np.float32
    assert [music.FEATURE_NAMES[i] for i in np.flatnonzero(known)] == list(music.BEAT_GRID_FEATURES)
    assert not features[:, ~known].any()
    on_beat, half_beat = np.arange(0, 240, 15), np.arange(7, 240, 15)
    np.testing.assert_allclose(col["beat_phase_cos"][on_beat], 1.0, atol=1e-5)
    assert (col["beat_phase_cos"][half_beat] < -0.9).all()
    np.testing.assert_allclose(col["beat_pulse"][on_beat], 1.0, atol=1e-5)
    assert (col["beat_pulse"][half_beat] < 0.01).all()
    np.testing.assert_allclose(col["bar_phase_cos"][::60], 1.0, atol=1e-5)
    np.testing.assert_allclose(
        col["bar_phase_sin"][15::60], 1.0, atol=1e-5
    )  # beat 2: a quarter bar
    np.testing.assert_allclose(col["downbeat_pulse"][::60], 1.0, atol=1e-5)
    assert col["downbeat_pulse"][30::60].max() < 0.01


def test_beat_grid_features_follow_a_changing_tempo_and_extrapolate_past_the_beats():
    beats = np.array([1.0, 1.5, 2.0, 2.6, 3.2])
    features, _ = music.beat_grid_features(150, beats, beats[::4])
    cos = features[:, music.FEATURE_NAMES.index("beat_phase_cos")]
    # Phase 0.5 halfway between the slower beats at 2.0 and 2.6 s (frame 69).
    assert cos[69] < -0.99
    # Before the first beat the grid continues at the median period (0.55 s): 1.0 - 0.55 s.
    assert cos[round(0.45 * 30)] > 0.98


def test_beat_grid_features_without_downbeats_leave_the_bar_unknown():
    beats, _ = music.beat_grid(5.0, 100.0)
    features, known = music.beat_grid_features(150, beats, [])
    for name in ("bar_phase_sin", "bar_phase_cos", "downbeat_pulse"):
        assert not known[music.FEATURE_NAMES.index(name)]
        assert not features[:, music.FEATURE_NAMES.index(name)].any()
    assert known[music.FEATURE_NAMES.index("beat_pulse")]
    with pytest.raises(ValueError):
        music.beat_grid_features(150, [1.0], [])


@pytest.mark.slow
def test_analysis_features_sit_on_the_routine_grid(demo_analysis):
    a = demo_analysis
    assert a.fps == 30.0
    assert a.n_frames == math.ceil(40.0 * 30) == a.features.shape[0]
    assert a.features.shape[1] == len(music.FEATURE_NAMES) and a.features.dtype == np.float32
    assert np.isfinite(a.features).all()
    col = {name: a.features[:, i] for i, name in enumerate(music.FEATURE_NAMES)}
    for name in ("onset", "energy", "mfcc_0", "mfcc_19"):
        assert abs(col[name].mean()) < 1e-3 and abs(col[name].std() - 1) < 1e-3
    chroma = a.features[:, [music.FEATURE_NAMES.index(f"chroma_{p}") for p in ("C", "E", "A")]]
    assert chroma.min() >= 0 and chroma.max() <= 1
    # The song is in A minor: A, C and E outweigh the tritone F# / D#.
    assert (
        col["chroma_A"].mean() > col["chroma_F#"].mean()
        and col["chroma_E"].mean() > col["chroma_D#"].mean()
    )
    grid, known = music.beat_grid_features(a.n_frames, a.beat_times, a.downbeat_times)
    np.testing.assert_array_equal(a.features[:, known], grid[:, known])


@pytest.mark.slow
def test_phrases_are_8_counts_from_the_first_downbeat(demo_analysis):
    a = demo_analysis
    first = int(np.flatnonzero(np.isclose(a.beat_times, a.downbeat_times[0]))[0])
    np.testing.assert_array_equal(a.phrase_times, a.beat_times[first :: music.BEATS_PER_PHRASE])
    segments = a.segments()
    assert json.loads(json.dumps(segments)) == segments
    assert len(segments) == len(a.phrase_times)
    assert segments[-1]["end_s"] == pytest.approx(a.duration_s, abs=1e-3)
    for before, after in zip(segments, segments[1:], strict=False):
        assert before["end_s"] == after["start_s"]
        assert after["start_s"] - before["start_s"] == pytest.approx(8 * 60 / 110, abs=0.05)


def test_silence_is_refused():
    silent = audio.DecodedAudio(np.zeros(10 * audio.SAMPLE_RATE, np.float32), audio.SAMPLE_RATE)
    with pytest.raises(audio.AudioError, match="silent"):
        music.analyse(silent)


def test_a_real_clip_shorter_than_a_few_beats_is_refused():
    clip = CLIPS["madmom_sample"]  # 2.8 s, four beats
    with pytest.raises(audio.AudioError, match="at least 5 seconds"):
        music.analyse(audio.decode(clip.path))


def test_audio_past_the_upload_limit_is_refused_before_analysis():
    too_long = np.full(int((audio.MAX_DURATION_S + 5) * audio.SAMPLE_RATE), 0.1, np.float32)
    with pytest.raises(audio.AudioError, match="longer than"):
        music.analyse(audio.DecodedAudio(too_long, audio.SAMPLE_RATE))


@pytest.mark.slow
def test_a_steady_tone_has_no_beat_to_dance_to():
    t = np.arange(10 * audio.SAMPLE_RATE) / audio.SAMPLE_RATE
    tone = (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    with pytest.raises(audio.AudioError, match="No steady beat"):
        music.analyse(audio.DecodedAudio(tone, audio.SAMPLE_RATE))


@pytest.mark.slow
def test_other_sample_rates_are_resampled():
    song = demo_song.synthesise(duration_s=20.0, bpm=100.0, sample_rate=44100)
    analysis = music.analyse(song)
    assert analysis.n_frames == 600
    assert analysis.tempo_bpm == pytest.approx(100.0, rel=0.02)


@pytest.mark.slow
def test_beats_follow_a_tempo_change():
    slow = demo_song.synthesise(duration_s=20.0, bpm=96.0)
    fast = demo_song.synthesise(duration_s=20.0, bpm=120.0, seed=1)
    both = np.concatenate([slow.samples, fast.samples])
    beats = music.analyse(audio.DecodedAudio(both, audio.SAMPLE_RATE)).beat_times
    first, second = np.diff(beats[beats < 18.0]), np.diff(beats[beats > 22.0])
    assert np.median(first) == pytest.approx(60 / 96, rel=0.03)
    assert np.median(second) == pytest.approx(60 / 120, rel=0.03)


# Per clip: (least beat F-measure at the dance octave, whether the tempo must be right).
# Bounds sit below the figures `python -m generation.music_eval` reports, so a real regression
# fails: every analysable clip's tempo octave is right (funk 138 and samba tamborim 130 were
# halved before the backbeat and faster-octave rules); Faure's beats sit half a beat off
# (see test_expressive_piano_is_followed_at_its_own_tempo).
EXPECTED = {
    "gmd_rock_65": (0.85, True),
    "gmd_hiphop_87": (0.9, True),
    "gmd_samba_116": (0.9, True),
    "gmd_disco_120": (0.9, True),
    "gmd_breakbeat_170": (0.65, True),
    "gmd_swing_215": (0.9, True),
    "gmd_funk_138": (0.9, True),
    "candombe_zavala_muniz_2014_46_bars20-28": (0.9, True),
    "brid_samba_tamborim": (0.9, True),
    "asap_ravel_pavane": (0.85, True),
    "asap_schubert_moment_musical_3": (0.7, True),
    "asap_chopin_polonaise_op53": (0.35, True),
    "smd_faure_op15_excerpt": (0.0, True),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_beats_and_tempo_on_annotated_clips(name):
    least_f, tempo_must_be_right = EXPECTED[name]
    result = music_eval.evaluate_clip(CLIPS[name])
    low, high = music.TEMPO_RANGE_BPM
    assert low <= result["tempo_bpm"] < high
    assert result["beat_f"] >= least_f
    if tempo_must_be_right:
        assert result["tempo_ok"], result


@pytest.mark.slow
def test_tempo_octave_and_mean_beat_f_over_all_annotated_clips():
    rows = []
    for clip in CLIPS.values():
        try:
            rows.append(music_eval.evaluate_clip(clip))
        except audio.AudioError:
            continue  # the 2.8 s madmom sample: refused, a miss in the count below
    assert sum(row["tempo_ok"] for row in rows) >= 12, rows
    assert np.mean([row["beat_f"] for row in rows]) >= 0.8


@pytest.mark.slow
def test_drum_grooves_get_most_downbeats_right_from_accents_alone():
    drums = [music_eval.evaluate_clip(c) for c in CLIPS.values() if c.kind == "drums"]
    assert len([r for r in drums if r["downbeat_f"] >= 0.8]) >= 4, drums
    # Without the prior for a song starting on its downbeat: rock, hip-hop, disco and funk.
    assert len([r for r in drums if r["downbeat_f_no_prior"] >= 0.8]) >= 4, drums


def test_downbeats_follow_the_accents_not_the_first_beat():
    # A groove whose first beat is the 3rd of its bar (kick and chord change on every 4th
    # beat from the 3rd): the downbeats are on the kicks, not on the song's first beat.
    song = demo_song.synthesise(duration_s=30.0, bpm=100.0)
    analysis = music.analyse(song)
    shift = 2 * 60.0 / 100.0
    late = audio.DecodedAudio(song.samples[round(shift * song.sample_rate) :], song.sample_rate)
    shifted = music.analyse(late)
    expected = analysis.downbeat_times[analysis.downbeat_times > shift + 1.0] - shift
    assert music_eval.f_measure(shifted.downbeat_times, expected) >= 0.8


@pytest.mark.slow
def test_expressive_piano_is_followed_at_its_own_tempo():
    # Faure op. 15: rubato piano. The tracker keeps its tempo but may sit between the beats;
    # loosely: the tempo is right, and the beats match the annotation at one of the two phases.
    clip = CLIPS["smd_faure_op15_excerpt"]
    analysis = music.analyse(audio.decode(clip.path))
    assert analysis.tempo_bpm == pytest.approx(clip.tempo_bpm, rel=0.04)
    half_beats = (clip.beat_times[1:] + clip.beat_times[:-1]) / 2
    best = max(
        music_eval.f_measure(analysis.beat_times, ref) for ref in (clip.beat_times, half_beats)
    )
    assert best >= 0.7


@pytest.mark.slow
def test_waltzes_are_counted_in_three_and_other_ballroom_music_in_four():
    files = sorted(glob.glob(str(BALLROOM_AUDIO / "*.ogg")))[::3]
    meters = {path: music.analyse(audio.decode(path)).beats_per_bar for path in files}
    waltz = [m for p, m in meters.items() if "_W_" in p]
    other = [m for p, m in meters.items() if "_W_" not in p]
    assert len(waltz) >= 5 and len(other) >= 3
    assert waltz.count(3) >= 0.8 * len(waltz)
    assert other.count(4) >= 0.8 * len(other)


def test_annotated_clips_split_into_tune_and_held_out():
    split = music_eval.held_out_split
    clips = music_eval.load_annotated()
    tune, held_out = split(clips, "tune"), split(clips, "held-out")
    assert {c.name for c in held_out} == music_eval.HELD_OUT_CLIPS
    assert len(tune) + len(held_out) == len(clips) == len(split(clips, "all"))
    # Every kind of music is in both parts.
    assert {c.kind for c in tune} == {c.kind for c in held_out} == {c.kind for c in clips}
    with pytest.raises(ValueError, match="split"):
        split(clips, "test")
