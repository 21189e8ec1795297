"""The spectrogram and beat-tracking code behind `generation.music` against librosa's definitions
of the same quantities (the shipped checkpoints were trained on librosa's values), on real
annotated clips."""

import librosa
import numpy as np
import pytest
import scipy.fft

from generation import audio, beat_tracking, music, music_eval, spectrogram

CLIPS = {clip.name: clip for clip in music_eval.load_annotated()}
SR = audio.SAMPLE_RATE


@pytest.fixture(scope="module")
def piano():
    return audio.decode(CLIPS["asap_ravel_pavane"].path).samples


@pytest.fixture(scope="module")
def drums():
    return audio.decode(CLIPS["gmd_disco_120"].path).samples


@pytest.mark.parametrize(("n_fft", "hop"), [(2048, 256), (2048, 735), (8192, 735)])
def test_power_spectrogram_is_librosas_to_the_bit(drums, n_fft, hop):
    ours = spectrogram.power_spectrogram(drums, n_fft, hop)
    theirs = np.abs(librosa.stft(drums, n_fft=n_fft, hop_length=hop)) ** 2
    assert ours.shape == (spectrogram.n_frames(len(drums), hop), n_fft // 2 + 1)
    np.testing.assert_array_equal(ours, theirs.T)


@pytest.mark.parametrize("n_fft", [2048, 8192])
def test_filter_banks_are_librosas_to_the_bit(n_fft):
    np.testing.assert_array_equal(
        spectrogram.mel_filters(SR, n_fft, 64), librosa.filters.mel(sr=SR, n_fft=n_fft, n_mels=64)
    )
    np.testing.assert_array_equal(
        spectrogram.mel_frequencies(66, SR / 2), librosa.mel_frequencies(66, fmax=SR / 2)
    )
    for tuning in (0.0, -0.13, 0.27):
        np.testing.assert_array_equal(
            spectrogram.chroma_filters(SR, n_fft, tuning),
            librosa.filters.chroma(sr=SR, n_fft=n_fft, tuning=tuning),
        )


def test_mel_onset_mfcc_and_energy_are_librosas_to_the_bit(drums):
    power = spectrogram.power_spectrogram(drums, 2048, 735)
    log_mel = spectrogram.power_to_db(
        spectrogram.mel_power(power, spectrogram.mel_filters(SR, 2048, 64))
    )
    theirs = librosa.power_to_db(
        librosa.feature.melspectrogram(y=drums, sr=SR, n_fft=2048, hop_length=735, n_mels=64)
    )
    np.testing.assert_array_equal(log_mel, theirs.T)
    for lag in (1, 2):
        np.testing.assert_array_equal(
            spectrogram.onset_strength(log_mel, lag=lag),
            librosa.onset.onset_strength(S=theirs, sr=SR, lag=lag),
        )
        np.testing.assert_array_equal(
            spectrogram.onset_strength(log_mel[:, 5:20], lag=lag),
            librosa.onset.onset_strength(S=theirs[5:20], sr=SR, lag=lag),
        )
    np.testing.assert_array_equal(
        scipy.fft.dct(log_mel, axis=1, type=2, norm="ortho")[:, :20].T,
        librosa.feature.mfcc(S=theirs, n_mfcc=20),
    )
    np.testing.assert_array_equal(
        spectrogram.rms(drums, 2048, 735),
        librosa.feature.rms(y=drums, frame_length=2048, hop_length=735)[0],
    )


def test_tuning_and_chroma_match_librosa_on_piano(piano):
    power = spectrogram.power_spectrogram(piano, 8192, 735)
    assert spectrogram.estimate_tuning(power, SR) == librosa.estimate_tuning(
        S=power.T, sr=SR, bins_per_octave=12
    )
    np.testing.assert_array_equal(
        spectrogram.chroma(power, SR),
        librosa.feature.chroma_stft(y=piano, sr=SR, n_fft=8192, hop_length=735).T,
    )


def test_tuning_of_a_detuned_chord_is_found():
    # A major chord a third of a semitone sharp.
    t = np.arange(10 * SR) / SR
    sharp = 2 ** (0.33 / 12)
    chord = sum(np.sin(2 * np.pi * f * sharp * t) for f in (440.0, 554.37, 659.26))
    power = spectrogram.power_spectrogram((0.2 * chord).astype(np.float32), 8192, 735)
    assert spectrogram.estimate_tuning(power, SR) == pytest.approx(0.33, abs=0.02)
    # The chroma of the chord is A, C# and E, whatever the tuning.
    loudest = np.argsort(spectrogram.chroma(power, SR).mean(axis=0))[-3:]
    assert {"A", "C#", "E"} == {music._PITCH_CLASSES[i] for i in loudest}


def _onset_envelope(samples: np.ndarray) -> np.ndarray:
    power = spectrogram.power_spectrogram(samples, 2048, 256)
    log_mel = spectrogram.power_to_db(
        spectrogram.mel_power(power, spectrogram.mel_filters(SR, 2048, 64))
    )
    return spectrogram.onset_strength(log_mel, lag=2)


@pytest.mark.slow
@pytest.mark.parametrize(
    "name", ["gmd_swing_215", "asap_chopin_polonaise_op53", "smd_faure_op15_excerpt"]
)
def test_beat_tracker_gives_librosas_beats(name):
    envelope = _onset_envelope(audio.decode(CLIPS[name].path).samples)
    fps = SR / 256
    # A steady tempo with an odd beat period (half a period rounds to even) and one that
    # changes halfway.
    changing = np.where(np.arange(len(envelope)) < len(envelope) // 2, 97.0, 118.0)
    for bpm in (97.0, changing):
        _, theirs = librosa.beat.beat_track(
            onset_envelope=envelope, sr=SR, hop_length=256, bpm=bpm, tightness=400, trim=False
        )
        np.testing.assert_array_equal(beat_tracking.track_beats(envelope, fps, bpm, 400.0), theirs)


def test_beat_tracker_finds_the_beats_of_a_drum_groove(drums):
    clip = CLIPS["gmd_disco_120"]
    fps = SR / 256
    beats = beat_tracking.track_beats(_onset_envelope(drums), fps, clip.tempo_bpm, 400.0) / fps
    assert music_eval.f_measure(beats, clip.beat_times) >= 0.9
    assert np.median(np.diff(beats)) == pytest.approx(60 / clip.tempo_bpm, rel=0.02)


def test_beat_tracker_finds_nothing_in_silence_and_refuses_too_fast_a_tempo():
    assert len(beat_tracking.track_beats(np.zeros(2000, np.float32), 86.0, 120.0, 400.0)) == 0
    with pytest.raises(ValueError, match="too fast"):
        beat_tracking.track_beats(np.ones(2000, np.float32), 86.0, 4000.0, 400.0)


def test_resampling_is_librosas(drums):
    song = audio.DecodedAudio(librosa.resample(drums, orig_sr=SR, target_sr=44100), 44100)
    np.testing.assert_array_equal(
        music.resample_to_analysis_rate(song.samples, 44100),
        librosa.resample(song.samples, orig_sr=44100, target_sr=SR),
    )


@pytest.mark.slow
def test_analysis_gives_the_librosa_features_and_beats_the_checkpoints_were_trained_on(drums):
    analysis = music.analyse(audio.DecodedAudio(drums, SR))
    log_mel = librosa.power_to_db(
        librosa.feature.melspectrogram(y=drums, sr=SR, n_fft=2048, hop_length=735, n_mels=64)
    )
    energy = librosa.amplitude_to_db(
        librosa.feature.rms(y=drums, frame_length=2048, hop_length=735)[0], ref=1.0, top_db=None
    )
    columns = {
        "onset": librosa.onset.onset_strength(S=log_mel, sr=SR),
        "energy": energy,
        "mfcc_0": librosa.feature.mfcc(S=log_mel, n_mfcc=20)[0],
        "mfcc_19": librosa.feature.mfcc(S=log_mel, n_mfcc=20)[19],
        "chroma_G": librosa.feature.chroma_stft(y=drums, sr=SR, n_fft=8192, hop_length=735)[7],
    }
    for name, values in columns.items():
        values = values[: analysis.n_frames]
        if name != "chroma_G":
            values = (values - values.mean()) / (values.std() + 1e-6)
        ours = analysis.features[:, music.FEATURE_NAMES.index(name)]
        np.testing.assert_array_equal(ours, values.astype(np.float32), err_msg=name)

    fine = librosa.power_to_db(
        librosa.feature.melspectrogram(y=drums, sr=SR, n_fft=2048, hop_length=256, n_mels=64)
    )
    low = librosa.mel_frequencies(66)[1:-1] < 200
    envelope = librosa.onset.onset_strength(S=fine, sr=SR, lag=2) + librosa.onset.onset_strength(
        S=fine[low], sr=SR, lag=2
    )
    _, beats = librosa.beat.beat_track(
        onset_envelope=envelope,
        sr=SR,
        hop_length=256,
        bpm=music.dance_tempo(envelope, SR / 256),
        tightness=400,
        trim=False,
    )
    np.testing.assert_array_equal(
        analysis.beat_times, librosa.frames_to_time(beats, sr=SR, hop_length=256)
    )
