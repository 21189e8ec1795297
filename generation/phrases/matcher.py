"""Music-motion matching: a music segment and a motion phrase, both 8 counts, embedded in one
space, trained contrastively (InfoNCE, as in CLIP) on the music/motion pairs of the training
clips, so that the cosine of the two embeddings says how well a phrase fits a stretch of music.

Both sides are sampled on the phrase's own beat grid, `STEPS_PER_BEAT` samples per beat, so a
phrase and a segment line up count by count whatever their tempi:

- music ``(MUSIC_STEPS, MUSIC_CHANNELS)``: the spectral columns of `generation.music` (onset,
  energy, MFCC, chroma; the beat-grid columns say nothing once sampled on the beats) times the
  clip's known mask, a has-audio flag and the tempo as ``log(bpm / 100)``. AIST++ and salsa have
  no audio: their music is their tempo alone, so the matcher learns tempo/energy fit from them;
- motion ``(MUSIC_STEPS, MOTION_CHANNELS)``: root-relative joints and root velocity per beat,
  turned into the facing of the phrase's first frame.
"""

from dataclasses import asdict, dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from generation.difficulty import facing_yaw
from generation.music import BEAT_GRID_FEATURES, FEATURE_NAMES
from scoring.skeleton import split_root

STEPS_PER_BEAT = 4
BEATS = 8
MUSIC_STEPS = STEPS_PER_BEAT * BEATS
SPECTRAL_COLUMNS = np.array([i for i, n in enumerate(FEATURE_NAMES) if n not in BEAT_GRID_FEATURES])
MUSIC_CHANNELS = len(SPECTRAL_COLUMNS) + 2
MOTION_CHANNELS = 15 * 3 + 3


@dataclass
class MatcherConfig:
    hidden: int = 32
    embedding: int = 16
    temperature: float = 0.1


def sample_times(beat_frames: np.ndarray) -> np.ndarray:
    """``(..., MUSIC_STEPS)`` frame positions: `STEPS_PER_BEAT` per beat between the 9 beat
    frames ``(..., 9)``."""
    fraction = np.arange(STEPS_PER_BEAT) / STEPS_PER_BEAT
    starts, lengths = beat_frames[..., :-1], np.diff(beat_frames, axis=-1)
    steps = starts[..., None] + lengths[..., None] * fraction
    return steps.reshape(*beat_frames.shape[:-1], MUSIC_STEPS)


def _interpolate(values: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """Rows of ``values (T, ...)`` at fractional ``positions (S,)``, clamped to the ends."""
    positions = np.clip(positions, 0, len(values) - 1)
    lower = np.floor(positions).astype(int)
    upper = np.minimum(lower + 1, len(values) - 1)
    frac = (positions - lower).reshape(-1, *([1] * (values.ndim - 1)))
    return (1 - frac) * values[lower] + frac * values[upper]


def music_input(
    features: np.ndarray, known: np.ndarray, beat_frames: np.ndarray, bpm: float
) -> np.ndarray:
    """``(MUSIC_STEPS, MUSIC_CHANNELS)`` float32 for the music ``features (T, 40)`` with columns
    ``known (40,)`` under one 8-count whose beats are at ``beat_frames (9,)``."""
    spectral = features[:, SPECTRAL_COLUMNS] * known[SPECTRAL_COLUMNS]
    sampled = _interpolate(spectral.astype(np.float64), sample_times(beat_frames))
    has_audio = float(known[SPECTRAL_COLUMNS].any())
    extra = np.tile([has_audio, np.log(bpm / 100.0)], (MUSIC_STEPS, 1))
    return np.concatenate([sampled, extra], axis=1).astype(np.float32)


def motion_input(frames: np.ndarray, beat_frames: np.ndarray, fps: float) -> np.ndarray:
    """``(MUSIC_STEPS, MOTION_CHANNELS)`` float32 for a phrase: ``frames (T, 15, 3)`` of its clip
    (metres), its ``beat_frames (9,)`` on that clip's clock."""
    positions = sample_times(beat_frames)
    first, last = int(np.floor(positions[0])), int(np.ceil(beat_frames[-1])) + 1
    part = np.asarray(frames[first : last + 1], dtype=np.float64)
    root, relative = split_root(part)
    beat_s = float(np.diff(beat_frames).mean()) / fps
    velocity = np.gradient(root, axis=0) * fps * beat_s  # metres per beat
    yaw = facing_yaw(part[:1])[0]
    cos, sin = np.cos(yaw), np.sin(yaw)

    def turned(v: np.ndarray) -> np.ndarray:
        out = v.copy()
        out[..., 0] = cos * v[..., 0] + sin * v[..., 2]
        out[..., 2] = -sin * v[..., 0] + cos * v[..., 2]
        return out

    local = positions - first
    joints = _interpolate(turned(relative), local).reshape(MUSIC_STEPS, -1)
    root_velocity = _interpolate(turned(velocity), local)
    return np.concatenate([joints, root_velocity], axis=1).astype(np.float32)


class _Encoder(nn.Module):
    def __init__(self, channels: int, config: MatcherConfig):
        super().__init__()
        h = config.hidden
        self.net = nn.Sequential(
            nn.Conv1d(channels, h, 3, padding=1),
            nn.GELU(),
            nn.Conv1d(h, h, 3, stride=2, padding=1),
            nn.GELU(),
            nn.Conv1d(h, h, 3, stride=2, padding=1),
            nn.GELU(),
        )
        self.head = nn.Linear(2 * h, config.embedding)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, MUSIC_STEPS, C)`` -> unit vectors ``(B, embedding)``."""
        hidden = self.net(x.transpose(1, 2))
        pooled = torch.cat([hidden.mean(dim=2), hidden.amax(dim=2)], dim=1)
        return F.normalize(self.head(pooled), dim=-1)


class MusicMotionMatcher(nn.Module):
    """Two encoders into one embedding space; ``input_mean``/``input_std`` standardise inputs."""

    def __init__(self, config: MatcherConfig):
        super().__init__()
        self.config = config
        self.music = _Encoder(MUSIC_CHANNELS, config)
        self.motion = _Encoder(MOTION_CHANNELS, config)
        self.register_buffer("music_mean", torch.zeros(MUSIC_CHANNELS))
        self.register_buffer("music_std", torch.ones(MUSIC_CHANNELS))
        self.register_buffer("motion_mean", torch.zeros(MOTION_CHANNELS))
        self.register_buffer("motion_std", torch.ones(MOTION_CHANNELS))

    def embed_music(self, x: torch.Tensor) -> torch.Tensor:
        return self.music((x - self.music_mean) / self.music_std)

    def embed_motion(self, x: torch.Tensor) -> torch.Tensor:
        return self.motion((x - self.motion_mean) / self.motion_std)

    def loss(self, music: torch.Tensor, motion: torch.Tensor) -> torch.Tensor:
        """Symmetric InfoNCE over a batch of matching pairs ``(B, S, C)``."""
        logits = self.embed_music(music) @ self.embed_motion(motion).T / self.config.temperature
        target = torch.arange(len(logits))
        return 0.5 * (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target))

    def config_dict(self) -> dict:
        return asdict(self.config)
