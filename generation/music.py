"""Music analysis: the features a routine is generated from, on the routine's own frame grid.

`analyse` turns decoded audio into a `MusicAnalysis`: beats, tempo, downbeats, 8-count phrases
and a ``(T, len(FEATURE_NAMES))`` float32 feature matrix whose frame ``t`` is at ``t / FPS``
seconds of the song (``FPS`` is the canonical pose rate, so music and motion frames line up one
to one).

How it works, and why:

- Tempo. An onset-strength envelope (all mel bands plus the bands below ~200 Hz again, so kick
  and bass weigh more) is autocorrelated in 6 s windows. Every tempo in the dance range
  ``TEMPO_RANGE_BPM`` (60-140 BPM, where people step) is scored by the autocorrelation at one
  beat plus half the weight at half a beat, two beats and a quarter at one bar: the metrical
  levels a real beat has around it. The best one wins, so a 170 BPM breakbeat is counted at
  85 and a 57 BPM ballad at 114: the octave a dancer steps to. When its double or half is in
  the range too, `_choose_octave` decides between them (a backbeat, else the faster).
- Beats. A dynamic-programming tracker (`beat_tracking`, librosa's algorithm) places the
  beats on the onsets at that tempo; it bends each beat towards the onsets, so rubato and a
  drifting drummer are followed. A real tempo change (a window's best tempo more than
  `_TEMPO_CHANGE_MIN` away from the song's, on ~12 s of evidence) gives the tracker a
  time-varying tempo. Beats move half a beat when the snare's backbeat falls between them
  (`_on_the_backbeat`).
- Downbeats. Beats per bar is 3 or 4 (2/4 music is counted in 4, as dancers do). Each beat
  gets an accent: low-band onsets (kick, bass) minus mid-band onsets (the snare's backbeat) plus
  the change of beat-synchronous harmony (mean chroma over the beat) since the previous beat.
  For each meter and offset, bars are scored by how much more accent their first beat has than
  the others; the song's first beat gets a small tie-breaking bonus (`START_BONUS`). 3 is
  chosen only when it clearly beats 4 (`THREE_FOUR_MARGIN`), as waltzes do.
- Phrases are 8 beats (an "8-count") from the first downbeat.

Feature columns (`FEATURE_NAMES`), each roughly unit scale:

- ``onset``, ``energy`` and ``mfcc_0..19`` are standardised per song (zero mean, unit
  variance over the song's frames), so a quiet master and a loud one give the same features;
  ``energy`` is RMS in dB before standardising.
- ``chroma_*`` (12 pitch classes, C first) are in [0, 1], each frame scaled to a maximum of 1.
- The beat-grid columns (`BEAT_GRID_FEATURES`): sine and cosine of the beat phase and of the
  bar phase, and a pulse (a Gaussian of width `PULSE_WIDTH_S` centred on each beat / downbeat,
  peak 1). Beat times alone give them, so data with a known tempo and no audio (AIST++) gets
  exactly these columns from `beat_grid_features` and a mask marking the rest as missing.
"""

import functools
import math
from dataclasses import dataclass

import numpy as np
import scipy.fft
import soxr

from generation import audio as audio_io
from generation import beat_tracking, spectrogram
from scoring import skeleton

FPS = skeleton.CANONICAL_FPS
TEMPO_RANGE_BPM = (60.0, 140.0)
DEFAULT_BEATS_PER_BAR = 4
BEATS_PER_PHRASE = 8
# Fewer beats than this cannot give a tempo, a bar and a phrase.
MIN_BEATS = 4
# Half width of the beat and downbeat pulse columns, seconds.
PULSE_WIDTH_S = 0.05
# Bonus, in standard deviations of beat accent, for the first beat being a downbeat: a tie
# breaker (1.0 before the beat-synchronous harmony; on the annotated clips 0.3 changes no
# downbeat the accents find, 0.6 and more moves the samba tamborim's).
START_BONUS = 0.3
# 3/4 is chosen only when its downbeat contrast exceeds 4/4's by this factor.
THREE_FOUR_MARGIN = 1.6

