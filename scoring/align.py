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
    ``[first learner frame, reference_end)`` like the offline crop. Each step is a fixed number
    of whole-row numpy operations (no Python loop over cells), so its cost is nearly constant.
    """

    def __init__(self, band: int, first_frame: int, reference_end: int, penalty: float = 0.0):
        self.band = band
        self.penalty = penalty
        self.first = first_frame
        self.reference_end = reference_end
        self.lags = np.arange(-band, band + 1)
        self.rows = 0
        width = 2 * band + 1
        # Last row's costs plus an infinite cell past the band: cell m + 1 of the previous row
        # is the same reference frame as cell m of the next one.
        self._cost = np.full(width + 1, np.inf)
        self._steps = penalty * np.arange(width)
        self._penalties = np.full(width, float(penalty))
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
        n, width = costs.shape
        if self.rows + n > len(self._learner_step):
            grown = max(2 * len(self._learner_step), self.rows + n)
            self._learner_step = _grown(self._learner_step, grown)
            self._reference_step = _grown(self._reference_step, grown)
        # Row 0 of ``total`` is the last row so far, row k + 1 the k-th new one, each with the
        # infinite cell past the band.
        total = np.empty((n + 1, width + 1))
        total[0] = self._cost
        total[1:, width] = np.inf
        # New rows k0 <= k < k1 have a whole band; the reference starts inside the bands of
        # the attempt's first rows and ends inside those of its last ones.
        first_frame = self.first + self.rows
        k0 = min(max(self.first + self.band - first_frame, 0), n)
        k1 = max(min(self.reference_end - self.band - first_frame, n), k0)
        for k in range(k0):
            self._edge_row(self.rows + k, costs[k], total[k], total[k + 1])
        if k1 > k0:
            self._whole_rows(self.rows + k0, costs[k0:k1], total[k0 : k1 + 1])
        for k in range(k1, n):
            self._edge_row(self.rows + k, costs[k], total[k], total[k + 1])
        self._cost = total[n]
        self.rows += n

    def _whole_rows(self, row: int, costs: np.ndarray, total: np.ndarray) -> None:
        """Rows ``row, row + 1, ...`` with whole bands: ``costs`` ``(r, W)``; ``total``
        ``(r + 1, W + 1)`` holds the row before them and receives theirs. The prefix sums and
        back-pointers of all of them take one operation each; in between, each row takes six
        whole-row operations."""
        rows, width = costs.shape
        # Reference steps run along the row: D[m] = c[m] + min(A[m], D[m-1] + p), which
        # unrolls to a running minimum over prefix sums.
        prefix = np.add.accumulate(costs, axis=1)
        before = prefix - costs  # the prefix sums up to the previous cell
        after = prefix + self._steps
        entry = np.empty((rows, width))
        best = np.empty((rows, width))
        above = np.empty(width)
        penalties, steps = self._penalties, self._steps
        for diagonal, next_cell, row_before, row_after, row_entry, row_best, out in zip(
            total[:-1, :width],
            total[:-1, 1:],
            before,
            after,
            entry,
            best,
            total[1:, :width],
            strict=True,
        ):
            # From the row above: diagonal (same cell) or a penalised learner step (next cell).
            np.add(next_cell, penalties, out=above)
            np.minimum(diagonal, above, out=above)
            np.subtract(above, row_before, out=above)
            np.subtract(above, steps, out=row_entry)
            np.minimum.accumulate(row_entry, out=row_best)
            np.add(row_after, row_best, out=out)
        pointers = slice(row, row + rows)
        self._learner_step[pointers] = total[:-1, 1:] + penalties < total[:-1, :width]
        self._reference_step[pointers, 1:] = entry[:, 1:] > best[:, :-1]

    def _edge_row(self, row: int, costs: np.ndarray, previous: np.ndarray, total: np.ndarray):
        """One row whose band the reference's start or end cuts: ``costs`` ``(W,)`` in band
        order, ``previous`` the row before, ``total`` ``(W + 1,)`` receives this one."""
        band, penalty = self.band, self.penalty
        frame = self.first + row
        ref_lo, ref_hi = self.reference_frames(frame)
        m_lo, m_hi = ref_lo - frame + band, ref_hi - frame + band
        total[:-1] = np.inf
        if m_hi <= m_lo:
            return
        diagonal = previous[m_lo:m_hi]
        vertical = previous[m_lo + 1 : m_hi + 1] + penalty
        above = np.minimum(diagonal, vertical)
        np.less(vertical, diagonal, out=self._learner_step[row, m_lo:m_hi])
        if row == 0:
            above[band - m_lo] = 0.0  # the fixed start: lag 0 on the first frame
        c = costs[m_lo:m_hi]
        prefix = np.add.accumulate(c)
        steps = self._steps[: m_hi - m_lo]
        entry = above - (prefix - c) - steps
        best = np.minimum.accumulate(entry)
        np.add(prefix + steps, best, out=total[m_lo:m_hi])
        np.greater(entry[1:], best[:-1], out=self._reference_step[row, m_lo + 1 : m_hi])

    def best_lag(
        self, max_reference: int | None = None, near: int = 0, per_frame: float = 0.0
    ) -> int:
        """Lag of the cheapest cell of the last row (reference frame below ``max_reference``),
        each cell's cost raised by ``per_frame`` per frame its lag is from ``near``; among equal
        costs, the smallest lag."""
        cost = self._cost[-2::-1]  # in increasing lag
        if max_reference is not None:
            cost = np.where(self.last_frame - self.lags < max_reference, cost, np.inf)
        if per_frame:
            cost = cost + per_frame * np.abs(self.lags - near)
        return int(self.lags[int(np.argmin(cost))])

    def backtrack(self, lag: int, stop_reference: int) -> np.ndarray:
        """Path ``(P, 2)`` of (learner frame, reference frame), in time order, from the last row's
        cell at ``lag`` back to the first cell whose reference frame is below ``stop_reference``."""
        row, m = self.rows - 1, self.band - lag
        learner_step, reference_step = self._learner_step, self._reference_step
        path = []
        while True:
            frame = self.first + row
            reference = frame - self.band + m
            path.append((frame, reference))
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
        return np.asarray(path[::-1], dtype=np.int64)


def _grown(pointers: np.ndarray, rows: int) -> np.ndarray:
    """``pointers`` ``(r, W)`` followed by zero rows up to ``rows``."""
    out = np.zeros((rows, pointers.shape[1]), dtype=pointers.dtype)
    out[: len(pointers)] = pointers
    return out
