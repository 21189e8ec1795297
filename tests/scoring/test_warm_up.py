"""The warm-up compiles every kernel that live and offline scoring of real attempts use, so a
server's first learner never waits for numba."""

import numpy as np
from numba.core.registry import CPUDispatcher

from scoring import (
    StreamingScorer,
    align,
    beats,
    body_scale,
    formats,
    one_euro,
    resample,
    score_attempt,
    stream,
    sums,
    view,
)
from scoring.warm_up import warm_up


def _compiled() -> dict[str, set[str]]:
    """The compiled signatures of every kernel called from Python (kernels that only other
    kernels call are compiled into them)."""
    return {
        f"{module.__name__}.{name}": {str(signature) for signature in kernel.signatures}
        for module in (align, beats, body_scale, formats, one_euro, resample, stream, sums, view)
        for name, kernel in vars(module).items()
        if isinstance(kernel, CPUDispatcher) and kernel.signatures
    }


def test_after_the_warm_up_real_attempts_compile_nothing(reference, attempt):
    assert warm_up() > 0
    before = _compiled()
    assert len(before) >= 15
    times = np.array(attempt["timestamps_ms"])
    for frames, mirror in ((np.array(attempt["frames"], np.float32), "auto"),
                           (np.array(attempt["frames"]), "on")):  # fmt: skip
        scorer = StreamingScorer(reference, mirror)
        for i in range(0, len(times), 3):
            scorer.push(times[i : i + 3], frames[i : i + 3], "coco17")
        assert scorer.finish()["beats"]
        score_attempt(attempt, reference, mirror)
    assert _compiled() == before