_N_MFCC = 20
_PITCH_CLASSES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
_SPECTRAL_FEATURES = (
    ("onset", "energy")
    + tuple(f"mfcc_{i}" for i in range(_N_MFCC))
    + tuple(f"chroma_{p}" for p in _PITCH_CLASSES)
)
BEAT_GRID_FEATURES = (
    "beat_phase_sin",
    "beat_phase_cos",
    "bar_phase_sin",
    "bar_phase_cos",
    "beat_pulse",
    "downbeat_pulse",
)
FEATURE_NAMES = _SPECTRAL_FEATURES + BEAT_GRID_FEATURES
_COLUMN = {name: i for i, name in enumerate(FEATURE_NAMES)}
_BAR_COLUMNS = ("bar_phase_sin", "bar_phase_cos", "downbeat_pulse")
# Columns standardised per song; chroma is already per-frame normalised.
_STANDARDISED = ("onset", "energy") + tuple(f"mfcc_{i}" for i in range(_N_MFCC))

# Beat tracking runs on a finer grid than the features (~11.6 ms at 22 050 Hz) for precise beats.
_BEAT_HOP = 256
# Feature hop: one frame per canonical pose frame (735 samples at 22 050 Hz and 30 fps).
_FEATURE_HOP = round(audio_io.SAMPLE_RATE / FPS)
_N_FFT = 2048
_N_MELS = 64
# Mel bands below this frequency form the low (kick, bass) onset envelope, those from there to
# the mid limit the mid one (snare, claps, piano chords).
_LOW_BAND_HZ = 200.0
_MID_BAND_HZ = 2000.0
# Window of the local autocorrelation that scores tempi, seconds; long enough for a 60 BPM bar.
_TEMPO_WINDOW_S = 6.0
# Cost of a local tempo one octave away from the song's tempo, as a share of the window's best
# score: a window changes tempo only on clear evidence.
_TEMPO_CHANGE_COST = 1.0
# Local tempi closer than this share to the song's tempo are taken as the song's tempo.
_TEMPO_CHANGE_MIN = 0.15
# Tightness of the beat tracker: higher keeps the tempo steadier (dance music); 400
# still follows the expressive piano clips, see `python -m generation.music_eval`.
_TIGHTNESS = 400.0
# Backbeat strength (`_backbeat`) above which an octave counts as having one, and below which
# as having none. The annotated rock, funk and candombe clips reach 0.6-1.2 at their tempo and
# -0.06 to -0.37 at the other octave; the demo song's groove (`demo_song`, 120 and 128 BPM)
# shows 0.47-0.65 at half its tempo but also 0.25-0.37 at its tempo, so it is left to the scores.
_BACKBEAT_MIN = 0.4
_NO_BACKBEAT = 0.0
# Without a backbeat, the faster of two octaves wins when its score reaches this share of the
# slower one's (samba tamborim: 0.98 at 130 BPM against 65).
_FASTER_OCTAVE_SHARE = 0.9
# The beats move half a beat when the mid band (snare) is this much stronger between them
# (2.6 in the funk clip, 2.2 in the breakbeat, at most 1.4 in the others) and alternates by
# this factor there, a backbeat (10 in the funk, 4.2 in the breakbeat, whose snare falls on
# the "and" of its 85 BPM beats).
_OFFBEAT_SNARE_RATIO = 2.0
_BACKBEAT_ALTERNATION = 6.0


