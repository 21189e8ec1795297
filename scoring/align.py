"""Dynamic time warping of learner frames against reference frames on the same song clock.

Both aligners use the same cost (squared Euclidean distance between feature rows), the same
band (``|learner frame - reference frame| <= band``), the same penalty on non-diagonal steps,
a fixed start (the first learner frame matches the reference frame at the same song time: a
free start lets a still opening swallow the first beats) and an open end (dtaidistance's psi
relaxation at the end, ``band`` frames). `align_offline` runs dtaidistance's C code over a whole
attempt; `StreamingAligner` adds one learner frame at a time in O(band) work.
"""

import numpy as np
from dtaidistance import dtw_ndim

_DIAGONAL, _LEARNER_STEP, _REFERENCE_STEP, _START = 0, 1, 2, 3


def align_offline(
    learner: np.ndarray, reference: np.ndarray, band: int, penalty: float = 0.0
) -> np.ndarray:
    """Warping path ``(P, 2)`` of (learner row, reference row) for features ``(n, D)`` and
    ``(n, D)`` covering the same grid frames. dtaidistance squares ``penalty`` and adds it to every
    non-diagonal step (`StreamingAligner` takes the squared value)."""
    path = dtw_ndim.warping_path(
        np.ascontiguousarray(learner, dtype=np.float64),
        np.ascontiguousarray(reference, dtype=np.float64),
        window=band + 1,
        psi=(0, band, 0, 0),
        penalty=penalty,
        use_c=True,
    )
    return np.asarray(path, dtype=np.int64).reshape(-1, 2)


class StreamingAligner:
    """Banded DTW, one learner frame per `step`, with back-pointers to recover the path.

    Grid frames are absolute indices. Cells are kept in lag coordinates,
    ``lag = learner frame - reference frame`` in ``[-band, band]``; reference frames are limited
    to ``[first learner frame, reference_end)`` like the offline crop.
    """

    def __init__(self, band: int, first_frame: int, reference_end: int, penalty: float = 0.0):
        self.band = band
        self.penalty = penalty
        self.first = first_frame
        self.reference_end = reference_end
        self.lags = np.arange(-band, band + 1)
        self.rows = 0
        self._cost = np.full(2 * band + 1, np.inf)
        self._pointers = np.zeros((256, 2 * band + 1), dtype=np.int8)

    @property
    def last_frame(self) -> int:
        """The learner grid frame of the last step."""
        return self.first + self.rows - 1

    def reference_frames(self, frame: int) -> tuple[int, int]:
        """Range ``[lo, hi)`` of reference frames inside the band for learner ``frame``."""
        return max(frame - self.band, self.first), min(frame + self.band + 1, self.reference_end)

    def step(self, cost: np.ndarray) -> None:
        """Add the next learner frame; ``cost`` ``(hi - lo,)`` holds its distance to each
        reference frame of `reference_frames` for that frame, in increasing reference order."""
        frame = self.first + self.rows
        lo, hi = self.reference_frames(frame)
        # Lag decreases as the reference frame increases; k indexes lags -band..band.
        k_hi, k_lo = frame - lo + self.band, frame - hi + 1 + self.band
        cells = np.full(2 * self.band + 1, np.inf)
        cells[k_lo : k_hi + 1] = np.asarray(cost, dtype=np.float64)[::-1]
        previous = self._cost
        vertical = np.concatenate([[np.inf], previous[:-1] + self.penalty])
        from_above = np.minimum(previous, vertical)
        codes = np.where(vertical < previous, _LEARNER_STEP, _DIAGONAL).astype(np.int8)
        start = (self.lags == 0) if self.rows == 0 else np.zeros_like(self.lags, bool)
        from_above = np.where(start, 0.0, from_above)
        codes = np.where(start, _START, codes)
        total = np.full_like(cells, np.inf)
        if k_hi >= k_lo:
            # Reference steps run from high lag to low lag: D[k] = c[k] + min(A[k], D[k+1] + p),
            # which unrolls to a running minimum over prefix sums of the reversed row.
            c = cells[k_lo : k_hi + 1][::-1]
            a = from_above[k_lo : k_hi + 1][::-1]
            prefix = np.cumsum(c)
            steps = self.penalty * np.arange(len(c))
            entry = a - (prefix - c) - steps
            best = np.minimum.accumulate(entry)
            total[k_lo : k_hi + 1] = (prefix + steps + best)[::-1]
            took_step = np.concatenate([[False], entry[1:] > best[:-1]])[::-1]
            codes[k_lo : k_hi + 1] = np.where(took_step, _REFERENCE_STEP, codes[k_lo : k_hi + 1])
        if self.rows == len(self._pointers):
            self._pointers = np.concatenate([self._pointers, np.zeros_like(self._pointers)])
        self._pointers[self.rows] = codes
        self._cost = total
        self.rows += 1

    def best_lag(self, max_reference: int | None = None) -> int:
        """Lag of the cheapest cell of the last row (reference frame below ``max_reference``)."""
        cost = self._cost
        if max_reference is not None:
            cost = np.where(self.last_frame - self.lags < max_reference, cost, np.inf)
        return int(self.lags[int(np.argmin(cost))])

    def backtrack(self, lag: int, stop_reference: int) -> np.ndarray:
        """Path ``(P, 2)`` of (learner frame, reference frame), in time order, from the last row's
        cell at ``lag`` back to the first cell whose reference frame is below ``stop_reference``."""
        row, k = self.rows - 1, lag + self.band
        path = []
        while True:
            frame = self.first + row
            reference = frame - (k - self.band)
            path.append((frame, reference))
            code = self._pointers[row, k]
            if code == _START or reference < stop_reference:
                break
            if code == _DIAGONAL:
                row -= 1
            elif code == _LEARNER_STEP:
                row, k = row - 1, k - 1
            else:
                k += 1
        return np.asarray(path[::-1], dtype=np.int64)
