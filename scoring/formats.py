"""Parse and check learner pose input into a `PoseStream` of canonical joints.

Accepted formats (``frames`` is ``(N, S, C)``):

- ``mediapipe33``: MediaPipe Pose landmarks, ``S = 33``, ``C = 4``: image-normalised x, y
  (0-1, y down), z (ignored: depth is unreliable) and visibility. ``image_size`` ``(w, h)`` in
  pixels restores the aspect ratio. ``world_frames`` ``(N, 33, 3)``, MediaPipe's world landmarks
  in metres (y down), replace x, y when given.
- ``coco17``: COCO-17 keypoints in pixels (y down) with confidence, ``S = 17``, ``C = 3``, as in
  AIST++ ``keypoints2d``.
- ``canonical``: canonical joints (`scoring.skeleton.JOINTS`), ``S = 15``, ``C = 2`` or ``3``,
  metres, y up. A 3D learner is seen from the front: its x, y are its image plane. Optional
  ``weights`` ``(N, 15)`` in [0, 1].

Every value must be finite: a missing joint is sent with visibility / confidence 0 (or weight
0), never as NaN.
"""

import itertools
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numba import njit

from scoring import params
from scoring.skeleton import JOINTS, to_canonical

FORMATS = ("mediapipe33", "coco17", "canonical")
_SOURCE_JOINTS = {"mediapipe33": 33, "coco17": 17, "canonical": len(JOINTS)}
_CHANNELS = {"mediapipe33": (4,), "coco17": (3,), "canonical": (2, 3)}


class PoseInputError(ValueError):
    """Pose input that cannot be scored; the message says what is wrong."""


@dataclass(frozen=True)
class PoseStream:
    """Learner (or recorded reference) poses as they arrived.

    times_s: ``(N,)`` float64 song-clock seconds, strictly increasing.
    joints: ``(N, 15, 2)`` float32 canonical joints in the image plane, +y up, any length unit.
    weights: ``(N, 15)`` float32 joint reliability in [0, 1].
    """

    times_s: np.ndarray
    joints: np.ndarray
    weights: np.ndarray


def _array(value, name: str, ndim: int, limit: float = params.MAX_COORD_ABS) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError, OverflowError) as exc:  # overflow: an integer beyond any float
        raise PoseInputError(f"{name} must be an array of numbers ({exc})") from None
    if arr.ndim != ndim:
        raise PoseInputError(f"{name} must have {ndim} dimensions, got shape {arr.shape}")
    if not _all_within(arr, limit):
        if not np.all(np.isfinite(arr)):
            bad = np.argwhere(~np.isfinite(arr))[0].tolist()
            raise PoseInputError(f"{name} has a non-finite value (NaN or inf) at index {bad}")
        raise PoseInputError(f"{name} has values beyond +-{limit:g}")
    return arr


@njit(cache=True)
def _all_within(values, limit):
    """Whether every value is within ``+-limit`` (so none is NaN or infinite), in one pass
    (numpy's reductions cost more than the few values of a live batch)."""
    for value in values.flat:
        if not abs(value) <= limit:
            return False
    return True


@njit(cache=True)
def _first_not_increasing(times):
    """The first index ``i`` with ``times[i] <= times[i - 1]``, 0 if they strictly increase."""
    for i in range(1, len(times)):
        if times[i] <= times[i - 1]:
            return i
    return 0


def _sources(fmt: str) -> tuple[np.ndarray, np.ndarray]:
    """Two source joints per canonical joint such that `to_canonical` of a source layout is
    their mean (the same joint twice where it takes one), found by mapping the identity once so
    that a batch maps with two gathers instead of a loop over joints."""
    source = _SOURCE_JOINTS[fmt]
    mapping = to_canonical(np.eye(source, dtype=np.float32)[None], fmt)[0]
    pairs = [np.flatnonzero(row) for row in mapping]
    if any(len(p) not in (1, 2) for p in pairs):
        raise ValueError(f"{fmt}: a canonical joint must come from one or two source joints")
    pairs = [p.repeat(2 // len(p)) for p in pairs]
    return np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])


