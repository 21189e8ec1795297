"""Dynamic-programming beat tracking (Ellis 2007) on an onset-strength envelope.

`track_beats` chooses the beat frames that maximise the onset strength on the beats minus a
penalty, ``tightness * log(interval / beat_period) ** 2``, for every interval that strays from
the expected beat period; the period may change from frame to frame (a tempo change). It gives
the beats librosa's ``beat.beat_track(onset_envelope=..., bpm=..., trim=False)`` gives for the
same envelope and tempo, which the shipped checkpoints were trained on, without librosa's numba
kernels (seconds to load in each new process). The search is vectorised over blocks of frames:
a beat's predecessor lies at least half a beat back, so the frames of a block shorter than that
never depend on each other.
"""

import math

import numpy as np

# Width of the Gaussian that spreads each onset over its neighbourhood: the window spans one beat
# period either side at 32 standard deviations per period.
_SMOOTHING_STEPS_PER_PERIOD = 32.0
# A beat path starts at the first frame whose local score reaches this share of the maximum.
_FIRST_BEAT_SHARE = 0.01
# The last beat is the last local maximum of the cumulative score above this share of the
# median local maximum, so a path does not end in a fade-out.
_LAST_BEAT_SHARE = 0.5


def track_beats(
    onset_envelope: np.ndarray, env_fps: float, bpm: np.ndarray | float, tightness: float
) -> np.ndarray:
    """Beat frames ``(B,)`` int, increasing, of ``onset_envelope (N,)`` at `env_fps` frames/s.

    `bpm` is the expected tempo, one value or one per frame ``(N,)``. Beats before the first
    and after the last frame with onset energy (after smoothing) are dropped.
    """
    envelope = np.asarray(onset_envelope)
    if not envelope.any():
        return np.empty(0, dtype=int)
    period = np.round(env_fps * 60.0 / np.broadcast_to(np.asarray(bpm, float), envelope.shape))
    if period.min() < 2:
        # A predecessor must lie at least one frame back.
        raise ValueError("the tempo is too fast for the envelope's frame rate")
    normalised = envelope / (envelope.std(ddof=1) + np.finfo(envelope.dtype).tiny)
    local = _local_score(normalised.astype(np.float64), period)
    backlink, cumulative = _best_predecessors(local, period, tightness)

    beats = []
    frame = _last_beat(cumulative)
    while frame >= 0:
        beats.append(frame)
        frame = backlink[frame]
    beats = np.array(beats[::-1], dtype=int)
    active = np.flatnonzero(local > 0)
    if not len(active):
        return np.empty(0, dtype=int)
    return beats[(beats >= active[0]) & (beats <= active[-1])]


def _local_score(envelope: np.ndarray, period: np.ndarray) -> np.ndarray:
    """``(N,)`` float64: the envelope smoothed by a Gaussian of each frame's beat period.

    The first envelope frame is left out of every sum, as in librosa (its same-mode window
    indexing skips it), so the scores match librosa's.
    """
    envelope = envelope.copy()
    envelope[0] = 0.0
    score = np.empty_like(envelope)
    for value in np.unique(period):
        offsets = np.arange(-value, value + 1)
        window = np.exp(-0.5 * (offsets * _SMOOTHING_STEPS_PER_PERIOD / value) ** 2)
        rows = period == value
        score[rows] = np.convolve(envelope, window, mode="same")[rows]
    return score


def _best_predecessors(
    local: np.ndarray, period: np.ndarray, tightness: float
) -> tuple[np.ndarray, np.ndarray]:
    """``(backlink (N,) int, cumulative (N,) float64)``: each frame's best previous beat (-1 for
    none) and the score of the best beat path ending on it.

    A predecessor lies between half a period (rounded half to even) and two periods back; among
    equally good ones the nearest wins. Frames before the first clear onset start a new path.
    """
    n = len(local)
    periods, period_index = np.unique(period, return_inverse=True)
    nearest = np.round(periods / 2).astype(int)
    farthest = (2 * periods).astype(int)
    max_lag = int(farthest.max())
    lags = np.arange(1, max_lag + 1)
    # Interval penalty per distinct period and lag, infinite outside the allowed lags; with the
    # C library's log, as librosa's kernel has it.
    log_lag = np.array([math.log(lag) for lag in lags])
    penalty = np.array([tightness * (log_lag - math.log(value)) ** 2 for value in periods])
    penalty[(lags < nearest[:, None]) | (lags > farthest[:, None])] = np.inf

    cumulative = np.zeros(n)
    backlink = np.full(n, -1)
    # Cumulative scores after max_lag leading -inf (frames before the song), so that frame
    # i - lag is index max_lag + i - lag.
    padded = np.concatenate([np.full(max_lag, -np.inf), cumulative])
    block = int(nearest.min())
    for start in range(0, n, block):
        rows = np.arange(start, min(start + block, n))
        candidates = padded[(max_lag + rows)[:, None] - lags] - penalty[period_index[rows]]
        best = np.argmax(candidates, axis=1)
        best_score = candidates[np.arange(len(rows)), best]
        found = np.isfinite(best_score)
        cumulative[rows] = local[rows] + np.where(found, best_score, 0.0)
        backlink[rows] = np.where(found, rows - lags[best], -1)
        padded[max_lag + rows] = cumulative[rows]

    started = local >= _FIRST_BEAT_SHARE * local.max()
    first = int(np.argmax(started)) if started.any() else n
    backlink[:first] = -1
    return backlink, cumulative


def _last_beat(cumulative: np.ndarray) -> int:
    """Index of the last beat: the last local maximum of `cumulative` that reaches
    `_LAST_BEAT_SHARE` of the median local maximum; the last frame when there is none."""
    peak = np.zeros(len(cumulative), dtype=bool)
    peak[1:-1] = (cumulative[1:-1] > cumulative[:-2]) & (cumulative[1:-1] >= cumulative[2:])
    if len(cumulative) > 1:
        peak[-1] = cumulative[-1] > cumulative[-2]
    if not peak.any():
        return len(cumulative) - 1
    threshold = _LAST_BEAT_SHARE * np.median(cumulative[peak])
    good = np.flatnonzero(peak & (cumulative >= threshold))
    return int(good[-1]) if len(good) else len(cumulative) - 1
