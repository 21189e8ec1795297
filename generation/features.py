"""What the choreography model reads and writes: pose vectors, music per clip, normalisers and
the training windows with their level labels.

Pose vector of a frame (``POSE_DIM`` = 45 floats, viewed as ``(15, 3)`` "triples" in joint order):
row ``j > 0`` is joint ``j`` relative to the pelvis (metres); row 0, the pelvis, carries the root
instead: ground-plane velocity ``vx`` (m/s), height ``y`` (m), ``vz`` (m/s). Every row is an
``(x, y, z)`` vector, so turning the dancer about +Y or mirroring left/right acts on all rows in
the same way (data augmentation) and one normaliser that treats x and z alike commutes with it.
"""

from dataclasses import dataclass, field

import numpy as np

from generation import music
from generation.audio import decode
from generation.data.clip import Clip
from generation.difficulty import (
    difficulty_components,
    difficulty_score,
    labelled_score,
    level_of,
    level_thresholds,
    style_medians,
)
from scoring.skeleton import CANONICAL_FPS, JOINTS, MIRROR, split_root

N_JOINTS = len(JOINTS)
POSE_DIM = N_JOINTS * 3
MUSIC_DIM = len(music.FEATURE_NAMES)
# Frames of real or earlier motion that start each generated phrase (initial-pose chaining).
SEED_FRAMES = 10
# Frames predicted per training window; a window is SEED_FRAMES + TARGET_FRAMES long.
TARGET_FRAMES = 120
WINDOW_FRAMES = SEED_FRAMES + TARGET_FRAMES
# Distance between the starts of two training windows, frames.
WINDOW_HOP = 15


def pose_vectors(frames: np.ndarray, fps: float = CANONICAL_FPS) -> np.ndarray:
    """Absolute frames ``(T, 15, 3)`` -> pose vectors ``(T, 45)`` float32 (layout above)."""
    root, relative = split_root(np.asarray(frames, dtype=np.float64))
    velocity = np.diff(root, axis=0, prepend=root[:1]) * fps
    if len(root) > 1:
        velocity[0] = velocity[1]
    relative[:, 0] = np.stack([velocity[:, 0], root[:, 1], velocity[:, 2]], axis=-1)
    return relative.reshape(len(frames), POSE_DIM).astype(np.float32)


def frames_from_pose_vectors(
    vectors: np.ndarray, fps: float = CANONICAL_FPS, start_xz: tuple[float, float] = (0.0, 0.0)
) -> np.ndarray:
    """Pose vectors ``(T, 45)`` -> absolute frames ``(T, 15, 3)`` float32; the root's ground
    position is integrated from its velocity, starting at ``start_xz``."""
    triples = np.asarray(vectors, dtype=np.float64).reshape(-1, N_JOINTS, 3).copy()
    root = np.empty((len(triples), 3))
    root[:, 1] = triples[:, 0, 1]
    for axis, start in ((0, start_xz[0]), (2, start_xz[1])):
        steps = triples[:, 0, axis] / fps
        root[:, axis] = start + np.concatenate([[0.0], np.cumsum(steps[1:])])
    triples[:, 0] = 0.0
    return (triples + root[:, None, :]).astype(np.float32)


def turn_pose_vectors(vectors: np.ndarray, angle: float) -> np.ndarray:
    """Pose vectors ``(..., 45)`` turned by ``angle`` radians about +Y."""
    triples = vectors.reshape(*vectors.shape[:-1], N_JOINTS, 3)
    cos, sin = np.cos(angle), np.sin(angle)
    out = triples.copy()
    out[..., 0] = cos * triples[..., 0] + sin * triples[..., 2]
    out[..., 2] = -sin * triples[..., 0] + cos * triples[..., 2]
    return out.reshape(vectors.shape)


def mirror_pose_vectors(vectors: np.ndarray) -> np.ndarray:
    """Pose vectors ``(..., 45)`` reflected across the x = 0 plane, left and right exchanged."""
    triples = vectors.reshape(*vectors.shape[:-1], N_JOINTS, 3)[..., MIRROR, :].copy()
    triples[..., 0] = -triples[..., 0]
    return triples.reshape(vectors.shape)


