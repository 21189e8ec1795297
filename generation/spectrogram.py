"""Spectrograms of a song and what music analysis reads from them: mel bands, onset strength,
RMS energy, tuning and chroma.

Every function follows librosa's definition of the same quantity (centred frames padded with
zeros, a periodic Hann window, power ``|X|**2``, librosa's mel and chroma filter banks, its onset
and tuning conventions), so `music.FEATURE_NAMES` keep the values the shipped checkpoints were
trained on (tests/generation/test_music_dsp.py checks them against librosa). They are written
out here because librosa's versions cost seconds per song on a 2-core CPU: its modules load
numba kernels in each new process (over a second before the first song) and its tuning
estimate interpolates every bin of the spectrogram where only 150-4000 Hz is used.

Arrays are frame-major: a spectrogram is ``(T, bins)``, frame ``t`` centred on sample
``t * hop_length``.
"""

import numpy as np
import scipy.fft
import scipy.signal

# Frames per FFT call: large enough to vectorise, small enough (float64) to stay in cache.
_BLOCK_FRAMES = 256
# Pitch-tracking band and peak threshold of the tuning estimate, as in librosa's `piptrack`.
_TUNING_FMIN_HZ = 150.0
_TUNING_FMAX_HZ = 4000.0
_TUNING_PEAK_SHARE = 0.1
# Histogram resolution of the tuning estimate: 1/100 of a semitone.
_TUNING_RESOLUTION = 0.01
_A0_HZ = 440.0 / 16
_N_CHROMA = 12
# Octave (A0 = 0) at the centre of the chroma filters' octave weighting.
_CHROMA_CENTRE_OCTAVE = 5.0
# Slaney mel scale: Hz per mel below 1 kHz, log-spaced above at 27 steps per factor of 6.4.
_MEL_LINEAR_HZ = 200.0 / 3
_MEL_LOG_START_HZ = 1000.0
_MEL_LOG_START = _MEL_LOG_START_HZ / _MEL_LINEAR_HZ
_MEL_LOG_STEP = np.log(6.4) / 27.0
# librosa pads onset envelopes as if the hop were 512 samples at n_fft 2048 (two frames), on
# top of the lag, whatever the real hop; the features were trained with that alignment.
_ONSET_CENTRE_PAD = 2048 // (2 * 512)


def n_frames(n_samples: int, hop_length: int) -> int:
    """Frames of a centred spectrogram of `n_samples` samples: ``1 + n_samples // hop_length``."""
    return 1 + n_samples // hop_length


