"""A learner's recorded attempts as the history that personalises their next routine
(`generation.phrases.personalise.preferences_from_history`).

The history is a list of attempts, each ``{"segments": [{"start_s", "end_s", "phrase_id"}, ...],
"beats": [{"time_s", "overall", "parts": {part: score or None}}, ...]}``: the routine's phrase
segments and the attempt's seen beats on the song clock. Plain dicts, so the web process needs
no model to build it; the worker turns it into preferences when it generates.
"""

from coach.practice.models import Attempt


def phrase_history(learner, style: str) -> list[dict]:
    """Every complete attempt of ``learner`` on a phrase-family routine of ``style`` (its
    segments carry the memory's ``phrase_id``), oldest first. Attempts the camera could not
    judge (``summary.reliable`` false; older ones without the field count) and beats not seen
    (``overall`` None) are left out; an attempt with no seen beat adds nothing."""
    attempts = (
        Attempt.objects.filter(
            learner=learner, routine__style=style, status=Attempt.Status.COMPLETE
        )
        .select_related("routine")
        .order_by("started_at")
    )
    history = []
    for attempt in attempts:
        if not attempt.summary.get("reliable", True):
            continue
        segments = [s for s in attempt.routine.segments if s.get("phrase_id")]
        if not segments:
            continue  # a routine of a neural family: no phrases to know
        beats = _seen_beats(attempt.beat_results, attempt.routine.beats)
        if beats:
            history.append({"segments": segments, "beats": beats})
    return history


def _seen_beats(beat_results: list[dict], beat_times: list[float]) -> list[dict]:
    """The seen beats with their time on the routine's beat grid (by index, the scorer's own
    ``time_s`` for an index past the grid)."""
    beats = []
    for beat in beat_results:
        if beat.get("overall") is None:
            continue
        index = beat.get("index")
        time_s = (
            beat_times[index]
            if index is not None and 0 <= index < len(beat_times)
            else beat.get("time_s")
        )
        if time_s is None:
            continue
        beats.append(
            {"time_s": float(time_s), "overall": beat["overall"], "parts": beat.get("parts") or {}}
        )
    return beats
