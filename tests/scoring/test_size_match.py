"""The learner's size matched to the reference's over the last seconds (`scoring.size_match`)."""

import numpy as np

from scoring import Reference, parse_attempt, score_attempt
from scoring.normalise import LearnerNormaliser
from scoring.size_match import SizeMatch
from scoring.validate import LONG, aist_attempt, aist_routine

# Jazz d02 from camera c09 (the front): 32 s at 120 BPM.
CAMERA = 8
# The learner walks away from the camera for these seconds and comes back: 80 % of their size
# in the picture, eased in and out over half a second.
AWAY_S = (10.0, 20.0)
AWAY_SIZE = 0.8


def _walking_away(attempt: dict) -> dict:
    frames = np.array(attempt["frames"], dtype=np.float64)
    times = np.asarray(attempt["timestamps_ms"]) / 1000.0
    ease = np.clip(np.minimum(times - AWAY_S[0], AWAY_S[1] - times) / 0.5, 0.0, 1.0)
    size = 1.0 - (1.0 - AWAY_SIZE) * ease
    hips = frames[:, [11, 12], :2].mean(axis=1, keepdims=True)
    frames[..., :2] = hips + (frames[..., :2] - hips) * size[:, None, None]
    return {**attempt, "frames": frames}


def _away_beats(result: dict) -> list[dict]:
    # The beats wholly inside the stretch, after the 2.5 s the match takes to follow.
    return [b for b in result["beats"] if AWAY_S[0] + 3.0 <= b["time_s"] <= AWAY_S[1] - 1.0]


def test_a_learner_who_walks_away_from_the_camera_is_scored_as_if_they_had_not():
    reference = Reference.from_routine(aist_routine(LONG))
    attempt = aist_attempt(LONG, CAMERA)
    base = {b["index"]: b for b in _away_beats(score_attempt(attempt, reference))}
    away = _away_beats(score_attempt(_walking_away(attempt), reference))
    assert len(away) >= 10
    gaps = [abs(base[b["index"]]["accuracy"] - b["accuracy"]) for b in away]
    # Measured by one torso length for the whole attempt, these 13 beats scored 34 lower on
    # average (accuracy 98.2 -> 64.3); matched, 0.5.
    assert np.mean(gaps) < 4.0


def test_the_factors_do_not_depend_on_how_frames_are_batched():
    reference = Reference.from_routine(aist_routine(LONG))
    attempt = _walking_away(aist_attempt(LONG, CAMERA))
    normaliser = LearnerNormaliser()
    learner, weights = normaliser.push(parse_attempt(attempt))
    first = normaliser.first_grid
    assert first >= reference.start
    theirs = reference.joints[first - reference.start :][: len(learner)]
    sized, whole = SizeMatch().push(theirs, learner, weights)
    match = SizeMatch()
    pieces = [match.push(theirs[i : i + 7], learner[i : i + 7], weights[i : i + 7])
              for i in range(0, len(learner), 7)]  # fmt: skip
    np.testing.assert_array_equal(sized, np.concatenate([p[0] for p in pieces]))
    np.testing.assert_array_equal(whole, np.concatenate([p[1] for p in pieces]))
    # It follows the walk: about 0.8 inside the stretch, about 1 outside it.
    seconds = (first + np.arange(len(learner))) / 30.0
    inside = (seconds > AWAY_S[0] + 3.0) & (seconds < AWAY_S[1])
    outside = seconds > AWAY_S[1] + 3.0
    assert abs(np.median(whole[inside]) / np.median(whole[outside]) - AWAY_SIZE) < 0.05