@dataclass(frozen=True)
class MusicAnalysis:
    """Everything the generator and the practice page need to know about a song."""

    fps: float
    duration_s: float
    tempo_bpm: float
    beats_per_bar: int
    beat_times: np.ndarray  # (B,) seconds
    downbeat_times: np.ndarray  # (D,) seconds
    phrase_times: np.ndarray  # (P,) seconds, start of each 8-count phrase
    features: np.ndarray  # (T, len(FEATURE_NAMES)) float32; frame t at t / fps seconds

    @property
    def n_frames(self) -> int:
        return int(self.features.shape[0])

    def segments(self) -> list[dict]:
        """One ``{"start_s", "end_s", "label"}`` per phrase; the last one ends with the song."""
        ends = list(self.phrase_times[1:]) + [self.duration_s]
        return [
            {
                "start_s": round(float(start), 3),
                "end_s": round(float(end), 3),
                "label": f"phrase {i + 1}",
            }
            for i, (start, end) in enumerate(zip(self.phrase_times, ends, strict=True))
        ]


def n_frames_for(duration_s: float, fps: float = FPS) -> int:
    """Frames on the routine grid for a song of `duration_s` seconds: ``ceil(duration_s * fps)``."""
    return math.ceil(round(duration_s * fps, 6))


def beat_grid(
    duration_s: float,
    bpm: float,
    first_beat_s: float = 0.0,
    beats_per_bar: int = DEFAULT_BEATS_PER_BAR,
) -> tuple[np.ndarray, np.ndarray]:
    """A steady beat grid: ``(beat_times (B,), downbeat_times (D,))`` in seconds.

    Beats start at `first_beat_s`, which is also the first downbeat, and stop before
    `duration_s`. This is the music of data that has a known tempo but no audio (AIST++).
    """
    if bpm <= 0 or beats_per_bar < 1 or duration_s <= 0:
        raise ValueError("bpm, beats_per_bar and duration_s must be positive")
    period = 60.0 / bpm
    n_beats = max(0, math.ceil((duration_s - first_beat_s) / period - 1e-9))
    beat_times = first_beat_s + period * np.arange(n_beats)
    return beat_times, beat_times[::beats_per_bar].copy()


def beat_grid_features(
    n_frames: int, beat_times, downbeat_times, fps: float = FPS
) -> tuple[np.ndarray, np.ndarray]:
    """The feature columns that beat and downbeat times alone determine.

    Returns ``features (n_frames, len(FEATURE_NAMES))`` float32, with only the
    `BEAT_GRID_FEATURES` columns filled and the others 0, and ``known (len(FEATURE_NAMES),)``
    bool marking the filled columns. Phases are extrapolated before the first and after the
    last beat at the median beat period; pulses only mark the given beats. Without downbeats
    the bar columns stay unknown.
    """
    beat_times = np.asarray(beat_times, dtype=np.float64)
    downbeat_times = np.asarray(downbeat_times, dtype=np.float64)
    if len(beat_times) < 2 or np.any(np.diff(beat_times) <= 0):
        raise ValueError("need at least two beats in increasing order")
    t = np.arange(n_frames) / fps
    features = np.zeros((n_frames, len(FEATURE_NAMES)), dtype=np.float32)
    known = np.zeros(len(FEATURE_NAMES), dtype=bool)

    beat_position = _beat_position(t, beat_times)
    _set_phase(features, known, "beat_phase", beat_position)
    _set(features, known, "beat_pulse", _pulse(t, beat_times))
    if len(downbeat_times):
        bar_starts = _beat_position(downbeat_times, beat_times)
        _set_phase(features, known, "bar_phase", _bar_position(beat_position, bar_starts))
        _set(features, known, "downbeat_pulse", _pulse(t, downbeat_times))
    return features, known