_SOURCES = {fmt: _sources(fmt) for fmt in ("mediapipe33", "coco17")}
# Per format, x, y and visibility as ``(channel * factor - shift) / divisor``: x, -y, the ramp
# before clipping to [0, 1]. MediaPipe's image landmarks are scaled to pixels by the image size;
# its world landmarks (x, y, visibility) map like COCO's pixels.
_IMAGE_CHANNELS = {
    fmt: (np.array([0.0, 0.0, low]), np.array([1.0, -1.0, full - low]))
    for fmt, (low, full) in params.VISIBILITY_RAMP.items()
}
_MEDIAPIPE_CHANNELS = np.array([0, 1, 3])
_XY_VISIBILITY = np.array([0, 1, 2])
_AS_IS = np.ones(3)


class CheckedFrames(NamedTuple):
    """One batch of learner frames that passed `check_pose_frames`, not yet mapped to
    canonical joints (the live scorer maps the batches that wait for a beat all at once).

    times_s: ``(N,)`` float64 song-clock seconds, strictly increasing.
    values: ``(N, S, C)`` float64 source joints as `map_to_canonical` reads them for ``layout``.
    layout: how to map them: ``(fmt,)``, ``("mediapipe33", width, height)`` for image
        landmarks, ``("mediapipe33", "world")`` for world landmarks (x, y, visibility) or
        ``("canonical", C)``; batches with the same layout map together.
    weights: ``(N, 15)`` float64 weights in [0, 1] of canonical frames, else None.
    """

    times_s: np.ndarray
    values: np.ndarray
    layout: tuple
    weights: np.ndarray | None = None


def check_pose_frames(
    timestamps_ms,
    frames,
    fmt: str,
    *,
    image_size=None,
    world_frames=None,
    weights=None,
    after_s: float | None = None,
) -> CheckedFrames:
    """Check one batch of learner frames (the arguments of `parse_pose_frames`).

    ``after_s``: the time of the last frame already received; the batch must start after it.
    Raises `PoseInputError` with a clear message on any problem.
    """
    if fmt not in FORMATS:
        raise PoseInputError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    times_ms = _array(timestamps_ms, "timestamps_ms", 1, limit=params.MAX_ATTEMPT_S * 1000.0)
    data = _array(frames, "frames", 3)
    n, n_joints, channels = data.shape
    if len(times_ms) != n:
        raise PoseInputError(f"{len(times_ms)} timestamps for {n} frames")
    if n_joints != _SOURCE_JOINTS[fmt]:
        raise PoseInputError(f"{fmt} frames need {_SOURCE_JOINTS[fmt]} joints, got {n_joints}")
    allowed = _CHANNELS[fmt]
    if channels not in allowed:
        raise PoseInputError(
            f"{fmt} frames need {' or '.join(map(str, allowed))} channels, got {channels}"
        )
    times_s = times_ms / 1000.0
    if (i := _first_not_increasing(times_s)) > 0:
        raise PoseInputError(f"timestamps_ms must strictly increase (frame {i})")
    if n and after_s is not None and times_s[0] <= after_s:
        raise PoseInputError(
            f"timestamps_ms go backwards: {times_ms[0]:g} ms is not after the previous frame "
            f"({after_s * 1000:g} ms)"
        )

    if fmt == "canonical":
        if weights is None:
            w = np.ones((n, n_joints))
        else:
            w = _array(weights, "weights", 2)
            if w.shape != (n, n_joints):
                raise PoseInputError(f"weights must have shape {(n, n_joints)}, got {w.shape}")
            w = np.clip(w, 0.0, 1.0)
        return CheckedFrames(times_s, data, (fmt, channels), w)
    if fmt == "mediapipe33" and world_frames is not None:
        world = _array(world_frames, "world_frames", 3)
        if world.shape[:2] != (n, 33) or world.shape[2] < 3:
            raise PoseInputError(f"world_frames must have shape ({n}, 33, 3), got {world.shape}")
        values = np.concatenate([world[..., :2], data[..., 3:]], axis=-1)
        return CheckedFrames(times_s, values, (fmt, "world"))
    if fmt == "mediapipe33":
        size = params.DEFAULT_IMAGE_SIZE if image_size is None else image_size
        size = _array(size, "image_size", 1)
        if size.shape != (2,) or np.any(size <= 0):
            raise PoseInputError("image_size must be [width, height] in pixels")
        return CheckedFrames(times_s, data, (fmt, *size.tolist()))
    return CheckedFrames(times_s, data, (fmt,))


