"""Speed of the scoring engine on a 3-minute attempt at 30 fps (run on one core):

    PYTHONPATH=. taskset -c 0 .venv/bin/python bench/bench_scoring.py

Prints JSON: the seconds `scoring.warm_up` took to compile the numba kernels (or load them from
numba's cache; kept out of every other figure); offline scoring time of the whole attempt;
streaming cost per frame with one and with three frames per push (the practice socket sends
about three: 100 ms at 30 fps), the same without the emitted beats, the cost of each emitted
beat, push latencies, scorer time per learner-second (30 frames and their beats), and how many
live learners at 30 fps one core keeps up with. Every figure is the median of ``REPEATS`` runs,
except the ``_quiet`` ones: from the sum over pushes of each push's fastest time in the runs
(every run does the same work), which other processes on a busy machine inflate much less. The
1-minute load average is given at the start and at the end. The attempt is real: AIST++ camera
c01 detections of a 32 s street-jazz dance (and its 3D routine), repeated to 3 minutes.
"""

import json
import os
import time

import numpy as np

from scoring import Reference, StreamingScorer, params, score_attempt
from scoring.validate import LONG, aist_attempt, aist_routine
from scoring.warm_up import warm_up

MINUTES = 3.0
FPS = 30.0
REPEATS = 5


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


def bench_offline(reference, attempt) -> float:
    """Milliseconds to score the whole attempt (JSON-like lists in, results out)."""
    start = time.perf_counter()
    score_attempt(attempt, reference)
    return 1000.0 * (time.perf_counter() - start)


def bench_streaming(reference, attempt, batch: int) -> tuple[dict, np.ndarray]:
    """Push ``batch`` frames per call (float32 arrays, as the socket passes them) and finish.
    Returns the figures and every push's seconds, in order.

    Beat emission (finding the path of a due beat and scoring it) is timed around
    ``StreamingScorer._emit_ready``; it is part of the per-frame figure too."""
    times = np.array(attempt["timestamps_ms"])
    frames = np.array(attempt["frames"], dtype=np.float32)
    scorer = StreamingScorer(reference)
    emit_s = 0.0
    emit_ready = scorer._emit_ready

    def timed_emit(frame):
        nonlocal emit_s
        start = time.perf_counter()
        beats = emit_ready(frame)
        emit_s += time.perf_counter() - start
        return beats

    scorer._emit_ready = timed_emit
    quiet, emitting, in_order = [], [], []
    start_all = time.perf_counter()
    for i in range(0, len(times), batch):
        start = time.perf_counter()
        emitted = scorer.push(times[i : i + batch], frames[i : i + batch], "coco17")
        in_order.append(time.perf_counter() - start)
        (emitting if emitted else quiet).append(in_order[-1])
    result = scorer.finish()
    total_s = time.perf_counter() - start_all
    pushes = np.array(quiet + emitting)
    figures = {
        "us_per_frame": 1e6 * total_s / len(times),
        "us_per_frame_without_beats": 1e6 * (total_s - emit_s) / len(times),
        "us_per_emitted_beat": 1e6 * emit_s / len(result["beats"]),
        "push_us_median": 1e6 * float(np.median(pushes)),
        "push_us_median_with_a_beat": 1e6 * float(np.median(emitting)),
        "push_us_p99": 1e6 * float(np.percentile(pushes, 99)),
        "push_us_max": 1e6 * float(pushes.max()),
        "beats": len(result["beats"]),
    }
    return figures, np.array(in_order)


def _median_of(runs: list[dict]) -> dict:
    """Per figure, the median over runs (counts stay integers)."""
    return {key: type(runs[0][key])(round(np.median([r[key] for r in runs]), 1)) for key in runs[0]}


def main() -> None:
    load_before = os.getloadavg()[0]
    warm_up_s = warm_up()
    routine, attempt = three_minute_pair()
    reference = Reference.from_routine(routine)
    streaming = {}
    for batch in (1, 3):
        runs = [bench_streaming(reference, attempt, batch) for _ in range(REPEATS)]
        figures = _median_of([run[0] for run in runs])
        figures["learners_per_core_at_30fps"] = int(1e6 / (figures["us_per_frame"] * FPS))
        fastest = np.min([run[1] for run in runs], axis=0)
        figures["us_per_frame_quiet"] = round(
            1e6 * float(fastest.sum()) / len(attempt["timestamps_ms"]), 1
        )
        figures["us_per_learner_second_quiet"] = round(figures["us_per_frame_quiet"] * FPS)
        figures["learners_per_core_at_30fps_quiet"] = int(
            1e6 / (figures["us_per_frame_quiet"] * FPS)
        )
        streaming[f"{batch}_frame_pushes"] = figures
    print(
        json.dumps(
            {
                "warm_up_s": round(warm_up_s, 2),
                "attempt_s": MINUTES * 60,
                "attempt_fps": FPS,
                "frames": len(attempt["timestamps_ms"]),
                "offline_ms": round(
                    float(np.median([bench_offline(reference, attempt) for _ in range(REPEATS)])),
                    1,
                ),
                "streaming": streaming,
                "emit_delay_s": params.EMIT_DELAY_S,
                "load_average_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