def analyse(song: audio_io.DecodedAudio, start_bonus: float = START_BONUS) -> MusicAnalysis:
    """Analyse a whole song; raise `audio.AudioError` when it is silent, too short or too long.

    The sample rate may be anything: audio is resampled to `audio.SAMPLE_RATE` first.
    `start_bonus` is the prior for the first beat being a downbeat (0: accents alone decide,
    as `music_eval` measures them).
    """
    y = _checked_samples(song)
    sr = audio_io.SAMPLE_RATE
    duration_s = len(y) / sr

    mel_fine = spectrogram.power_to_db(
        spectrogram.mel_power(spectrogram.power_spectrogram(y, _N_FFT, _BEAT_HOP), _mel_filters())
    )
    # Band centres rise, so the low and mid bands are two runs of columns.
    band_hz = spectrogram.mel_frequencies(_N_MELS + 2, sr / 2)[1:-1]
    low_end, mid_end = np.searchsorted(band_hz, [_LOW_BAND_HZ, _MID_BAND_HZ])
    low_env = spectrogram.onset_strength(mel_fine[:, :low_end], lag=2)
    mid_env = spectrogram.onset_strength(mel_fine[:, low_end:mid_end], lag=2)
    onset_env = spectrogram.onset_strength(mel_fine, lag=2) + low_env

    tempo = dance_tempo(onset_env, sr / _BEAT_HOP, low_env, mid_env)
    beat_frames = beat_tracking.track_beats(onset_env, sr / _BEAT_HOP, tempo, _TIGHTNESS)
    if len(beat_frames) < MIN_BEATS:
        raise audio_io.AudioError(
            "No steady beat could be heard in this song, so there is nothing to dance to."
        )
    beat_times = _on_the_backbeat(beat_frames * _BEAT_HOP / sr, mid_env, sr / _BEAT_HOP, duration_s)

    n_frames = n_frames_for(duration_s)
    spectral = _spectral_features(y, sr, n_frames)
    chroma = spectral[:, [_COLUMN[f"chroma_{p}"] for p in _PITCH_CLASSES]]
    beats_per_bar, first_downbeat = _meter(
        beat_times, low_env, mid_env, sr / _BEAT_HOP, chroma, FPS, start_bonus
    )
    downbeat_times = beat_times[first_downbeat::beats_per_bar]
    phrase_times = beat_times[first_downbeat::BEATS_PER_PHRASE]

    grid, known = beat_grid_features(n_frames, beat_times, downbeat_times)
    features = np.where(known, grid, spectral).astype(np.float32)
    return MusicAnalysis(
        fps=FPS,
        duration_s=duration_s,
        tempo_bpm=float(60.0 / np.median(np.diff(beat_times))),
        beats_per_bar=beats_per_bar,
        beat_times=beat_times,
        downbeat_times=downbeat_times,
        phrase_times=phrase_times,
        features=features,
    )


def _checked_samples(song: audio_io.DecodedAudio) -> np.ndarray:
    """Mono float32 samples at `audio.SAMPLE_RATE`, or `AudioError` for unusable audio."""
    y = np.asarray(song.samples, dtype=np.float32)
    if song.sample_rate != audio_io.SAMPLE_RATE:
        y = resample_to_analysis_rate(y, song.sample_rate)
    duration_s = len(y) / audio_io.SAMPLE_RATE
    if duration_s < audio_io.MIN_DURATION_S:
        raise audio_io.AudioError(
            f"The song is {duration_s:.1f} s long; at least {audio_io.MIN_DURATION_S:.0f} seconds "
            "are needed to find its beat."
        )
    if duration_s > audio_io.MAX_DURATION_S + 1:
        raise audio_io.AudioError(
            f"The song is longer than {audio_io.MAX_DURATION_S / 60:.0f} minutes."
        )
    if not np.isfinite(y).all() or np.abs(y).max() < audio_io.SILENCE_PEAK:
        raise audio_io.AudioError("The song is silent: no sound could be heard in it.")
    return y


def resample_to_analysis_rate(y: np.ndarray, sample_rate: int) -> np.ndarray:
    """`y` at `audio.SAMPLE_RATE`: soxr's high quality, cut or zero-padded to exactly
    ``ceil(len(y) * ratio)`` samples (librosa's ``resample``, which the checkpoints saw)."""
    n_samples = math.ceil(len(y) * audio_io.SAMPLE_RATE / sample_rate)
    resampled = soxr.resample(y, sample_rate, audio_io.SAMPLE_RATE, quality="soxr_hq")
    return np.pad(resampled[:n_samples], (0, max(0, n_samples - len(resampled))))