@dataclass
class Normaliser:
    """Per-column standardisation ``(x - mean) / std``; ``mean`` and ``std`` are ``(D,)``."""

    mean: np.ndarray
    std: np.ndarray

    @classmethod
    def for_poses(cls, vectors: np.ndarray) -> "Normaliser":
        """Fit on pose vectors ``(N, 45)``: x and z share one scale and have mean 0 (any facing
        is as likely as any other); y gets its own mean and scale."""
        triples = vectors.reshape(-1, N_JOINTS, 3).astype(np.float64)
        mean = np.zeros((N_JOINTS, 3))
        std = np.empty((N_JOINTS, 3))
        horizontal = np.sqrt((triples[..., 0] ** 2 + triples[..., 2] ** 2).mean(axis=0) / 2)
        std[:, 0] = std[:, 2] = horizontal
        mean[:, 1] = triples[..., 1].mean(axis=0)
        std[:, 1] = triples[..., 1].std(axis=0)
        return cls(mean.reshape(-1), np.maximum(std.reshape(-1), 1e-3))

    @classmethod
    def for_music(cls, features: list[np.ndarray], known: list[np.ndarray]) -> "Normaliser":
        """Fit on per-clip music features ``(T_i, F)``, using only each clip's known columns."""
        total = np.zeros(MUSIC_DIM)
        squares = np.zeros(MUSIC_DIM)
        count = np.zeros(MUSIC_DIM)
        for values, mask in zip(features, known, strict=True):
            total += np.where(mask, values.sum(axis=0), 0.0)
            squares += np.where(mask, (values.astype(np.float64) ** 2).sum(axis=0), 0.0)
            count += mask * len(values)
        count = np.maximum(count, 1.0)
        mean = total / count
        std = np.sqrt(np.maximum(squares / count - mean**2, 0.0))
        return cls(mean, np.maximum(std, 1e-2))

    def normalise(self, x: np.ndarray) -> np.ndarray:
        return ((x - self.mean) / self.std).astype(np.float32)

    def denormalise(self, x: np.ndarray) -> np.ndarray:
        return (x * self.std + self.mean).astype(np.float32)


@dataclass
class ClipMusic:
    """Music on a clip's frame grid: ``features (T, F)`` float32, ``known (F,)`` bool, and beat
    and downbeat times in seconds on the clip's clock (empty when unknown)."""

    features: np.ndarray
    known: np.ndarray
    beat_times: np.ndarray = field(default_factory=lambda: np.zeros(0))
    downbeat_times: np.ndarray = field(default_factory=lambda: np.zeros(0))


def music_from_analysis(
    analysis: music.MusicAnalysis, offset_s: float = 0.0, n_frames: int | None = None
) -> ClipMusic:
    """The part of a song's analysis that plays from ``offset_s`` for ``n_frames`` frames (all of
    it by default); frames past the song's end get zeros."""
    start = int(round(offset_s * analysis.fps))
    n_frames = analysis.n_frames - start if n_frames is None else n_frames
    features = np.zeros((n_frames, MUSIC_DIM), dtype=np.float32)
    part = analysis.features[start : start + n_frames]
    features[: len(part)] = part
    return ClipMusic(
        features=features,
        known=np.ones(MUSIC_DIM, dtype=bool),
        beat_times=analysis.beat_times - offset_s,
        downbeat_times=analysis.downbeat_times - offset_s,
    )


