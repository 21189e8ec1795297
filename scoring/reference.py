"""The reference a learner is scored against: a routine (3D) or another recording (2D)."""

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from scoring import params
from scoring.formats import PoseInputError, parse_attempt
from scoring.normalise import LearnerNormaliser
from scoring.one_euro import OneEuroFilter
from scoring.skeleton import JOINT_INDEX, JOINTS, torso_length
from scoring.upper_body import hung_from_neck
from scoring.view import view_features


@dataclass(frozen=True)
class Reference:
    """Reference poses on the scoring grid.

    joints: ``(T, 15, 3)`` (routine, y up) or ``(T, 15, 2)`` (recording, image plane) float32,
        root-centred, in torso units; row ``k`` is grid frame ``start + k``, i.e. song time
        ``(start + k) / GRID_FPS`` seconds.
    beats: ``(B,)`` beat times in seconds on the song clock.
    """

    joints: np.ndarray
    beats: np.ndarray
    start: int = 0

    @cached_property
    def from_neck(self) -> "Reference":
        """This reference measured from the neck (`scoring.upper_body.hung_from_neck`), for a
        learner seen from the waist up: made once, shared by every such learner."""
        return Reference(_read_only(hung_from_neck(self.joints)), self.beats, self.start)

    @property
    def is_3d(self) -> bool:
        return self.joints.shape[-1] == 3

    @cached_property
    def planes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Contiguous ``(T, 15)`` float32 x, y and z (zeros for a 2D reference) of `joints`:
        computed once, shared by every learner scored against this reference."""
        x, y = (np.ascontiguousarray(self.joints[..., c]) for c in (0, 1))
        z = np.ascontiguousarray(self.joints[..., 2]) if self.is_3d else np.zeros_like(x)
        return _read_only(x), _read_only(y), _read_only(z)

    @cached_property
    def view_features(self) -> np.ndarray:
        """`scoring.view.view_features` of `joints`, ``(T, 15, 8)`` float64: computed
        once, shared by every learner scored against this reference (read-only)."""
        return _read_only(view_features(self.joints))

    @property
    def end(self) -> int:
        """One past the last grid frame."""
        return self.start + len(self.joints)

    def beat_spans(self) -> list[tuple[int, int, int]]:
        """``(beat index, first grid frame, end grid frame)`` of every beat inside the reference.

        A beat lasts until the next beat; the last one as long as the median beat interval."""
        frames = np.round(self.beats * params.GRID_FPS).astype(np.int64)
        last_len = int(np.median(np.diff(frames))) if len(frames) > 1 else int(params.GRID_FPS / 2)
        ends = np.append(frames[1:], frames[-1] + max(last_len, 1))
        spans = []
        for index, (first, end) in enumerate(zip(frames, ends, strict=True)):
            first, end = max(int(first), self.start), min(int(end), self.end)
            if end - first >= 1:
                spans.append((index, first, end))
        return spans

    @classmethod
    def from_routine(cls, routine: dict) -> "Reference":
        """From a routine dict ``{"fps", "joints", "frames" (T, J, 3) metres y up, "beats" s}``."""
        if not isinstance(routine, dict):
            raise PoseInputError("a routine must be a JSON object")
        missing = [k for k in ("fps", "joints", "frames", "beats") if k not in routine]
        if missing:
            raise PoseInputError(f"routine is missing {', '.join(missing)}")
        try:
            fps = float(routine["fps"])
        except (TypeError, ValueError):
            raise PoseInputError("routine fps must be a number") from None
        if not (math.isfinite(fps) and 1.0 <= fps <= 1000.0):
            raise PoseInputError(f"routine fps must be between 1 and 1000, got {fps}")
        names = list(routine["joints"]) if isinstance(routine["joints"], list | tuple) else None
        if names is None or sorted(names) != sorted(JOINTS):
            raise PoseInputError(f"routine joints must be the canonical joints {list(JOINTS)}")
        try:
            frames = np.asarray(routine["frames"], dtype=np.float64)
        except (TypeError, ValueError):
            raise PoseInputError("routine frames must be an array of numbers") from None
        if frames.ndim != 3 or frames.shape[1:] != (len(JOINTS), 3) or len(frames) < 2:
            raise PoseInputError(
                f"routine frames must have shape (T>=2, {len(JOINTS)}, 3), got {frames.shape}"
            )
        if not np.all(np.isfinite(frames)):
            raise PoseInputError("routine frames contain NaN or inf")
        frames = frames[:, [names.index(j) for j in JOINTS]]
        beats = _beats(routine["beats"])
        duration = (len(frames) - 1) / fps
        grid_t = np.arange(math.floor(duration * params.GRID_FPS + 1e-6) + 1) / params.GRID_FPS
        src_t = np.arange(len(frames)) / fps
        flat = frames.reshape(len(frames), -1)
        resampled = np.stack(
            [np.interp(grid_t, src_t, flat[:, c]) for c in range(flat.shape[1])], 1
        )
        resampled = resampled.reshape(len(grid_t), len(JOINTS), 3)
        torso = float(np.median(torso_length(resampled)))
        if torso <= 0:
            raise PoseInputError("routine has no torso (pelvis and neck coincide)")
        # The learner's track goes through a causal One Euro filter, which lags a little; the
        # same filter on the reference keeps that lag out of the timing offsets.
        filtered = OneEuroFilter()(resampled / torso, np.ones(resampled.shape[:2], dtype=bool))
        centred = filtered - filtered[:, JOINT_INDEX["pelvis"] : JOINT_INDEX["pelvis"] + 1]
        return cls(centred.astype(np.float32), beats)

    @classmethod
    def from_attempt(cls, attempt: dict) -> "Reference":
        """From a recording in any ATTEMPT.json format plus ``"beats"`` in seconds."""
        if not isinstance(attempt, dict) or "beats" not in attempt:
            raise PoseInputError('a recorded reference needs "beats" (seconds)')
        beats = _beats(attempt["beats"])
        normaliser = LearnerNormaliser()
        joints, _ = normaliser.push(parse_attempt(attempt))
        if normaliser.scale <= 0:
            raise PoseInputError("the reference recording never shows a torso")
        return cls(joints, beats, start=normaliser.first_grid)


def _read_only(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


def _beats(value) -> np.ndarray:
    try:
        beats = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise PoseInputError("beats must be a list of seconds") from None
    if beats.ndim != 1 or len(beats) == 0 or not np.all(np.isfinite(beats)):
        raise PoseInputError("beats must be a non-empty list of finite seconds")
    if np.any(np.diff(beats) <= 0):
        raise PoseInputError("beats must strictly increase")
    return beats