@functools.cache
def _mel_filters() -> np.ndarray:
    """``(_N_MELS, _N_FFT // 2 + 1)`` mel filter bank; the same for every song."""
    return spectrogram.mel_filters(audio_io.SAMPLE_RATE, _N_FFT, _N_MELS)


def dance_tempo(
    onset_env: np.ndarray,
    env_fps: float,
    low_env: np.ndarray | None = None,
    mid_env: np.ndarray | None = None,
) -> np.ndarray:
    """Tempo in `TEMPO_RANGE_BPM` per onset-envelope frame ``(len(onset_env),)``, BPM.

    Each window's tempo candidates are scored by the metrical levels around them (negative
    autocorrelation counts as none: a syncopated subdivision is not evidence against a beat);
    the song's tempo is the best over all windows, moved to its other octave by
    `_choose_octave` when both lie in the dance range, and each window may move from it (a
    tempo change) at a cost of `_TEMPO_CHANGE_COST` of its best score per octave, so it neither
    flips octave on a quiet bar nor wanders with rubato. `low_env` and `mid_env` (the low- and
    mid-band onset envelopes, same frames) give the backbeat test; without them the octave is
    left as scored.
    """
    window = round(_TEMPO_WINDOW_S * env_fps)
    autocorr, centres = _window_autocorrelations(onset_env, window)
    lags = np.arange(window)
    tempi = np.arange(TEMPO_RANGE_BPM[0], TEMPO_RANGE_BPM[1], 0.1)
    beat_lag = 60.0 * env_fps / tempi

    def strength(lag: np.ndarray) -> np.ndarray:
        return np.stack([np.interp(lag, lags, row, right=0.0) for row in np.maximum(autocorr, 0)])

    score = (
        strength(beat_lag)
        + 0.5 * strength(beat_lag / 2)
        + 0.5 * strength(beat_lag * 2)
        + 0.25 * strength(beat_lag * 4)
    )
    song_tempo = tempi[np.argmax(score.mean(axis=0))]
    if low_env is not None and mid_env is not None:
        song_tempo = _choose_octave(
            song_tempo, tempi, score.mean(axis=0), onset_env, low_env, mid_env, env_fps
        )
    # Neighbouring windows share the evidence: ~12 s of music decide each local tempo.
    kernel = np.ones(3) / 3
    smoothed = np.apply_along_axis(
        np.convolve, 0, np.pad(score, ((1, 1), (0, 0)), "edge"), kernel, "valid"
    )
    change = np.abs(np.log2(tempi / song_tempo))
    smoothed -= _TEMPO_CHANGE_COST * change * smoothed.max(axis=1, keepdims=True)
    local = tempi[np.argmax(smoothed, axis=1)]
    # Small drifts are the beat tracker's job (it bends each beat); only real changes move it.
    local[np.abs(np.log2(local / song_tempo)) < np.log2(1 + _TEMPO_CHANGE_MIN)] = song_tempo
    return np.interp(np.arange(len(onset_env)), centres, local)


