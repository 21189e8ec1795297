import numpy as np

from scoring import parse_attempt
from scoring.align import StreamingAligner, align_offline
from scoring.normalise import LearnerNormaliser
from scoring.view import project


def features(frames: np.ndarray) -> np.ndarray:
    """Features ``(n, J * 2)`` float64 of root-centred 2D joints ``(n, J, 2)``."""
    return frames.reshape(len(frames), -1).astype(np.float64)


def test_streaming_aligner_follows_the_same_path_as_dtaidistance(reference, attempt):
    """Same features, band, penalty, start and end: the paths must coincide."""
    learner, _ = LearnerNormaliser().push(parse_attempt(attempt))
    n = min(len(learner), len(reference.joints))
    ours = features(learner[:n])
    theirs = features(project(reference.joints, np.radians(85.0))[:n])
    band, penalty = 21, 0.05
    offline = align_offline(ours, theirs, band, np.sqrt(penalty))
    aligner = StreamingAligner(band, 0, n, penalty)
    for i in range(n):
        lo, hi = aligner.reference_frames(i)
        aligner.step(((theirs[lo:hi] - ours[i]) ** 2).sum(axis=1))
    streaming = aligner.backtrack(aligner.best_lag(n), stop_reference=-1)
    assert streaming[0].tolist() == [0, 0]
    assert np.abs(streaming[:, 0] - streaming[:, 1]).max() <= band
    same = {tuple(c) for c in offline.tolist()} & {tuple(c) for c in streaming.tolist()}
    assert len(same) >= 0.9 * max(len(offline), len(streaming))
    # Where they differ (near the open end), by at most one frame.
    for frame in range(n):
        a = offline[offline[:, 0] == frame, 1]
        b = streaming[streaming[:, 0] == frame, 1]
        assert abs(a.mean() - b.mean()) <= 1.0
