"""Offline scoring of a whole attempt (the CLI and the after-practice report)."""

import numpy as np

from scoring import params
from scoring.align import StreamingAligner
from scoring.beats import score_span
from scoring.costs import band_costs, learner_local, reference_local
from scoring.formats import PoseInputError, parse_attempt
from scoring.normalise import LearnerNormaliser
from scoring.reference import Reference
from scoring.size_match import SizeMatch
from scoring.skeleton import MIRROR
from scoring.summary import summarise, tracking_rate
from scoring.upper_body import (
    CALIBRATION_FRAMES,
    hung_from_neck,
    resized,
    seen_from_waist_up,
    size_ratio,
)
from scoring.view import ViewEstimator, mirror_2d, project, view_turn

MIRROR_MODES = ("auto", "on", "off")
BAND_FRAMES = round(params.ALIGN_BAND_S * params.GRID_FPS)


def check_mirror(mirror: str) -> None:
    if mirror not in MIRROR_MODES:
        raise PoseInputError(f"mirror must be one of {', '.join(MIRROR_MODES)}, got {mirror!r}")


def view_summary(yaw: float, mirrored: bool) -> dict:
    return {"mirrored": bool(mirrored), "view_yaw_deg": round(float(np.degrees(yaw)) % 360.0, 1)}


def score_attempt(attempt: dict, reference: Reference, mirror: str = "auto") -> dict:
    """Score an ATTEMPT.json dict against ``reference``: ``{"beats": [...], "summary": {...}}``.

    Beats scored are the reference beats that lie wholly inside the attempt's time span.
    Raises `PoseInputError` for malformed input.
    """
    check_mirror(mirror)
    normaliser = LearnerNormaliser()
    stream = parse_attempt(attempt)
    learner, weights = normaliser.push(stream)
    from_neck = seen_from_waist_up(weights)
    if from_neck:  # no hips to measure from: the neck instead
        learner, reference = hung_from_neck(learner), reference.from_neck
    first = normaliser.first_grid
    lo, hi = max(first, reference.start), min(first + len(learner), reference.end)
    if hi - lo < 2:
        raise PoseInputError("the attempt does not overlap the reference in time")
    ours = slice(lo - first, hi - first)
    theirs = slice(lo - reference.start, hi - reference.start)
    view = ViewEstimator()
    view.add(reference.joints[theirs], learner[ours], weights[ours])
    yaw, mirrored = view.solve(mirror)
    if mirrored:
        learner, weights = mirror_2d(learner, weights)
    reference_2d = project(reference.joints, yaw)
    if not from_neck:  # the learner's size matched to the reference's over the last seconds
        learner[ours], _ = SizeMatch().push(reference.joints[theirs], learner[ours], weights[ours])
    else:  # ... or, seen from the waist up, to the reference's upper body
        count = min(CALIBRATION_FRAMES, hi - lo)
        ratio = size_ratio(
            learner[ours.start : ours.start + count],
            weights[ours.start : ours.start + count],
            reference_2d[theirs.start : theirs.start + count],
        )
        learner = resized(learner, ratio)
    # Joints the camera did not show in most of the attempt (legs out of the picture) are left
    # out of the alignment: their held guesses would pull the path (live, the same over the
    # frames received so far).
    shown = (weights[ours] > 0).mean(axis=0) >= 0.5
    if not shown.any():  # never a body to align (no torso seen): the beats come out not seen
        shown[:] = True
    # The path: the live aligner's, over every frame at once, on the same costs
    # (`scoring.costs`).
    n, band = hi - lo, BAND_FRAMES
    cos, sin = view_turn(yaw if reference.is_3d else 0.0)
    rows = theirs.start - band
    theirs_local = reference_local(*reference.planes, rows, n + 2 * band, theirs.start,
                                   theirs.stop, cos, sin)  # fmt: skip
    costs = band_costs(learner_local(learner[ours], MIRROR, False), shown.astype(np.float32),
                       theirs_local, band, band + n, band)  # fmt: skip
    aligner = StreamingAligner(band, lo, hi, params.ALIGN_STEP_PENALTY)
    aligner.step_band(costs)
    path = aligner.backtrack(aligner.best_lag(), stop_reference=lo)
    beats = [
        score_span(span, reference.beats[span[0]], path, learner, weights, first, reference_2d,
                   reference.start, mirrored)
        for span in reference.beat_spans()
        if span[1] >= lo and span[2] <= hi
    ]  # fmt: skip
    times = stream.times_s
    summary = summarise(
        beats,
        tracking_rate(len(times), times[0], times[-1]) if len(times) else None,
        None if reference.is_3d else view.recording_turn_deg(),
    )
    return {"beats": beats, "summary": {**summary, **view_summary(yaw, mirrored)}}