def _choose_octave(
    song_tempo: float,
    tempi: np.ndarray,
    score: np.ndarray,
    onset_env: np.ndarray,
    low_env: np.ndarray,
    mid_env: np.ndarray,
    env_fps: float,
) -> float:
    """The song's tempo or its other octave, when both lie in `TEMPO_RANGE_BPM`.

    Autocorrelation alone cannot tell a 65 BPM rock groove from 130 BPM or a 138 BPM funk
    groove from 69: both octaves score within a few per cent. Two cues decide:

    - A backbeat: in rock, pop, funk and disco the kick and the snare take turns, so at the
      right tempo the low-minus-mid accent of the beats alternates from beat to beat and repeats
      every two beats (`_backbeat`). When one octave shows it clearly (`_BACKBEAT_MIN`) and the
      other not at all (`_NO_BACKBEAT`), that one wins.
    - Otherwise the faster octave, when its score reaches `_FASTER_OCTAVE_SHARE` of the
      slower's: dancers step on the faster of two pulses that are heard about equally.
    """
    low, high = TEMPO_RANGE_BPM
    other = song_tempo * 2 if song_tempo * 2 < high else song_tempo / 2
    if not low <= other < high:
        return song_tempo
    # The other octave's own peak, within the tempo tolerance of the exact double or half.
    near = np.abs(np.log2(tempi / other)) < np.log2(1.04)
    other = float(tempi[near][np.argmax(score[near])])
    slow, fast = sorted((song_tempo, other))
    slow_score, fast_score = (score[np.argmin(np.abs(tempi - t))] for t in (slow, fast))

    backbeat = {
        tempo: _backbeat(
            beat_tracking.track_beats(onset_env, env_fps, tempo, _TIGHTNESS) / env_fps,
            low_env,
            mid_env,
            env_fps,
        )
        for tempo in (slow, fast)
    }
    if backbeat[slow] >= _BACKBEAT_MIN and backbeat[fast] < _NO_BACKBEAT:
        return slow
    if backbeat[fast] >= _BACKBEAT_MIN and backbeat[slow] < _NO_BACKBEAT:
        return fast
    return fast if fast_score >= _FASTER_OCTAVE_SHARE * slow_score else slow


def _on_the_backbeat(
    beat_times: np.ndarray, mid_env: np.ndarray, env_fps: float, duration_s: float
) -> np.ndarray:
    """`beat_times`, or the same pulse half a beat later when the snare's backbeat falls
    between them.

    The tracker follows the strongest onsets, and a syncopated kick (funk: on the "and" of 1
    and 3) can outweigh the beat. The snare is on the beat in such grooves, on every other
    beat: when every other midpoint between beats carries `_OFFBEAT_SNARE_RATIO` times the
    mid-band onset strength of every other beat (the better alternation each) and
    `_BACKBEAT_ALTERNATION` times that of the midpoints in between, the midpoints are the beats.
    """
    if len(beat_times) < 8:
        return beat_times
    midpoints = (beat_times[1:] + beat_times[:-1]) / 2
    on = _sample(mid_env, beat_times, env_fps)
    off = _sample(mid_env, midpoints, env_fps)
    off_weak, off_snare = sorted((off[0::2].mean(), off[1::2].mean()))
    if (
        off_snare < _OFFBEAT_SNARE_RATIO * max(on[0::2].mean(), on[1::2].mean())
        or off_snare < _BACKBEAT_ALTERNATION * off_weak
    ):
        return beat_times
    half_first, half_last = np.diff(beat_times[:2])[0] / 2, np.diff(beat_times[-2:])[0] / 2
    before = [beat_times[0] - half_first] if beat_times[0] - half_first >= 0 else []
    after = [beat_times[-1] + half_last] if beat_times[-1] + half_last < duration_s else []
    return np.concatenate([before, midpoints, after])


def _backbeat(
    beat_times: np.ndarray, low_env: np.ndarray, mid_env: np.ndarray, env_fps: float
) -> float:
    """How much the beats alternate kick and snare: the correlation of the low-minus-mid
    accent with itself two beats later minus one beat later, in [-2, 2]; 0 for too few beats."""
    if len(beat_times) < 8:
        return 0.0
    accent = _standardise(_sample(low_env, beat_times, env_fps)) - _standardise(
        _sample(mid_env, beat_times, env_fps)
    )
    if accent.std() == 0:
        return 0.0
    one, two = (np.corrcoef(accent[:-lag], accent[lag:])[0, 1] for lag in (1, 2))
    return float(np.nan_to_num(two - one))


