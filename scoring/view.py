"""The reference seen from the learner's camera: orthographic projection of its 3D joints, the
mirror image, and `ViewEstimator` (which camera yaw, and whether the learner mirrors)."""

import math

import numpy as np
from numba import njit

from scoring import params
from scoring.skeleton import MIRROR


def mirror_2d(joints: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mirror ``(T, J, 2)`` joints and ``(T, J)`` weights: negate x, exchange left and right."""
    out = joints[:, MIRROR].copy()
    out[..., 0] = -out[..., 0]
    return out, weights[:, MIRROR]


def project(reference: np.ndarray, yaw: float) -> np.ndarray:
    """Orthographic view ``(T, J, 2)`` of root-centred 3D joints ``(T, J, 3)`` (y up) from a
    camera turned ``yaw`` radians about the vertical axis; a 2D reference is returned as is."""
    if reference.shape[-1] == 2:
        return reference
    return _project_3d(reference, *view_turn(yaw))


def view_turn(yaw: float) -> tuple[np.float32, np.float32]:
    """The float32 cos and sin a view at ``yaw`` radians is projected with (numpy multiplied
    the float32 joints by the float32 nearest cos and sin)."""
    return np.float32(math.cos(yaw)), np.float32(math.sin(yaw))


@njit(cache=True)
def _project_3d(reference, cos, sin):
    """`project` of float32 joints ``(T, J, 3)``: ``u = x cos + z sin``, ``v = y`` in float32."""
    out = np.empty((*reference.shape[:-1], 2), dtype=np.float32)
    for t in range(reference.shape[0]):
        for j in range(reference.shape[1]):
            out[t, j, 0] = reference[t, j, 0] * cos + reference[t, j, 2] * sin
            out[t, j, 1] = reference[t, j, 1]
    return out


def view_features(reference: np.ndarray) -> np.ndarray:
    """What `ViewEstimator` needs of root-centred reference joints ``(T, J, 3 or 2)``:
    ``(T, J, 8)`` float64 x, z, y, x*x, z*z, x*z, y*y and 1 (z = 0 for a 2D reference)."""
    ref = reference.astype(np.float64)
    x, y = ref[..., 0], ref[..., 1]
    z = ref[..., 2] if ref.shape[-1] == 3 else np.zeros_like(x)
    return np.stack([x, z, y, x * x, z * z, x * z, y * y, np.ones_like(x)], axis=-1)


# Where each of ViewEstimator's sums lies in the (8, 10) matrix of `view_features` against
# the learner's features (w u, w v, w, w u^2, w v^2, then the same of the mirrored learner).
_SUM_ROWS = np.array([0, 1, 3, 4, 5, 7, 7, 6, 2])
_SUM_COLUMNS = np.array([0, 0, 2, 2, 2, 3, 4, 2, 1]) + np.array([[0], [5]])
# ... and the weight sum w (the constant feature against w), per hypothesis.
_WEIGHT_COLUMNS = np.array([2, 7])


@njit(cache=True)
def _view_columns(learner, weights, mirror):
    """The learner's side of `ViewEstimator`'s sums, ``(n * J, 10)`` float64 for joints
    ``(n, J, 2)`` and weights ``(n, J)``: w u, w v, w, w u^2, w v^2 per frame and joint, then the
    same of the mirrored learner (joints exchanged by ``mirror``, w u negated)."""
    n, joints = weights.shape
    out = np.empty((n * joints, 10))
    for i in range(n):
        for j in range(joints):
            row = i * joints + j
            u, v = np.float64(learner[i, j, 0]), np.float64(learner[i, j, 1])
            w = np.float64(weights[i, j])
            wu, wv = w * u, w * v
            out[row, 0], out[row, 1], out[row, 2] = wu, wv, w
            out[row, 3], out[row, 4] = wu * u, wv * v
        for j in range(joints):
            row, source = i * joints + j, i * joints + mirror[j]
            out[row, 5] = -out[source, 0]
            for c in range(1, 5):
                out[row, 5 + c] = out[source, c]
    return out


class ViewEstimator:
    """Least-squares camera yaw and mirror choice from time-matched frame pairs, robust to
    stretches where the learner dances something else.

    For each hypothesis (learner as is, learner mirrored) it accumulates weighted sums so that
    the yaw minimising ``sum w * |learner - project(reference, yaw)|^2`` and its residual come
    in closed form: ``u ~ a x + b z`` gives ``yaw = atan2(b, a)``. The sums are kept per block
    of `params.VIEW_BLOCK_FRAMES` frames (counted from the first frame added), so that `solve`
    can weigh the blocks down where the learner is far from the reference under the plain fit
    (a body part from another dance, a wrong move): each block gets the Cauchy weight
    ``1 / (1 + (r / (VIEW_OUTLIER_SCALE * median r))^2)`` of its mean residual ``r`` per
    joint, and the fit is solved again with those weights. Work per frame is O(J); `solve` is
    O(blocks).
    """

    # Order of the accumulated sums: xu, zu, xx, zz, xz, uu, vv, yy, vy, then the weight w.
    def __init__(self):
        self._blocks = np.zeros((16, 2, 10))
        self._frames = 0
        self._solved = np.zeros(10)  # the weighted sums `solve` chose, for `recording_turn_deg`

    @property
    def sums(self) -> np.ndarray:
        """``(2, 9)``: the unweighted sums over every frame added, per hypothesis."""
        return self._used_blocks().sum(axis=0)[:, :9]

    def _used_blocks(self) -> np.ndarray:
        return self._blocks[: -(-self._frames // params.VIEW_BLOCK_FRAMES)]

    def add(self, reference: np.ndarray, learner: np.ndarray, weights: np.ndarray) -> None:
        """Accumulate pairs: reference ``(n, J, 3 or 2)`` root-centred, learner ``(n, J, 2)``
        and weights ``(n, J)`` on the same grid frames."""
        self.add_features(view_features(reference), learner, weights)

    def add_features(self, features: np.ndarray, learner: np.ndarray, weights: np.ndarray):
        """`add` with the reference's `view_features` ``(n, J, 8)`` (a live scorer takes them
        from the `scoring.Reference`, computed once)."""
        n, joints = weights.shape
        if n == 0:
            return
        block = params.VIEW_BLOCK_FRAMES
        last = (self._frames + n - 1) // block
        if last >= len(self._blocks):
            grown = np.zeros((max(last + 1, 2 * len(self._blocks)), 2, 10))
            grown[: len(self._blocks)] = self._blocks
            self._blocks = grown
        columns = _view_columns(learner, weights, MIRROR)
        flat = features.reshape(-1, 8)
        lo = 0
        while lo < n:
            index = (self._frames + lo) // block
            hi = min(n, (index + 1) * block - self._frames)
            products = flat[lo * joints : hi * joints].T @ columns[lo * joints : hi * joints]
            self._blocks[index, :, :9] += products[_SUM_ROWS[None], _SUM_COLUMNS]
            self._blocks[index, :, 9] += products[7, _WEIGHT_COLUMNS]
            lo = hi
        self._frames += n

    def solve(self, mirror: str) -> tuple[float, bool]:
        """Best ``(yaw radians, mirrored)`` for mirror mode ``"auto" | "on" | "off"``."""
        blocks = self._used_blocks()
        self._solved = np.zeros(10)
        if not len(blocks):
            return 0.0, mirror == "on"
        totals = blocks.sum(axis=0)
        fits = [_fit(totals[h]) for h in range(2)]
        h = _choice(fits, mirror)
        yaw = fits[h][0]
        weighted = _trusted_sums(blocks, h, yaw, params.VIEW_OUTLIER_SCALE)
        fits = [_fit(weighted[h]) for h in range(2)]
        h = _choice(fits, mirror)
        self._solved = weighted[h]
        return fits[h][0], bool(h)

    def recording_turn_deg(self) -> float:
        """After `solve`, against a 2D reference (a recording: no depth, so no yaw to fit): about
        how many degrees the learner's camera is turned from the recording's. Turning the camera
        by ``t`` mixes depth into every joint's left-right position (``u = x cos t + z sin t``),
        so the learner's and the reference's left-right positions, as two vectors over all
        joints and frames, lie about ``t`` apart: ``acos(sum w u x / sqrt(sum w x^2 sum w u^2))``
        (on AIST++: 0-13 degrees from the recording's own side, 31-180 from 40-180 away)."""
        xu, xx, uu = self._solved[[0, 2, 5]].tolist()
        across = xu / math.sqrt(xx * uu) if xx > 0 and uu > 0 else 1.0
        return math.degrees(math.acos(min(max(across, -1.0), 1.0)))


def _choice(fits: list[tuple[float, float]], mirror: str) -> int:
    """1 (mirrored) or 0 from the two hypotheses' ``(yaw, residual)`` and the mirror mode."""
    if mirror == "on":
        return 1
    if mirror == "off":
        return 0
    return int(fits[1][1] < params.MIRROR_RESIDUAL_RATIO * fits[0][1])


@njit(cache=True)
def _residual(sums, c, s):
    """``sum w * |learner - project(reference, yaw)|^2`` from one hypothesis's sums (the first
    9 of them) at ``c = cos(yaw)``, ``s = sin(yaw)``."""
    xu, zu, xx, zz, xz, uu, vv, yy, vy = sums[0], sums[1], sums[2], sums[3], sums[4], sums[5], sums[6], sums[7], sums[8]  # fmt: skip
    return uu - 2 * (c * xu + s * zu) + c * c * xx + 2 * c * s * xz + s * s * zz + vv - 2 * vy + yy


@njit(cache=True)
def _trusted_sums(blocks, h, yaw, outlier_scale):
    """The block sums ``(blocks, 2, 10)`` added up ``(2, 10)`` with each block's Cauchy weight
    ``1 / (1 + (r / (outlier_scale * median r))^2)``, ``r`` its mean squared distance per
    joint under hypothesis ``h``'s plain fit at ``yaw`` (blocks with no weight: ``r = 0``)."""
    n = blocks.shape[0]
    c, s = math.cos(yaw), math.sin(yaw)
    residual = np.zeros(n)
    seen = np.zeros(n, dtype=np.bool_)
    for i in range(n):
        if blocks[i, h, 9] > 0:
            residual[i] = max(_residual(blocks[i, h], c, s), 0.0) / blocks[i, h, 9]
            seen[i] = True
    scale = outlier_scale * np.median(residual[seen]) if seen.any() else 0.0
    scale = max(scale, 1e-12)
    out = np.zeros((blocks.shape[1], blocks.shape[2]))
    for i in range(n):
        trust = 1.0 / (1.0 + (residual[i] / scale) ** 2)
        for a in range(blocks.shape[1]):
            for k in range(blocks.shape[2]):
                out[a, k] += trust * blocks[i, a, k]
    return out


def _fit(sums: np.ndarray) -> tuple[float, float]:
    """The least-squares ``(yaw, residual)`` of one hypothesis's sums ``(9 or 10,)``."""
    xu, zu, xx, zz, xz = sums[:5].tolist()  # Python floats: faster than numpy's scalars
    det = xx * zz - xz * xz
    if det > 1e-9:
        a, b = (zz * xu - xz * zu) / det, (xx * zu - xz * xu) / det
    else:
        a, b = xu, 0.0
    yaw = math.atan2(b, a) if (a or b) else 0.0
    return yaw, float(_residual(sums, math.cos(yaw), math.sin(yaw)))
