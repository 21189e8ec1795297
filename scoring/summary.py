"""Attempt summaries: averages, weakest beats and body parts, consistency."""

import numpy as np

from scoring import params

_SCORES = ("timing", "accuracy", "smoothness", "overall")


def summarise(beats: list[dict]) -> dict:
    """Summary of an attempt's beat results (dicts as `score_attempt` returns them).

    ``consistency`` is ``100 - CONSISTENCY_SCALE * std(overall)`` over the beats, clipped to
    0-100: a learner who dances every repeat of the routine's moves equally well scores 100.
    """
    labels = {name: 0 for name, _ in params.LABELS}
    if not beats:
        return {
            "beats": 0,
            **{k: None for k in _SCORES},
            "timing_offset_ms": None,
            "labels": labels,
            "parts": {},
            "weakest_beats": [],
            "weakest_parts": [],
            "consistency": None,
        }
    for beat in beats:
        labels[beat["label"]] += 1
    means = {k: round(float(np.mean([b[k] for b in beats])), 1) for k in _SCORES}
    parts = {
        part: round(float(np.mean([b["parts"][part] for b in beats])), 1)
        for part in beats[0]["parts"]
    }
    overall = np.array([b["overall"] for b in beats])
    weakest = np.argsort(overall, kind="stable")[: params.WEAKEST_BEATS]
    spread = float(np.std(overall))
    return {
        "beats": len(beats),
        **means,
        "timing_offset_ms": round(float(np.median([b["timing_offset_ms"] for b in beats])), 1),
        "labels": labels,
        "parts": parts,
        "weakest_beats": [int(beats[i]["index"]) for i in weakest],
        "weakest_parts": sorted(parts, key=parts.get)[: params.WEAKEST_PARTS],
        "consistency": round(min(max(100.0 - params.CONSISTENCY_SCALE * spread, 0.0), 100.0), 1),
    }


def consistency_over_attempts(attempts: list[dict]) -> float | None:
    """How alike repeated attempts of one routine are, 0-100: ``100 - CONSISTENCY_SCALE *``
    the mean over beats of the standard deviation of a beat's overall score across attempts
    (results of `score_attempt`; beats matched by index). None with fewer than two attempts."""
    if len(attempts) < 2:
        return None
    by_index: dict[int, list[float]] = {}
    for attempt in attempts:
        for beat in attempt["beats"]:
            by_index.setdefault(beat["index"], []).append(beat["overall"])
    spreads = [np.std(v) for v in by_index.values() if len(v) >= 2]
    if not spreads:
        return None
    return round(
        min(max(100.0 - params.CONSISTENCY_SCALE * float(np.mean(spreads)), 0.0), 100.0), 1
    )
