"""Music-motion matching: a music segment and a motion phrase, both 8 counts, embedded in one
space, trained contrastively (InfoNCE, as in CLIP) on the music/motion pairs of the training
clips, so that the cosine of the two embeddings says how well a phrase fits a stretch of music.

What is matched is the rhythm and energy of the two, count by count, not what the music or the
pose is: with 1591 training pairs (40 songs with audio) an encoder of raw joint positions and
34 spectral columns memorised its pairs and ranked validation phrases at chance. Both sides are
sampled on the phrase's own beat grid, `STEPS_PER_BEAT` samples per beat, so a phrase and a
segment line up count by count whatever their tempi:

- music ``(MUSIC_STEPS, MUSIC_CHANNELS)``: the onset-strength and RMS-energy envelopes of
  `generation.music` (each standardised per song, smoothed over `ENVELOPE_SMOOTHING_FRAMES`)
  times the clip's known mask, a has-audio flag and the tempo as ``log(bpm / 100)``. AIST++ and
  salsa have no audio: their music is their tempo alone, so from them the matcher learns which
  motion goes with which tempo;
- motion ``(MUSIC_STEPS, MOTION_CHANNELS)``: each body part's mean root-relative joint speed
  (`BODY_PART_INDEX` order), the root's horizontal speed and vertical velocity, and the mean
  joint acceleration (its accents; /10), in m/s (m/s^2), smoothed the same way. They do not
  depend on where the dancer faces; mirroring exchanges the left and right parts
  (`mirror_motion_input`).

Each encoder is two small 1-D convolutions over the steps (kernel 3: a step sees about a beat
around it) that keep time: the embedding is ``step_embedding`` numbers per step, flattened and
normalised, so the cosine compares the two envelopes' shapes count by count. The matcher is an
ensemble of ``members`` such encoder pairs, trained apart (their own seeds and early stopping,
`generation.phrases.build.train_matcher`); its embedding is theirs side by side over
``sqrt(members)``, so its cosine is the mean of theirs. One small member is as likely to land
well below as well above its recipe's mean on validation; three together vary far less.
"""

from dataclasses import asdict, dataclass

import numpy as np
import torch
import torch.nn.functional as F
from scipy.ndimage import gaussian_filter1d
from torch import nn

from generation.music import BEAT_GRID_FEATURES, FEATURE_NAMES
from scoring.skeleton import BODY_PART_INDEX, split_root

STEPS_PER_BEAT = 4
BEATS = 8
MUSIC_STEPS = STEPS_PER_BEAT * BEATS
MUSIC_COLUMNS = np.array([FEATURE_NAMES.index("onset"), FEATURE_NAMES.index("energy")])
MUSIC_CHANNELS = len(MUSIC_COLUMNS) + 2
_PARTS = tuple(BODY_PART_INDEX)
MOTION_CHANNELS = len(_PARTS) + 3
# The motion channels with left and right exchanged (the part speeds; the rest have no side).
_OTHER_SIDE = {"left": "right", "right": "left"}
MIRRORED_CHANNELS = np.array(
    [
        _PARTS.index("_".join(_OTHER_SIDE.get(word, word) for word in part.split("_")))
        for part in _PARTS
    ]
    + list(range(len(_PARTS), MOTION_CHANNELS))
)
ENVELOPE_SMOOTHING_FRAMES = 2.0
ACCELERATION_SCALE = 0.1


@dataclass
class MatcherConfig:
    hidden: int = 8
    step_embedding: int = 2
    kernel: int = 3
    dropout: float = 0.1
    temperature: float = 0.1
    members: int = 3


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
    """``(MUSIC_STEPS, MUSIC_CHANNELS)`` float32 for the music ``features (T, F)`` with columns
    ``known (F,)`` under one 8-count whose beats are at ``beat_frames (9,)``."""
    envelopes = features[:, MUSIC_COLUMNS].astype(np.float64) * known[MUSIC_COLUMNS]
    envelopes = gaussian_filter1d(envelopes, ENVELOPE_SMOOTHING_FRAMES, axis=0)
    sampled = _interpolate(envelopes, sample_times(beat_frames))
    has_audio = float(known[MUSIC_COLUMNS].any())
    extra = np.tile([has_audio, np.log(bpm / 100.0)], (MUSIC_STEPS, 1))
    return np.concatenate([sampled, extra], axis=1).astype(np.float32)


