"""Routines that grow with the learner: pure functions from a learner's recorded attempts to the
`Preferences` of their next routine, and a summary of which phrases they know.

A learner's history is a list of attempts, each a dict::

    {"segments": [{"start_s", "end_s", "phrase_id"}, ...],   # the routine's segments
     "beats": [{"time_s", "overall", "parts": {part: score or None}}, ...]}  # scorer results

(``segments`` as `PhraseChoreographer.generate` writes them, ``beats`` as `scoring` emits them:
scores 0-100, None for a beat or part not seen). A phrase is *known* when the learner's mean
overall over its beats, across attempts, is at least `KNOWN_SCORE`. The part to lean toward is
the one with the lowest mean part score (or the instructor's ``focus_part``).

    prefs = preferences_from_history(history, focus_part=None)
    frames, segments = choreographer.generate(music, n, style, level, seed, preferences=prefs)
    phrase_summary(segments)  # {"known": [...], "new": [...], "text": "3 phrases you know, 1 new"}
"""

from collections import defaultdict

import numpy as np

from generation.phrases.family import Preferences
from generation.phrases.memory import PART_NAMES

KNOWN_SCORE = 70.0
NEW_EVERY = 4


def phrase_scores(history: list[dict]) -> dict[str, float]:
    """Mean overall score per phrase id over the beats that fall in its segments (beats not
    seen, overall None, are left out)."""
    scores: dict[str, list[float]] = defaultdict(list)
    for attempt in history:
        segments = attempt.get("segments", [])
        for beat in attempt.get("beats", []):
            if beat.get("overall") is None:
                continue
            for segment in segments:
                if (
                    segment.get("phrase_id")
                    and segment["start_s"] <= beat["time_s"] < segment["end_s"]
                ):
                    scores[segment["phrase_id"]].append(float(beat["overall"]))
                    break
    return {phrase: float(np.mean(values)) for phrase, values in scores.items()}


def weakest_part(history: list[dict]) -> str | None:
    """The body part (`scoring.skeleton.BODY_PARTS`) with the lowest mean score over every seen
    beat of every attempt; None without part scores."""
    values: dict[str, list[float]] = defaultdict(list)
    for attempt in history:
        for beat in attempt.get("beats", []):
            for part, score in (beat.get("parts") or {}).items():
                if score is not None and part in PART_NAMES:
                    values[part].append(float(score))
    if not values:
        return None
    return min(values, key=lambda part: (np.mean(values[part]), part))


def preferences_from_history(
    history: list[dict], focus_part: str | None = None, new_every: int = NEW_EVERY
) -> Preferences:
    """The next routine's `Preferences`: the phrases danced at least `KNOWN_SCORE` on average
    (best first), one new phrase in ``new_every``, leaning toward ``focus_part`` if given, else
    the learner's weakest part. Raises ValueError for an unknown part."""
    if focus_part is not None and focus_part not in PART_NAMES:
        raise ValueError(
            f"Unknown body part {focus_part!r}. Choose one of: {', '.join(PART_NAMES)}."
        )
    scores = phrase_scores(history)
    known = sorted((p for p, s in scores.items() if s >= KNOWN_SCORE), key=lambda p: -scores[p])
    return Preferences(
        known=tuple(known),
        lean_part=focus_part if focus_part is not None else weakest_part(history),
        new_every=new_every,
    )


def phrase_summary(segments: list[dict]) -> dict:
    """Which distinct phrases of a personalised routine the learner knows and which are new,
    in order of first appearance, and the sentence for the routine page."""
    known, new = [], []
    for segment in segments:
        phrase = segment.get("phrase_id")
        if phrase is None or phrase in known or phrase in new:
            continue
        (known if segment.get("known") else new).append(phrase)

    def count(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    text = f"{count(len(known), 'phrase')} you know, {len(new)} new"
    return {"known": known, "new": new, "text": text}