def clip_music(clip: Clip, analyses: dict | None = None) -> ClipMusic:
    """The music of a clip: the analysed audio (ballroom), a beat grid from the known tempo
    (AIST++), or nothing known (CMU). ``analyses`` caches `music.analyse` results by path."""
    n_frames = len(clip.frames)
    if clip.audio_path is not None:
        cache = {} if analyses is None else analyses
        if clip.audio_path not in cache:
            cache[clip.audio_path] = music.analyse(decode(clip.audio_path))
        return music_from_analysis(cache[clip.audio_path], clip.audio_offset_s, n_frames)
    if clip.bpm is not None and clip.first_beat_s is not None:
        beats, downbeats = music.beat_grid(clip.duration_s, clip.bpm, clip.first_beat_s)
        if len(beats) >= 2:
            features, known = music.beat_grid_features(n_frames, beats, downbeats, clip.fps)
            return ClipMusic(features, known, beats, downbeats)
    return ClipMusic(
        np.zeros((n_frames, MUSIC_DIM), dtype=np.float32), np.zeros(MUSIC_DIM, dtype=bool)
    )


@dataclass
class TrainingClip:
    """One clip ready for training: pose vectors ``(T, 45)`` (not normalised), its music, the
    start frame of each training window ``(N,)`` and that window's level index ``(N,)``."""

    name: str
    style: str
    vectors: np.ndarray
    music: ClipMusic
    window_starts: np.ndarray
    window_levels: np.ndarray


def window_starts(n_frames: int) -> np.ndarray:
    """Start frames of the training windows of a clip of ``n_frames`` frames."""
    return np.arange(0, max(n_frames - WINDOW_FRAMES, -1) + 1, WINDOW_HOP)


def window_components(clip: Clip, clip_music_: ClipMusic) -> list[dict[str, float]]:
    """Difficulty components of each training window's target frames."""
    rows = []
    for start in window_starts(len(clip.frames)):
        target = slice(start + SEED_FRAMES, start + WINDOW_FRAMES)
        beats = clip_music_.beat_times - target.start / clip.fps
        beats = beats if len(clip_music_.beat_times) else None
        rows.append(difficulty_components(clip.frames[target], clip.fps, beats))
    return rows


def difficulty_reference(
    components_by_style: dict[str, list[dict]], advanced_by_style: dict[str, list]
) -> dict:
    """Per style: the median components and the tercile thresholds of the window scores
    (after `level_of`'s basic/advanced shift). Fitted on training windows only."""
    reference = {}
    for style, rows in components_by_style.items():
        medians = style_medians(rows)
        shifted = [
            labelled_score(difficulty_score(row, medians), adv)
            for row, adv in zip(rows, advanced_by_style[style], strict=True)
        ]
        reference[style] = {"median": medians, "thresholds": level_thresholds(np.array(shifted))}
    return reference


def build_training_clips(
    clips: list[Clip], reference: dict | None = None, analyses: dict | None = None
) -> tuple[list[TrainingClip], dict]:
    """Turn clips into `TrainingClip`s with level labels. Without ``reference`` the difficulty
    reference is fitted on these clips (pass the training clips); pass it for val/test clips.
    Returns the training clips and the reference used."""
    prepared = []
    for clip in clips:
        too_short = len(clip.frames) < WINDOW_FRAMES
        if too_short or (reference is not None and clip.style not in reference):
            continue
        clip_music_ = clip_music(clip, analyses)
        prepared.append((clip, clip_music_, window_components(clip, clip_music_)))
    if reference is None:
        by_style: dict[str, list] = {}
        adv_by_style: dict[str, list] = {}
        for clip, _m, rows in prepared:
            by_style.setdefault(clip.style, []).extend(rows)
            adv_by_style.setdefault(clip.style, []).extend([clip.advanced] * len(rows))
        reference = difficulty_reference(by_style, adv_by_style)
    out = []
    for clip, clip_music_, rows in prepared:
        ref = reference[clip.style]
        levels = [
            level_of(difficulty_score(row, ref["median"]), ref["thresholds"], clip.advanced)
            for row in rows
        ]
        out.append(
            TrainingClip(
                name=clip.name,
                style=clip.style,
                vectors=pose_vectors(clip.frames, clip.fps),
                music=clip_music_,
                window_starts=window_starts(len(clip.frames)),
                window_levels=np.array(levels, dtype=np.int64),
            )
        )
    return out, reference
