"""The dancer's 8-count: which count (1..8) is said on each beat of a routine.

One definition for every place that shows a count: the routine document (and through it the
routine, practice and class pages) and the MP4 export (`generation.video`). No Django.
"""

import numpy as np

COUNTS_PER_PHRASE = 8


def _nearest_beat(beats: np.ndarray, t: float, period: float) -> int | None:
    """The beat a phrase starting at `t` seconds opens: the nearest one within half a beat
    period (phrase starts sit on the frame grid, a few ms before or after their beat), else the
    first beat after `t`; None when no beat follows."""
    nearest = int(np.argmin(np.abs(beats - t)))
    if abs(beats[nearest] - t) <= period / 2:
        return nearest
    later = int(np.searchsorted(beats, t, side="left"))
    return later if later < len(beats) else None


def beat_counts(beats, downbeats=(), segments=()) -> np.ndarray:
    """The count said on each beat, (B,) int64 in 1..8.

    `beats` and `downbeats` in seconds on the song clock; `segments` the routine's phrases
    (``{"start_s", ...}``). Counting restarts at 1 on the beat that opens each phrase. Beats
    before the first phrase are counted back from it (a pickup "5, 6, 7, 8" before the "1").
    Without phrases the count starts on the first downbeat, else on the first beat.
    """
    beats = np.asarray(beats, dtype=np.float64)
    counts = np.zeros(len(beats), dtype=np.int64)
    if not len(beats):
        return counts
    gaps = np.diff(beats)
    period = float(np.median(gaps)) if len(gaps) else 0.5
    starts = sorted(float(s["start_s"]) for s in segments)
    anchors = [_nearest_beat(beats, t, period) for t in starts]
    anchors = sorted({a for a in anchors if a is not None})
    if not anchors:
        downbeats = np.asarray(downbeats, dtype=np.float64)
        first = _nearest_beat(beats, float(downbeats.min()), period) if len(downbeats) else 0
        anchors = [first or 0]
    index = np.arange(len(beats))
    # The phrase each beat belongs to: the last anchor at or before it (the first for a pickup).
    phrase = np.maximum(np.searchsorted(anchors, index, side="right") - 1, 0)
    counts[:] = (index - np.asarray(anchors)[phrase]) % COUNTS_PER_PHRASE + 1
    return counts