def power_spectrogram(y: np.ndarray, n_fft: int, hop_length: int) -> np.ndarray:
    """``(T, n_fft // 2 + 1)`` float32 power ``|X|**2`` of centred, Hann-windowed frames.

    `y` is ``(N,)`` float32 samples; the signal is padded with ``n_fft // 2`` zeros at each end.
    """
    padded = np.pad(np.asarray(y, dtype=np.float32), n_fft // 2)
    frames = np.lib.stride_tricks.sliding_window_view(padded, n_fft)[::hop_length]
    window = scipy.signal.get_window("hann", n_fft, fftbins=True)
    power = np.empty((len(frames), n_fft // 2 + 1), dtype=np.float32)
    for start in range(0, len(frames), _BLOCK_FRAMES):
        block = slice(start, start + _BLOCK_FRAMES)
        # The window is float64, so the FFT runs in float64 and is stored as complex64.
        spectrum = scipy.fft.rfft(frames[block] * window, axis=-1).astype(np.complex64)
        power[block] = np.abs(spectrum) ** 2
    return power


def mel_power(power: np.ndarray, filters: np.ndarray) -> np.ndarray:
    """``(T, n_mels)`` power in the mel bands of ``filters (n_mels, F)``, from ``power (T, F)``.

    Computed as ``filters @ power.T`` and returned as its transpose (a column-major view), the
    operand order and layout librosa uses, so the sums, and the onset and MFCC sums taken over
    its bands afterwards, run in the same order and give the same bits.
    """
    return (filters @ power.T).T


def power_to_db(power: np.ndarray, top_db: float | None = 80.0) -> np.ndarray:
    """Power in dB relative to 1 (floor 1e-10), clipped `top_db` below the peak when given."""
    db = 10.0 * np.log10(np.maximum(1e-10, power))
    if top_db is not None:
        db = np.maximum(db, db.max() - top_db)
    return db


def onset_strength(log_spec: np.ndarray, lag: int = 1) -> np.ndarray:
    """``(T,)`` spectral flux of ``log_spec (T, bands)``: the mean over bands of the rise since
    `lag` frames before, floored at 0, delayed by `lag` plus `_ONSET_CENTRE_PAD` frames."""
    rise = np.maximum(0.0, log_spec[lag:] - log_spec[:-lag]).mean(axis=1)
    envelope = np.zeros(len(log_spec), dtype=rise.dtype)
    delay = lag + _ONSET_CENTRE_PAD
    envelope[delay:] = rise[: max(0, len(log_spec) - delay)]
    return envelope


def rms(y: np.ndarray, frame_length: int, hop_length: int) -> np.ndarray:
    """``(T,)`` float32 root-mean-square of centred, zero-padded frames of `y`."""
    padded = np.pad(np.asarray(y, dtype=np.float32), frame_length // 2)
    frames = np.lib.stride_tricks.sliding_window_view(padded, frame_length)[::hop_length]
    # Summed over the frame axis of a (frame_length, T) view, as librosa sums, so the values
    # match to the last bit.
    return np.sqrt(np.mean(frames.T**2, axis=0))


def estimate_tuning(power: np.ndarray, sr: float) -> float:
    """Tuning of the song in fractions of a semitone, in ``[-0.5, 0.5)``, from ``power (T, F)``.

    Spectral peaks between 150 and 4000 Hz above a tenth of their frame's maximum are located
    by parabolic interpolation; the louder half of them vote, by their distance from the
    equal-tempered A440 grid, in a histogram of `_TUNING_RESOLUTION` bins.
    """
    n_fft = 2 * (power.shape[1] - 1)
    freqs = np.fft.rfftfreq(n_fft, 1.0 / sr)
    in_band = np.flatnonzero((freqs >= _TUNING_FMIN_HZ) & (freqs < min(_TUNING_FMAX_HZ, sr / 2)))
    # Bins lo-1 .. hi+1: each bin of the band with both neighbours.
    lo, hi = in_band[0], in_band[-1] + 1
    band = power[:, lo - 1 : hi + 1]
    floor = _TUNING_PEAK_SHARE * power.max(axis=1, keepdims=True)
    loud = band * (band > floor)
    centre, below, above = loud[:, 1:-1], loud[:, :-2], loud[:, 2:]
    frame, offset = np.nonzero((centre > below) & (centre >= above))
    peak = band[frame, offset + 1]
    left, right = band[frame, offset], band[frame, offset + 2]
    # Parabolic peak offset in bins; the arithmetic mirrors librosa's float64 stencil on
    # float32 input. Flat or ill-posed parabolas get no shift.
    curvature = (right + left).astype(np.float64) - 2.0 * peak.astype(np.float64)
    slope = (right - left).astype(np.float64) / 2
    steep = np.abs(slope) >= np.abs(curvature)
    shift = np.where(steep, 0.0, -slope / np.where(steep, 1.0, curvature)).astype(np.float32)
    magnitude = peak + np.float32(0.5) * ((right - left) / np.float32(2.0)) * shift
    pitch_hz = ((lo + offset + shift) * float(sr) / n_fft).astype(np.float32)

    voiced = pitch_hz > 0
    if not voiced.any():
        return 0.0
    pitch_hz = pitch_hz[voiced & (magnitude >= np.median(magnitude[voiced]))]
    residual = np.mod(_N_CHROMA * np.log2(pitch_hz / _A0_HZ), 1.0)
    residual[residual >= 0.5] -= 1.0
    edges = np.linspace(-0.5, 0.5, int(np.ceil(1.0 / _TUNING_RESOLUTION)) + 1)
    counts, _ = np.histogram(residual, edges)
    return float(edges[np.argmax(counts)])


def chroma(power: np.ndarray, sr: float) -> np.ndarray:
    """``(T, 12)`` float32 pitch-class energy (C first) of ``power (T, F)``, each frame scaled
    to a maximum of 1, through `chroma_filters` at the song's estimated tuning."""
    n_fft = 2 * (power.shape[1] - 1)
    raw = power @ chroma_filters(sr, n_fft, estimate_tuning(power, sr)).T
    peak = np.abs(raw).astype(np.float64).max(axis=1, keepdims=True)
    peak[peak < np.finfo(raw.dtype).tiny] = 1.0
    return (raw / peak).astype(np.float32)


def mel_frequencies(n_mels: int, fmax: float) -> np.ndarray:
    """``(n_mels,)`` frequencies in Hz from 0 to `fmax`, evenly spaced on the Slaney mel scale
    (linear to 1 kHz, logarithmic above)."""
    return _mel_to_hz(np.linspace(0.0, _hz_to_mel(fmax)[0], n_mels))


def mel_filters(sr: float, n_fft: int, n_mels: int) -> np.ndarray:
    """``(n_mels, n_fft // 2 + 1)`` float32 triangular mel filters up to ``sr / 2``, each scaled
    to unit area (Slaney), as librosa's default filter bank."""
    edges = mel_frequencies(n_mels + 2, sr / 2)
    fft_hz = np.fft.rfftfreq(n_fft, 1.0 / sr)
    width = np.diff(edges)
    # Distance of every FFT bin from every band edge, Hz: (n_mels + 2, bins).
    distance = edges[:, None] - fft_hz
    rising = -distance[:-2] / width[:-1, None]
    falling = distance[2:] / width[1:, None]
    weights = np.maximum(0, np.minimum(rising, falling)).astype(np.float32)
    area = 2.0 / (edges[2:] - edges[:-2])
    return (weights * area[:, None]).astype(np.float32)


def chroma_filters(sr: float, n_fft: int, tuning: float) -> np.ndarray:
    """``(12, n_fft // 2 + 1)`` float32 chroma filter bank, C first, as librosa's default.

    Each FFT bin spreads over the pitch classes near its own as a Gaussian one bin-spacing wide
    (at least a semitone), unit L2 norm per bin, weighted by a Gaussian over octaves centred on
    octave 5 (about 880 Hz here) and two octaves wide; `tuning` shifts the grid in semitones.
    """
    hz = np.linspace(0, sr, n_fft, endpoint=False)[1:]
    a0_hz = 440.0 * 2.0 ** (tuning / _N_CHROMA) / 16
    semitones = _N_CHROMA * np.log2(hz / a0_hz)
    # The DC bin sits an octave and a half below the first bin.
    semitones = np.concatenate(([semitones[0] - 1.5 * _N_CHROMA], semitones))
    spacing = np.concatenate((np.maximum(semitones[1:] - semitones[:-1], 1.0), [1]))
    half = np.round(_N_CHROMA / 2)
    # Signed distance of each bin from each pitch class (A first), wrapped to +-6 semitones.
    distance = semitones - np.arange(0, _N_CHROMA, dtype="d")[:, None]
    distance = np.remainder(distance + half + 10 * _N_CHROMA, _N_CHROMA) - half
    weights = np.exp(-0.5 * (2 * distance / spacing) ** 2)
    norm = np.sum(np.abs(weights) ** 2, axis=0, keepdims=True) ** (1.0 / 2)
    norm[norm < np.finfo(norm.dtype).tiny] = 1.0
    weights = weights / norm
    octave_weight = np.exp(-0.5 * (((semitones / _N_CHROMA - _CHROMA_CENTRE_OCTAVE) / 2) ** 2))
    weights = np.roll(weights * octave_weight, -3, axis=0)
    return np.ascontiguousarray(weights[:, : n_fft // 2 + 1], dtype=np.float32)


def _hz_to_mel(hz) -> np.ndarray:
    """Slaney mel of ``hz`` (scalar or array) as a 1-D float64 array."""
    hz = np.atleast_1d(np.asarray(hz, dtype=np.float64))
    mel = hz / _MEL_LINEAR_HZ
    log = hz >= _MEL_LOG_START_HZ
    mel[log] = _MEL_LOG_START + np.log(hz[log] / _MEL_LOG_START_HZ) / _MEL_LOG_STEP
    return mel


def _mel_to_hz(mel: np.ndarray) -> np.ndarray:
    hz = _MEL_LINEAR_HZ * mel
    log = mel >= _MEL_LOG_START
    hz[log] = _MEL_LOG_START_HZ * np.exp(_MEL_LOG_STEP * (mel[log] - _MEL_LOG_START))
    return hz
