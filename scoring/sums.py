"""Sums in compiled (numba) kernels that add in numpy's order, so they give numpy's values to
the bit.

numpy sums a contiguous run (``np.add.reduce`` along the last axis, or over a whole contiguous
array) pairwise: blocks of up to 128 values with eight interleaved accumulators, halved
recursively above that, in buffers of 8192 values. Along any other axis it adds one row after
another, starting from 0, which a plain loop does. ``tests/scoring/test_kernels.py`` checks
`pairwise_sum` against numpy.
"""

import numpy as np
from numba import njit


@njit(cache=True)
def pairwise_sum(values, lo, n, zero):
    """``np.add.reduce(values[lo : lo + n])`` of a 1-D float array, accumulated in the type of
    ``zero`` (``0.0``, or ``np.float32(0.0)`` for float32 values, which numpy adds in float32)."""
    # numpy's reduction starts from 0, so -0.0 values sum to 0.0. Short sums stay small enough
    # for the compiler to inline them into the calling kernel.
    if n <= _BLOCK:
        return zero + _block_sum(values, lo, n, zero)
    return _long_sum(values, lo, n, zero)


@njit(cache=True)
def _long_sum(values, lo, n, zero):
    """numpy gets a long array in buffers of 8192 values and adds their sums in turn."""
    total = zero
    for start in range(lo, lo + n, _BUFFER):
        total += _halved_sum(values, start, min(_BUFFER, lo + n - start), zero)
    return total


@njit(cache=True)
def _halved_sum(values, lo, n, zero):
    """numpy's pairwise sum of one buffer."""
    if n <= _BLOCK:
        return _block_sum(values, lo, n, zero)
    # numpy recurses on halves; numba's cache cannot hold a recursive function, so the halves
    # are walked with a stack: a part is split, or (``combine``) its halves' sums are added.
    starts = np.empty(_MAX_PARTS, dtype=np.int64)
    sizes = np.empty(_MAX_PARTS, dtype=np.int64)
    combine = np.empty(_MAX_PARTS, dtype=np.bool_)
    sums = np.empty(_MAX_PARTS, dtype=values.dtype)
    starts[0], sizes[0], combine[0] = lo, n, False
    parts, done = 1, 0
    while parts:
        parts -= 1
        start, size = starts[parts], sizes[parts]
        if combine[parts]:
            done -= 1
            sums[done - 1] = sums[done - 1] + sums[done]
        elif size <= _BLOCK:
            sums[done] = _block_sum(values, start, size, zero)
            done += 1
        else:
            half = size // 2
            half -= half % 8
            combine[parts] = True
            starts[parts + 1 : parts + 3] = start + half, start
            sizes[parts + 1 : parts + 3] = size - half, half
            combine[parts + 1 : parts + 3] = False
            parts += 3
    return sums[0]


_BLOCK = 128
_BUFFER = 8192
_MAX_PARTS = 192  # three per level of halving: far more than any array here needs


@njit(cache=True)
def _block_sum(values, lo, n, zero):
    """numpy's sum of at most 128 values: eight interleaved accumulators, then the rest."""
    if n < 8:
        total = zero
        for i in range(lo, lo + n):
            total += values[i]
        return total
    r0, r1, r2, r3 = values[lo], values[lo + 1], values[lo + 2], values[lo + 3]
    r4, r5, r6, r7 = values[lo + 4], values[lo + 5], values[lo + 6], values[lo + 7]
    i = lo + 8
    whole = lo + n - n % 8
    while i < whole:
        r0 += values[i]
        r1 += values[i + 1]
        r2 += values[i + 2]
        r3 += values[i + 3]
        r4 += values[i + 4]
        r5 += values[i + 5]
        r6 += values[i + 6]
        r7 += values[i + 7]
        i += 8
    total = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < lo + n:
        total += values[i]
        i += 1
    return total


@njit(cache=True)
def pairwise_sum_columns(values, zero, out):
    """``out[c] = pairwise_sum(values[:, c])`` for every column of ``values`` ``(n, C)``: numpy's
    sum of each column taken as a contiguous run, computed across the columns at once (so the
    compiler can vectorise it)."""
    n = values.shape[0]
    if n > _BLOCK:
        column = np.empty(n, dtype=values.dtype)
        for c in range(values.shape[1]):
            column[:] = values[:, c]
            out[c] = pairwise_sum(column, 0, n, zero)
        return
    if n < 8:
        out[:] = zero
        for i in range(n):
            out += values[i]
    else:
        partial = values[:8].copy()
        whole = n - n % 8
        for i in range(8, whole, 8):
            partial += values[i : i + 8]
        out[:] = ((partial[0] + partial[1]) + (partial[2] + partial[3])) + (
            (partial[4] + partial[5]) + (partial[6] + partial[7])
        )
        for i in range(whole, n):
            out += values[i]
    out[:] = zero + out
