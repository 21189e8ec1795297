"""Attempt summaries: averages over the beats seen, weakest beats and parts, consistency, and
whether the camera saw enough to give a verdict at all."""

import numpy as np

from scoring import params
from scoring.skeleton import BODY_PARTS

_SCORES = ("timing", "accuracy", "smoothness", "overall")
_LEGS = {"left_leg", "right_leg"}


def summarise(
    beats: list[dict], tracking_fps: float | None = None, recording_turn_deg: float | None = None
) -> dict:
    """Summary of an attempt's beat results (dicts as `score_attempt` returns them).

    Averages, labels' weakest beats and parts count only the beats the camera saw, and each
    part only where it was seen. ``reliable`` is false, with ``unreliable_reason`` a sentence
    for the learner, when tracking ran slower than `params.MIN_TRACKING_FPS` or fewer than
    `params.MIN_SEEN_BEATS` of the beats were seen, or (against a recorded 2D reference,
    ``recording_turn_deg``) the learner was filmed from more than
    `params.MAX_RECORDING_TURN_DEG` away from the recording's side: then the numbers are not
    a verdict.
    ``parts_seen``: the parts seen in at least half the seen beats; ``scope``: ``full body``,
    ``upper body`` (legs never seen) or ``partial``. ``consistency`` is ``100 -
    CONSISTENCY_SCALE * std(overall)`` over the seen beats, clipped to 0-100, and None when
    there is nothing to be consistent about (fewer than 2 beats seen, or a mean below OK).
    """
    labels = {name: 0 for name, _ in params.LABELS}
    labels[params.NOT_SEEN_LABEL] = 0
    for beat in beats:
        labels[beat["label"]] += 1
    seen = [b for b in beats if b["overall"] is not None]
    reliable, reason = _reliability(len(beats), len(seen), tracking_fps, recording_turn_deg)
    common = {
        "beats": len(beats),
        "beats_seen": len(seen),
        "labels": labels,
        "tracking_fps": None if tracking_fps is None else round(float(tracking_fps), 1),
        "reliable": reliable,
        "unreliable_reason": reason,
    }
    if not seen:
        return {
            **common,
            **dict.fromkeys(_SCORES),
            "timing_offset_ms": None,
            "parts": {},
            "parts_seen": [],
            "scope": None,
            "weakest_beats": [],
            "weakest_parts": [],
            "consistency": None,
        }
    means = {k: round(float(np.mean([b[k] for b in seen])), 1) for k in _SCORES}
    parts = {}
    for part in seen[0]["parts"]:
        values = [b["parts"][part] for b in seen if b["parts"][part] is not None]
        if 2 * len(values) >= len(seen):
            parts[part] = round(float(np.mean(values)), 1)
    overall = np.array([b["overall"] for b in seen])
    weakest = np.argsort(overall, kind="stable")[: params.WEAKEST_BEATS]
    consistency = None
    if len(seen) >= 2 and means["overall"] >= params.LABELS[3][1]:
        spread = float(np.std(overall))
        consistency = round(min(max(100.0 - params.CONSISTENCY_SCALE * spread, 0.0), 100.0), 1)
    # Only parts that fall short are named as the weakest.
    weak_parts = [p for p in sorted(parts, key=parts.get) if parts[p] < params.FIX_ABOVE]
    return {
        **common,
        **means,
        "timing_offset_ms": round(float(np.median([b["timing_offset_ms"] for b in seen])), 1),
        "parts": parts,
        "parts_seen": list(parts),
        "scope": _scope(set(parts)),
        "weakest_beats": [
            int(seen[i]["index"]) for i in weakest if seen[i]["overall"] < params.FIX_ABOVE
        ],
        "weakest_parts": weak_parts[: params.WEAKEST_PARTS],
        "consistency": consistency,
    }


def _reliability(
    beats: int, seen: int, tracking_fps: float | None, recording_turn_deg: float | None = None
) -> tuple[bool, str | None]:
    if tracking_fps is not None and tracking_fps < params.MIN_TRACKING_FPS:
        return False, (
            f"tracking ran at {tracking_fps:.1f} fps (it needs {params.MIN_TRACKING_FPS:g}): "
            "close other tabs or use more light"
        )
    if beats == 0:
        return False, "no beat of the routine was danced"
    if seen < params.MIN_SEEN_BEATS * beats:
        return False, (
            f"the camera saw you on {seen} of {beats} beats: stay in the picture, "
            "the whole body if you can"
        )
    if recording_turn_deg is not None and recording_turn_deg > params.MAX_RECORDING_TURN_DEG:
        return False, (
            f"you were filmed about {recording_turn_deg:.0f}° from the side the reference was "
            "recorded from: film yourself from the same side"
        )
    return True, None


def _scope(parts_seen: set[str]) -> str:
    if parts_seen >= set(BODY_PARTS):
        return "full body"
    # Seen from the waist up: without the hips the torso may not be measurable either.
    if not parts_seen & _LEGS and parts_seen >= set(BODY_PARTS) - _LEGS - {"torso"}:
        return "upper body"
    return "partial"


def tracking_rate(frames: int, first_s: float, last_s: float) -> float | None:
    """Frames per second of a learner's input: ``frames`` received from ``first_s`` to
    ``last_s`` (None for fewer than 2 frames)."""
    if frames < 2 or last_s <= first_s:
        return None
    return (frames - 1) / (last_s - first_s)


def consistency_over_attempts(attempts: list[dict]) -> float | None:
    """How alike repeated attempts of one routine are, 0-100: ``100 - CONSISTENCY_SCALE *``
    the mean over beats of the standard deviation of a beat's overall score across attempts
    (results of `score_attempt`; beats matched by index, beats not seen left out). None with
    fewer than two attempts."""
    if len(attempts) < 2:
        return None
    by_index: dict[int, list[float]] = {}
    for attempt in attempts:
        for beat in attempt["beats"]:
            if beat["overall"] is not None:
                by_index.setdefault(beat["index"], []).append(beat["overall"])
    spreads = [np.std(v) for v in by_index.values() if len(v) >= 2]
    if not spreads:
        return None
    return round(
        min(max(100.0 - params.CONSISTENCY_SCALE * float(np.mean(spreads)), 0.0), 100.0), 1
    )