def _window_autocorrelations(env: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Autocorrelations ``(W, window)`` of `env` in half-overlapping windows, and their centres.

    Each is normalised to its zero-lag value, so loud passages do not dominate; silent windows
    are left out (all zeros when everything is silent).
    """
    env = env - env.mean()
    if len(env) < window:
        env = np.pad(env, (0, window - len(env)))
    frames = np.lib.stride_tricks.sliding_window_view(env, window)[:: window // 2]
    centres = window // 2 + (window // 2) * np.arange(len(frames))
    frames = frames * np.hanning(window)
    spectrum = np.fft.rfft(frames, n=2 * window, axis=1)
    autocorr = np.fft.irfft(np.abs(spectrum) ** 2, axis=1)[:, :window]
    valid = autocorr[:, 0] > 0
    if not valid.any():
        return np.zeros((1, window)), centres[:1]
    return autocorr[valid] / autocorr[valid, :1], centres[valid]


def _spectral_features(y: np.ndarray, sr: int, n_frames: int) -> np.ndarray:
    """``(n_frames, len(FEATURE_NAMES))`` float32 with the audio columns filled, one per frame."""
    log_mel = spectrogram.power_to_db(
        spectrogram.mel_power(
            spectrogram.power_spectrogram(y, _N_FFT, _FEATURE_HOP), _mel_filters()
        )
    )
    columns = {
        "onset": spectrogram.onset_strength(log_mel),
        "energy": spectrogram.power_to_db(
            np.square(spectrogram.rms(y, _N_FFT, _FEATURE_HOP)), top_db=None
        ),
    }
    mfcc = scipy.fft.dct(log_mel, axis=1, type=2, norm="ortho")[:, :_N_MFCC].T
    chroma = spectrogram.chroma(spectrogram.power_spectrogram(y, 4 * _N_FFT, _FEATURE_HOP), sr).T
    columns.update({f"mfcc_{i}": mfcc[i] for i in range(_N_MFCC)})
    columns.update({f"chroma_{p}": chroma[i] for i, p in enumerate(_PITCH_CLASSES)})

    features = np.zeros((n_frames, len(FEATURE_NAMES)), dtype=np.float32)
    for name, values in columns.items():
        values = values[:n_frames]
        if name in _STANDARDISED:
            values = (values - values.mean()) / (values.std() + 1e-6)
        features[: len(values), _COLUMN[name]] = values
    return features


def _meter(
    beat_times: np.ndarray,
    low_env: np.ndarray,
    mid_env: np.ndarray,
    env_fps: float,
    chroma: np.ndarray,
    chroma_fps: float,
    start_bonus: float = START_BONUS,
) -> tuple[int, int]:
    """``(beats_per_bar, index of the first downbeat in beat_times)``.

    Each beat gets an accent: low-band onset strength (kick, bass) minus mid-band onset
    strength (the snare's backbeat), plus the change in harmony from the previous beat (the
    distance between the two beats' mean chroma, each over its whole beat, so a passing note
    does not count as a chord change), each standardised over the song. A bar's first beat is
    where the accent is highest on average; `start_bonus` favours the song's first beat.
    """
    low = _standardise(_sample(low_env, beat_times, env_fps))
    mid = _standardise(_sample(mid_env, beat_times, env_fps))
    accent = low - mid + _standardise(_harmonic_change(beat_times, chroma, chroma_fps))

    best = {}
    for beats_per_bar in (3, 4):
        contrasts = [
            _downbeat_contrast(accent, beats_per_bar, offset) for offset in range(beats_per_bar)
        ]
        # Most songs start on a downbeat: the first beat wins unless accents say otherwise.
        offset = int(np.argmax(np.array(contrasts) + start_bonus * (np.arange(beats_per_bar) == 0)))
        best[beats_per_bar] = (max(contrasts), offset)
    if best[3][0] > THREE_FOUR_MARGIN * max(best[4][0], 1e-6) and len(beat_times) >= 12:
        return 3, best[3][1]
    return 4, best[4][1]


def _harmonic_change(beat_times: np.ndarray, chroma: np.ndarray, chroma_fps: float) -> np.ndarray:
    """``(B,)``: how far each beat's mean chroma ``(T, 12)`` lies from the previous beat's
    (unit-length vectors, 0 for the first beat); the last beat lasts the median beat period."""
    ends = np.r_[beat_times[1:], beat_times[-1] + np.median(np.diff(beat_times))]
    first = np.clip(np.round(beat_times * chroma_fps).astype(int), 0, len(chroma) - 1)
    last = np.clip(np.round(ends * chroma_fps).astype(int), first + 1, len(chroma))
    sums = np.cumsum(np.vstack([np.zeros((1, chroma.shape[1])), chroma]), axis=0)
    beat_chroma = (sums[last] - sums[first]) / (last - first)[:, None]
    beat_chroma /= np.linalg.norm(beat_chroma, axis=1, keepdims=True) + 1e-9
    return np.r_[0.0, np.linalg.norm(np.diff(beat_chroma, axis=0), axis=1)]


def _downbeat_contrast(accent: np.ndarray, beats_per_bar: int, offset: int) -> float:
    """How much more accent beats ``offset, offset + beats_per_bar, ...`` have than the rest."""
    on = accent[offset::beats_per_bar]
    off = np.delete(accent, np.arange(offset, len(accent), beats_per_bar))
    return float(on.mean() - off.mean()) if len(off) else 0.0


def _sample(env: np.ndarray, times: np.ndarray, env_fps: float) -> np.ndarray:
    """The envelope's peak within +-2 frames of each time (beats are placed to ~1 frame)."""
    idx = np.round(times * env_fps).astype(int)
    window = np.clip(idx[:, None] + np.arange(-2, 3), 0, len(env) - 1)
    return env[window].max(axis=1)


def _standardise(values: np.ndarray) -> np.ndarray:
    return (values - values.mean()) / (values.std() + 1e-9)


def _beat_position(times: np.ndarray, beat_times: np.ndarray) -> np.ndarray:
    """Continuous beat count at `times`: ``i`` at beat i, linear between beats.

    Before the first and after the last beat it continues at the median beat period.
    """
    period = float(np.median(np.diff(beat_times)))
    position = np.interp(times, beat_times, np.arange(len(beat_times), dtype=np.float64))
    before, after = times < beat_times[0], times > beat_times[-1]
    position[before] = (times[before] - beat_times[0]) / period
    position[after] = len(beat_times) - 1 + (times[after] - beat_times[-1]) / period
    return position


def _bar_position(beat_position: np.ndarray, bar_starts: np.ndarray) -> np.ndarray:
    """Continuous bar count from beat positions, given the beat positions of the downbeats."""
    bar_length = (
        float(np.median(np.diff(bar_starts))) if len(bar_starts) > 1 else DEFAULT_BEATS_PER_BAR
    )
    position = np.interp(beat_position, bar_starts, np.arange(len(bar_starts), dtype=np.float64))
    before, after = beat_position < bar_starts[0], beat_position > bar_starts[-1]
    position[before] = (beat_position[before] - bar_starts[0]) / bar_length
    position[after] = len(bar_starts) - 1 + (beat_position[after] - bar_starts[-1]) / bar_length
    return position


def _pulse(times: np.ndarray, event_times: np.ndarray) -> np.ndarray:
    """A Gaussian bump of peak 1 and width `PULSE_WIDTH_S` at each event."""
    last = len(event_times) - 1
    after = np.searchsorted(event_times, times)
    left = event_times[np.clip(after - 1, 0, last)]
    right = event_times[np.clip(after, 0, last)]
    distance = np.minimum(np.abs(times - left), np.abs(times - right))
    return np.exp(-0.5 * (distance / PULSE_WIDTH_S) ** 2)


def _set(features: np.ndarray, known: np.ndarray, name: str, values: np.ndarray) -> None:
    features[:, _COLUMN[name]] = values
    known[_COLUMN[name]] = True


def _set_phase(features: np.ndarray, known: np.ndarray, name: str, position: np.ndarray) -> None:
    angle = 2 * np.pi * position
    _set(features, known, f"{name}_sin", np.sin(angle))
    _set(features, known, f"{name}_cos", np.cos(angle))
