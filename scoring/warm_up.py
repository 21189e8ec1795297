"""Compile (or load from numba's cache) the scoring engine's kernels before a learner needs them.

The kernels compile on first use: about half a minute for all of them on a fresh checkout,
after which numba keeps them in ``scoring/__pycache__/kernels-<digest of the engine's
sources>`` (under ``NUMBA_CACHE_DIR`` when it is set; `scoring.kernel_cache`) and a new process
loads them in well under a second; a changed engine compiles afresh. Both would stall the first live learner of a server
process, so a server calls `warm_up` when it starts, and a deploy step can fill the cache with
``python -m scoring.warm_up``.

The warm-up scores a short synthetic dance (no data files needed) live and offline in every
input format, with the array types the practice socket and the CLI pass.
"""

import math
import sys
import time

import numpy as np

from scoring.attempt import score_attempt
from scoring.reference import Reference
from scoring.skeleton import JOINT_INDEX, JOINTS
from scoring.stream import StreamingScorer

_SECONDS = 4.0
_FPS = 30.0


def _routine_frames() -> np.ndarray:
    """``(T, 15, 3)`` metres, y up: a dancer standing, swinging arms and bending knees."""
    t = np.arange(int(_SECONDS * _FPS))[:, None] / _FPS
    rest = {
        "pelvis": (0.0, 1.0, 0.0), "neck": (0.0, 1.5, 0.0), "head": (0.0, 1.7, 0.0),
        "left_shoulder": (0.2, 1.45, 0.0), "right_shoulder": (-0.2, 1.45, 0.0),
        "left_elbow": (0.45, 1.45, 0.0), "right_elbow": (-0.45, 1.45, 0.0),
        "left_wrist": (0.7, 1.45, 0.0), "right_wrist": (-0.7, 1.45, 0.0),
        "left_hip": (0.1, 1.0, 0.0), "right_hip": (-0.1, 1.0, 0.0),
        "left_knee": (0.1, 0.55, 0.05), "right_knee": (-0.1, 0.55, 0.05),
        "left_ankle": (0.1, 0.1, 0.0), "right_ankle": (-0.1, 0.1, 0.0),
    }  # fmt: skip
    frames = np.repeat(np.array([rest[name] for name in JOINTS])[None], len(t), axis=0)
    swing = np.sin(2.0 * math.pi * t)  # one swing a second
    for side in ("left", "right"):
        frames[:, JOINT_INDEX[f"{side}_wrist"], 1] += 0.4 * swing[:, 0]
        frames[:, JOINT_INDEX[f"{side}_elbow"], 1] += 0.2 * swing[:, 0]
        frames[:, JOINT_INDEX[f"{side}_knee"], 2] += 0.1 * swing[:, 0] ** 2
    return frames


def _attempts(frames: np.ndarray) -> list[tuple[str, np.ndarray, dict]]:
    """``(format, frames, extra push arguments)`` of the same dance in every input format."""
    rng = np.random.default_rng(0)
    n = len(frames)
    coco = np.concatenate(
        [rng.uniform(500.0, 700.0, (1, 17, 2)) + 40.0 * frames[:, :1, :2] * [[[1.0, -1.0]]],
         np.full((n, 17, 1), 0.9)], axis=-1,
    )  # fmt: skip
    mediapipe = np.concatenate(
        [rng.uniform(0.3, 0.7, (1, 33, 3)) + 0.05 * frames[:, :1, :3], np.full((n, 33, 1), 0.95)],
        axis=-1,
    )
    world = mediapipe[..., :3] - 0.5
    weights = np.full((n, len(JOINTS)), 0.8)
    return [
        ("coco17", coco.astype(np.float32), {}),
        ("coco17", coco, {}),
        ("mediapipe33", mediapipe.astype(np.float32), {"image_size": [1280, 720]}),
        ("mediapipe33", mediapipe, {"world_frames": world}),
        ("canonical", frames[..., :2].astype(np.float32), {"weights": weights}),
        ("canonical", frames, {}),
    ]


def warm_up() -> float:
    """Compile or load every kernel by scoring a synthetic dance; returns the seconds taken."""
    start = time.perf_counter()
    frames = _routine_frames()
    beats = list(np.arange(0.0, _SECONDS - 0.5, 0.5))
    routine = {"fps": _FPS, "joints": list(JOINTS), "frames": frames.tolist(), "beats": beats}
    reference = Reference.from_routine(routine)
    times_ms = np.arange(len(frames)) * 1000.0 / _FPS
    for fmt, values, extra in _attempts(frames):
        scorer = StreamingScorer(reference, "auto")
        for i in range(0, len(values), 3):
            batch = {k: v if k == "image_size" else v[i : i + 3] for k, v in extra.items()}
            scorer.push(times_ms[i : i + 3], values[i : i + 3], fmt, **batch)
        scorer.finish()
        attempt = {"format": fmt, "timestamps_ms": times_ms.tolist(), "frames": values.tolist()}
        attempt.update({k: np.asarray(v).tolist() for k, v in extra.items()})
        score_attempt(attempt, reference)
        score_attempt(attempt, reference, "on")  # a mirrored learner's arrays differ in layout
    recorded = {"format": "coco17", "timestamps_ms": times_ms.tolist(), "beats": beats}
    recording = Reference.from_attempt({**recorded, "frames": _attempts(frames)[1][1].tolist()})
    score_attempt({**recorded, "frames": _attempts(frames)[0][1].tolist()}, recording)
    return time.perf_counter() - start


if __name__ == "__main__":
    print(f"scoring kernels ready in {warm_up():.2f} s", file=sys.stderr)