def map_to_canonical(batches: list[CheckedFrames]) -> PoseStream:
    """Canonical 2D joints and weights of checked batches, one after the other; consecutive
    batches with the same layout are mapped in one go (the values are the same either way)."""
    streams = []
    for layout, group in itertools.groupby(batches, key=lambda b: b.layout):
        group = list(group)
        values = group[0].values if len(group) == 1 else np.concatenate([b.values for b in group])
        if layout[0] == "canonical":
            weights = np.concatenate([b.weights for b in group])
            joints, weights = values[..., :2].astype(np.float32), weights.astype(np.float32)
        else:
            joints, weights = _map_image(values, layout)
        streams.append((joints, weights))
    times_s = (
        np.concatenate([b.times_s for b in batches]) if len(batches) > 1 else batches[0].times_s
    )
    if len(streams) == 1:
        return PoseStream(times_s, *streams[0])
    return PoseStream(
        times_s, np.concatenate([j for j, _ in streams]), np.concatenate([w for _, w in streams])
    )


def _map_image(values: np.ndarray, layout: tuple) -> tuple[np.ndarray, np.ndarray]:
    """Canonical joints ``(N, 15, 2)`` and weights ``(N, 15)`` float32 of MediaPipe or COCO
    source joints ``(N, S, C)``."""
    fmt = layout[0]
    if fmt == "mediapipe33" and layout[1:] != ("world",):
        channels, factors = _MEDIAPIPE_CHANNELS, np.array((*layout[1:], 1.0))
    else:
        channels, factors = _XY_VISIBILITY, _AS_IS
    return _map_rows(values, channels, factors, *_IMAGE_CHANNELS[fmt], *_SOURCES[fmt])


@njit(cache=True)
def _map_rows(values, channels, factors, shift, divisor, first, second):
    """Canonical joints ``(N, J, 2)`` and weights ``(N, J)`` float32 of source joints
    ``values`` ``(N, S, C)`` float64: x, y and visibility are ``channels``, each mapped as
    ``(value * factor - shift) / divisor`` (the visibility then clipped to [0, 1]), and a
    canonical joint is the mean of source joints ``first`` and ``second``, as `to_canonical`
    averages every channel (a derived joint's weight is its sources' mean). The arithmetic of
    the numpy code it replaced, in float64, rounded to float32 at the end."""
    n, sources = values.shape[0], values.shape[1]
    joints = np.empty((n, len(first), 2), dtype=np.float32)
    weights = np.empty((n, len(first)), dtype=np.float32)
    mapped = np.empty((sources, 3))
    for i in range(n):
        for s in range(sources):
            for c in range(3):
                mapped[s, c] = (values[i, s, channels[c]] * factors[c] - shift[c]) / divisor[c]
            mapped[s, 2] = min(max(mapped[s, 2], 0.0), 1.0)
        for j in range(len(first)):
            for c in range(2):
                joints[i, j, c] = (mapped[first[j], c] + mapped[second[j], c]) * 0.5
            weights[i, j] = (mapped[first[j], 2] + mapped[second[j], 2]) * 0.5
    return joints, weights


def parse_pose_frames(
    timestamps_ms,
    frames,
    fmt: str,
    *,
    image_size=None,
    world_frames=None,
    weights=None,
    after_s: float | None = None,
) -> PoseStream:
    """Check one batch of learner frames and map it to canonical 2D joints.

    ``after_s``: the time of the last frame already received; the batch must start after it.
    Raises `PoseInputError` with a clear message on any problem.
    """
    checked = check_pose_frames(
        timestamps_ms, frames, fmt, image_size=image_size, world_frames=world_frames,
        weights=weights, after_s=after_s,
    )  # fmt: skip
    return map_to_canonical([checked])


def parse_attempt(attempt) -> PoseStream:
    """Parse an ATTEMPT.json dict: ``{"format", "timestamps_ms", "frames", ...}``."""
    if not isinstance(attempt, dict):
        raise PoseInputError("an attempt must be a JSON object")
    missing = [k for k in ("format", "timestamps_ms", "frames") if k not in attempt]
    if missing:
        raise PoseInputError(f"attempt is missing {', '.join(missing)}")
    stream = parse_pose_frames(
        attempt["timestamps_ms"],
        attempt["frames"],
        attempt["format"],
        image_size=attempt.get("image_size"),
        world_frames=attempt.get("world_frames"),
        weights=attempt.get("weights"),
    )
    if len(stream.times_s) < 2:
        raise PoseInputError("an attempt needs at least 2 frames")
    return stream