def motion_tracks(frames: np.ndarray, fps: float) -> np.ndarray:
    """``(T, MOTION_CHANNELS)`` float64 for a clip's ``frames (T, 15, 3)`` (metres): the motion
    channels frame by frame (module docstring); `motion_input` samples a phrase from them."""
    root, relative = split_root(np.asarray(frames, dtype=np.float64))
    velocity = np.gradient(relative, axis=0) * fps
    speed = np.linalg.norm(velocity, axis=-1)
    parts = np.stack([speed[:, BODY_PART_INDEX[p]].mean(axis=1) for p in _PARTS], axis=1)
    root_velocity = np.gradient(root, axis=0) * fps
    acceleration = np.linalg.norm(np.gradient(velocity, axis=0) * fps, axis=-1).mean(axis=1)
    tracks = np.concatenate(
        [
            parts,
            np.hypot(root_velocity[:, 0], root_velocity[:, 2])[:, None],
            root_velocity[:, 1:2],
            ACCELERATION_SCALE * acceleration[:, None],
        ],
        axis=1,
    )
    return gaussian_filter1d(tracks, ENVELOPE_SMOOTHING_FRAMES, axis=0)


def motion_input(tracks: np.ndarray, beat_frames: np.ndarray) -> np.ndarray:
    """``(MUSIC_STEPS, MOTION_CHANNELS)`` float32 for a phrase: its clip's `motion_tracks`
    ``(T, MOTION_CHANNELS)`` at its ``beat_frames (9,)`` on that clip's clock."""
    return _interpolate(tracks, sample_times(beat_frames)).astype(np.float32)


def mirror_motion_input(motion: np.ndarray) -> np.ndarray:
    """Motion inputs ``(..., MOTION_CHANNELS)`` of the mirrored dance (left and right
    exchanged)."""
    return motion[..., MIRRORED_CHANNELS]


def beat_spectrum(features: np.ndarray, known: np.ndarray, beat_frames: np.ndarray) -> np.ndarray:
    """``(MUSIC_STEPS, S)`` float32: every spectral column of ``features (T, F)`` (onset, energy,
    MFCC, chroma; not the beat-grid ones) times ``known (F,)`` on one 8-count's beat grid
    ``beat_frames (9,)``. The search hears a repeated chorus in these (`family`)."""
    columns = np.array([i for i, n in enumerate(FEATURE_NAMES) if n not in BEAT_GRID_FEATURES])
    spectral = features[:, columns].astype(np.float64) * known[columns]
    return _interpolate(spectral, sample_times(beat_frames)).astype(np.float32)


class _Encoder(nn.Module):
    def __init__(self, channels: int, config: MatcherConfig):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv1d(channels, config.hidden, config.kernel, padding=config.kernel // 2),
            nn.GELU(),
            nn.Dropout(config.dropout),
            nn.Conv1d(
                config.hidden, config.step_embedding, config.kernel, padding=config.kernel // 2
            ),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, MUSIC_STEPS, C)`` -> unit vectors ``(B, MUSIC_STEPS * step_embedding)``."""
        return F.normalize(self.net(x.transpose(1, 2)).flatten(1), dim=-1)


class MusicMotionMatcher(nn.Module):
    """``members`` pairs of encoders into one embedding space; ``*_mean``/``*_std`` standardise
    the inputs."""

    def __init__(self, config: MatcherConfig):
        super().__init__()
        self.config = config
        self.music = nn.ModuleList(_Encoder(MUSIC_CHANNELS, config) for _ in range(config.members))
        self.motion = nn.ModuleList(
            _Encoder(MOTION_CHANNELS, config) for _ in range(config.members)
        )
        self.register_buffer("music_mean", torch.zeros(MUSIC_CHANNELS))
        self.register_buffer("music_std", torch.ones(MUSIC_CHANNELS))
        self.register_buffer("motion_mean", torch.zeros(MOTION_CHANNELS))
        self.register_buffer("motion_std", torch.ones(MOTION_CHANNELS))

    def _embed(self, encoders: nn.ModuleList, x: torch.Tensor, member: int | None):
        if member is not None:
            return encoders[member](x)
        return torch.cat([encoder(x) for encoder in encoders], dim=1) / len(encoders) ** 0.5

    def embed_music(self, x: torch.Tensor, member: int | None = None) -> torch.Tensor:
        """Unit vectors for music inputs ``(B, MUSIC_STEPS, MUSIC_CHANNELS)``: the ensemble's,
        or one member's."""
        return self._embed(self.music, (x - self.music_mean) / self.music_std, member)

    def embed_motion(self, x: torch.Tensor, member: int | None = None) -> torch.Tensor:
        return self._embed(self.motion, (x - self.motion_mean) / self.motion_std, member)

    def loss(self, music: torch.Tensor, motion: torch.Tensor, member: int) -> torch.Tensor:
        """One member's symmetric InfoNCE over a batch of matching pairs ``(B, S, C)``."""
        logits = (
            self.embed_music(music, member)
            @ self.embed_motion(motion, member).T
            / self.config.temperature
        )
        target = torch.arange(len(logits))
        return 0.5 * (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target))

    def member_parameters(self, member: int) -> list[nn.Parameter]:
        return [*self.music[member].parameters(), *self.motion[member].parameters()]

    def config_dict(self) -> dict:
        return asdict(self.config)
