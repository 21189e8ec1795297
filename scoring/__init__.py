"""Scoring engine: compare a learner's pose stream with a reference routine, beat by beat.

Pure Python (numpy, scipy, dtaidistance, `scoring.skeleton`); no Django, no torch. The live
practice socket uses `StreamingScorer`; the offline report and the CLI use `score_attempt`.
"""

from scoring.attempt import score_attempt
from scoring.formats import PoseInputError, PoseStream, parse_attempt, parse_pose_frames
from scoring.reference import Reference
from scoring.stream import StreamingScorer
from scoring.summary import consistency_over_attempts, summarise

__all__ = [
    "PoseInputError",
    "PoseStream",
    "Reference",
    "StreamingScorer",
    "consistency_over_attempts",
    "parse_attempt",
    "parse_pose_frames",
    "score_attempt",
    "summarise",
]
