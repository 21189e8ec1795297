"""Scoring engine: compare a learner's pose stream with a reference routine, beat by beat.

Pure Python (numpy, scipy, dtaidistance, `scoring.skeleton`); no Django, no torch. The live
practice socket uses `StreamingScorer`; the offline report and the CLI use `score_attempt`.
"""

from importlib import import_module

from scoring.kernel_cache import kernels_cached_by_sources

# The modules with compiled kernels, imported first and inside, so that all of them cache in the
# folder of these sources (`scoring.kernel_cache`; ``tests/scoring/test_kernel_cache.py``).
KERNEL_MODULES = (
    "align", "beats", "body_scale", "costs", "formats", "one_euro", "parts", "resample",
    "size_match", "sums", "view",
)  # fmt: skip
with kernels_cached_by_sources():
    for _name in KERNEL_MODULES:
        import_module(f"scoring.{_name}")
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
