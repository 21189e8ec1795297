"""Speed of the scoring engine on a 3-minute attempt at 30 fps (run on one core):

    taskset -c 0 .venv/bin/python bench/bench_scoring.py

Prints JSON: offline scoring time of the whole attempt, streaming cost per frame and per beat,
and how many live learners at 30 fps one core keeps up with. The attempt is real: AIST++
camera c01 detections of a 32 s street-jazz dance (and its 3D routine), repeated to 3 minutes.
"""

import json
import time

import numpy as np

from scoring import Reference, StreamingScorer, score_attempt
from scoring.validate import LONG, aist_attempt, aist_routine

MINUTES = 3.0
FPS = 30.0


def three_minute_pair() -> tuple[dict, dict]:
    """A 3-minute routine (60 fps 3D, tiled) and attempt (2D at 30 fps, tiled), as dicts with
    lists like parsed JSON."""
    routine, attempt = aist_routine(LONG), aist_attempt(LONG, 0)
    frames3d = np.array(routine["frames"])
    repeats = int(np.ceil(MINUTES * 60 * routine["fps"] / len(frames3d)))
    frames3d = np.tile(frames3d, (repeats, 1, 1))[: int(MINUTES * 60 * routine["fps"])]
    period = float(np.diff(routine["beats"]).mean())
    beats = np.arange(0.0, len(frames3d) / routine["fps"] - period, period)
    frames2d = np.array(attempt["frames"])[::2]  # 60 -> 30 fps
    n = int(MINUTES * 60 * FPS)
    frames2d = np.tile(frames2d, (n // len(frames2d) + 1, 1, 1))[:n]
    times_ms = np.arange(n) * 1000.0 / FPS
    long_routine = {**routine, "frames": frames3d.tolist(), "beats": beats.tolist()}
    long_attempt = {
        "format": "coco17",
        "timestamps_ms": times_ms.tolist(),
        "frames": frames2d.tolist(),
    }
    return long_routine, long_attempt


def bench_offline(reference, attempt, repeats=5) -> float:
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        score_attempt(attempt, reference)
        best = min(best, time.perf_counter() - start)
    return best * 1000.0


def bench_streaming(reference, attempt, batch: int) -> dict:
    """Push ``batch`` frames per call (1 = one socket message per camera frame)."""
    times = np.array(attempt["timestamps_ms"])
    frames = np.array(attempt["frames"])
    scorer = StreamingScorer(reference)
    quiet, emitting = [], []
    start_all = time.perf_counter()
    for i in range(0, len(times), batch):
        start = time.perf_counter()
        emitted = scorer.push(times[i : i + batch], frames[i : i + batch], "coco17")
        (emitting if emitted else quiet).append(time.perf_counter() - start)
    start = time.perf_counter()
    result = scorer.finish()
    finish_s = time.perf_counter() - start
    total_s = time.perf_counter() - start_all
    per_frame_us = 1e6 * total_s / len(times)
    return {
        "frames": len(times),
        "beats": len(result["beats"]),
        "push_us_per_frame_mean": round(per_frame_us, 1),
        "frames_per_push": batch,
        "push_us_median_without_beat": round(1e6 * float(np.median(quiet)), 1),
        "extra_us_per_push_with_a_beat": round(
            1e6 * (float(np.median(emitting)) - float(np.median(quiet))), 1
        ),
        "finish_ms": round(1000 * finish_s, 2),
        "learners_per_core_at_30fps": int(1e6 / (per_frame_us * FPS)),
    }


def main() -> None:
    routine, attempt = three_minute_pair()
    reference = Reference.from_routine(routine)
    figures = {
        "attempt_s": MINUTES * 60,
        "attempt_fps": FPS,
        "offline_score_attempt_ms_best_of_5": round(bench_offline(reference, attempt), 1),
        "streaming": [bench_streaming(reference, attempt, batch) for batch in (1, 3)],
    }
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
