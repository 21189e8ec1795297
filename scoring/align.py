"""Dynamic time warping of learner frames against reference frames on the same song clock.

`StreamingAligner` aligns every attempt, live and offline: it adds learner frames as they come
in, O(band) work each (numba), from their costs against the reference frames of their band
(`scoring.costs`), with a band (``|learner frame - reference frame| <= band``), a penalty on
non-diagonal steps, a fixed start (the first learner frame matches the reference frame at the
same song time: a free start lets a still opening swallow the first beats) and an open end
(the cheapest cell of the last row). `align_offline` runs dtaidistance's C code on squared
Euclidean costs between feature rows, with the same band, penalty, start and end (its psi
relaxation at the end, ``band`` frames): the reference the aligner's paths are checked against
(``tests/scoring/test_align.py``).
"""

import numpy as np
from dtaidistance import dtw_ndim
from numba import njit


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

    Grid frames are absolute indices. A row holds the band's ``2 * band + 1`` cells in reference
    order: cell ``m`` of learner frame ``f`` is reference frame ``f - band + m``, i.e.
    ``lag = learner frame - reference frame = band - m``. Reference frames are limited to
    ``[first learner frame, reference_end)`` like the offline crop. Rows are computed by a
    compiled kernel, O(band) per row.
    """

    def __init__(self, band: int, first_frame: int, reference_end: int, penalty: float = 0.0):
        self.band = band
        self.penalty = penalty
        self.first = first_frame
        self.reference_end = reference_end
        self.rows = 0
        width = 2 * band + 1
        # Last row's costs plus an infinite cell past the band: cell m + 1 of the previous row
        # is the same reference frame as cell m of the next one.
        self._cost = np.full(width + 1, np.inf)
        self._steps = penalty * np.arange(width)
        # Per row and cell: reached by a learner step (else diagonal), by a reference step.
        self._learner_step = np.zeros((256, width), dtype=bool)
        self._reference_step = np.zeros((256, width), dtype=bool)

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
        lo = self.reference_frames(self.first + self.rows)[0]
        self.step_many(np.asarray(cost, dtype=np.float64)[None], lo)

    def step_many(self, costs: np.ndarray, lo: int) -> None:
        """Add ``n`` learner frames at once; row ``k`` of ``costs`` ``(n, m)`` float64 holds the
        distance of the ``k``-th new frame to reference frames ``lo, lo + 1, ...`` and covers
        its `reference_frames`. The same as `step` row by row, with less overhead per row."""
        band = np.zeros((len(costs), 2 * self.band + 1))
        for k in range(len(costs)):
            frame = self.first + self.rows + k
            ref_lo, ref_hi = self.reference_frames(frame)
            m_lo = ref_lo - frame + self.band
            band[k, m_lo : m_lo + ref_hi - ref_lo] = costs[k, ref_lo - lo : ref_hi - lo]
        self.step_band(band)

    def step_band(self, costs: np.ndarray) -> None:
        """Add ``n`` learner frames at once from their costs in band order: ``costs`` ``(n, W)``
        float64, ``W = 2 * band + 1``, cell ``m`` of row ``k`` is the ``k``-th new frame's
        distance to reference frame ``frame - band + m``; cells outside `reference_frames`
        are not read but must be finite. Gives what `step` gives row by row."""
        n = len(costs)
        if self.rows + n > len(self._learner_step):
            grown = max(2 * len(self._learner_step), self.rows + n)
            self._learner_step = _grown(self._learner_step, grown)
            self._reference_step = _grown(self._reference_step, grown)
        self._cost = _dtw_rows(
            np.ascontiguousarray(costs, dtype=np.float64), self._cost, self.rows, self.first,
            self.reference_end, self.band, self.penalty, self._steps, self._learner_step,
            self._reference_step,
        )  # fmt: skip
        self.rows += n

    def best_lag(
        self, max_reference: int | None = None, near: int = 0, per_frame: float = 0.0
    ) -> int:
        """Lag of the cheapest cell of the last row (reference frame below ``max_reference``),
        each cell's cost raised by ``per_frame`` per frame its lag is from ``near``; among equal
        costs, the smallest lag."""
        limit = _NO_LIMIT if max_reference is None else max_reference
        return _best_lag(self._cost, self.band, self.last_frame, limit, near, float(per_frame))

    def backtrack(self, lag: int, stop_reference: int) -> np.ndarray:
        """Path ``(P, 2)`` of (learner frame, reference frame), in time order, from the last row's
        cell at ``lag`` back to the first cell whose reference frame is below ``stop_reference``."""
        return _backtrack(
            self._learner_step, self._reference_step, self.rows - 1, self.band - lag, self.first,
            self.band, stop_reference,
        )  # fmt: skip


# Compiled with numba: a row of the band is ~40 cells, so numpy's per-call overhead, not the
# arithmetic, was the cost of every row. Each kernel does the arithmetic of the numpy
# formulas it replaced in the same order, so every value is the same to the bit
# (``tests/scoring/test_fast_paths.py`` checks them against plain numpy rows).
_NO_LIMIT = np.iinfo(np.int64).max


@njit(cache=True)
def _dtw_rows(
    costs, previous, rows, first, reference_end, band, penalty, steps, learner_step, reference_step
):
    """DTW rows ``rows, rows + 1, ...`` (learner frames ``first + rows + k``) from ``costs``
    ``(n, W)`` in band order and ``previous`` ``(W + 1,)``, the last row so far with an
    infinite cell past the band (cell ``m + 1`` of a row is the reference frame of cell ``m``
    of the next). Writes the back-pointers ``(R, W)`` of the new rows and returns the last.

    A cell's cost is its own plus the cheapest of: the cell above (diagonal step), the one
    above and to the right plus ``penalty`` (learner step), the one to the left plus
    ``penalty`` (reference step). Along a row that is ``prefix[m] + min over j <= m of
    (above[j] - (prefix[j] - c[j]) - steps[j])`` with ``steps = penalty * (m - m_lo)``."""
    width = 2 * band + 1
    total = previous
    for k in range(costs.shape[0]):
        row = rows + k
        frame = first + row
        m_lo = max(frame - band, first) - frame + band
        m_hi = min(frame + band + 1, reference_end) - frame + band
        out = np.full(width + 1, np.inf)
        prefix = 0.0
        best = np.inf
        for m in range(m_lo, m_hi):
            diagonal, vertical = total[m], total[m + 1] + penalty
            learner_step[row, m] = vertical < diagonal
            above = min(diagonal, vertical)
            if row == 0 and m == band:
                above = 0.0  # the fixed start: lag 0 on the first frame
            c = costs[k, m]
            prefix = c if m == m_lo else prefix + c
            entry = above - (prefix - c) - steps[m - m_lo]
            if m > m_lo:
                reference_step[row, m] = entry > best
            best = min(best, entry)
            out[m] = prefix + steps[m - m_lo] + best
        total = out
    return total


@njit(cache=True)
def _best_lag(cost, band, last_frame, max_reference, near, per_frame):
    """`StreamingAligner.best_lag` of the last row ``cost`` ``(W + 1,)``."""
    best_lag, best = -band, np.inf
    for lag in range(-band, band + 1):
        value = cost[band - lag] if last_frame - lag < max_reference else np.inf
        if per_frame != 0.0:
            value = value + per_frame * abs(lag - near)
        if value < best:
            best_lag, best = lag, value
    return best_lag


@njit(cache=True)
def _backtrack(learner_step, reference_step, row, m, first, band, stop_reference):
    """`StreamingAligner.backtrack` from cell ``m`` of ``row``: ``(P, 2)`` int64 in time order."""
    path = np.empty((64, 2), dtype=np.int64)
    count = 0
    while True:
        if count == len(path):
            path = np.concatenate((path, np.empty_like(path)))
        frame = first + row
        reference = frame - band + m
        path[count, 0], path[count, 1] = frame, reference
        count += 1
        if reference < stop_reference:
            break
        if reference_step[row, m]:
            m -= 1
        elif row == 0:
            break  # the start cell
        elif learner_step[row, m]:
            row, m = row - 1, m + 1
        else:
            row -= 1
    return path[:count][::-1].copy()


def _grown(pointers: np.ndarray, rows: int) -> np.ndarray:
    """``pointers`` ``(r, W)`` followed by zero rows up to ``rows``."""
    out = np.zeros((rows, pointers.shape[1]), dtype=pointers.dtype)
    out[: len(pointers)] = pointers
    return out
