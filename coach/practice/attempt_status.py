"""When a finished attempt counts as complete."""

from coach.practice.models import Attempt


def finished_status(beats: list[dict]) -> str:
    """The status of an attempt the learner has ended: complete only with at least one scored
    beat (a beat result whose ``overall`` is a number). A run stopped before its first beat, such
    as a double-clicked Start, is incomplete: it gets no report score and satisfies no lesson."""
    scored = any(beat.get("overall") is not None for beat in beats)
    return Attempt.Status.COMPLETE if scored else Attempt.Status.INCOMPLETE
