"""What every choreography architecture shares: the config fields of the conditioning, the style
and level embeddings, the masked music input, the bidirectional GRU music encoder (paper 003),
sinusoidal positions, the teacher-forced training loss and the sliding-window rollout.

Every architecture is a `ConditionedModel` and answers the same two calls, so training
(`generation.training`) and generation (`generation.choreograph`) never ask which one it is:

- ``window_loss(batch, weights, generator=None) -> (total, pose_mse)`` on a training batch
  (``poses (B, W, P)``, ``music (B, W, F)``, ``known (B, F)``, ``style (B,)``, ``level (B,)``);
- ``rollout(seed, music, known, style, level, generator, noise_scale) -> (B, L, P)``: the ``L``
  frames after the seed poses ``(B, C, P)``, for music ``(B, C + L, F)`` covering both.

Shapes: ``P`` pose features per frame (normalised pose vectors, `generation.features`), ``F``
music feature columns, ``B`` batch, ``T`` frames at 30 fps.

Music input per frame is ``[features * known, known]`` (``2F``): AIST++ clips know only the
beat-grid columns and CMU clips none, so every model is told which columns are real.
"""

import math
from dataclasses import asdict, dataclass

import torch
from torch import nn


@dataclass
class ConditioningConfig:
    """Fields every architecture's config has (its own fields follow in a subclass)."""

    pose_dim: int
    music_dim: int
    n_styles: int
    n_levels: int = 3
    music_hidden: int = 64
    style_dim: int = 16
    level_dim: int = 8
    # Gaussian noise on the previous poses in training (teacher forcing with noisy inputs)...
    input_noise: float = 0.3
    # ...and on the fed-back pose when generating: enough to keep a rollout from settling into
    # a still pose, and what makes each seed give another routine.
    sampling_noise: float = 0.2

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def condition_dim(self) -> int:
        """Width of the per-frame conditions from `ConditionedModel.conditions`."""
        return 2 * self.music_hidden + self.style_dim + self.level_dim


def music_input(music: torch.Tensor, known: torch.Tensor) -> torch.Tensor:
    """``music`` ``(B, T, F)`` normalised features, ``known`` ``(B, F)`` 0/1 mask ->
    ``(B, T, 2F)`` = ``[music * known, known]``."""
    known = known.to(music.dtype)[:, None, :].expand_as(music)
    return torch.cat([music * known, known], dim=-1)


class MusicEncoder(nn.Module):
    """Bidirectional GRU over the masked music input: ``(B, T, F)`` -> ``(B, T, 2 * hidden)``;
    each frame sees the whole phrase, before and after it."""

    def __init__(self, music_dim: int, hidden: int):
        super().__init__()
        self.gru = nn.GRU(2 * music_dim, hidden, batch_first=True, bidirectional=True)

    def forward(self, music: torch.Tensor, known: torch.Tensor) -> torch.Tensor:
        encoded, _ = self.gru(music_input(music, known))
        return encoded


def sinusoidal_positions(n: int, dim: int, device=None) -> torch.Tensor:
    """``(n, dim)`` sine/cosine position codes (Vaswani et al.); ``dim`` even."""
    position = torch.arange(n, dtype=torch.float32, device=device)[:, None]
    rate = torch.exp(
        torch.arange(0, dim, 2, dtype=torch.float32, device=device) * (-math.log(10000.0) / dim)
    )
    codes = torch.zeros(n, dim, device=device)
    codes[:, 0::2] = torch.sin(position * rate)
    codes[:, 1::2] = torch.cos(position * rate)
    return codes


def pose_speed(poses: torch.Tensor) -> torch.Tensor:
    """Mean absolute frame-to-frame change per frame ``(B, T - 1)`` of poses ``(B, T, P)``."""
    return poses.diff(dim=1).abs().mean(dim=-1)


class ConditionedModel(nn.Module):
    """Base of every architecture: style and level embeddings, the per-frame conditions, and
    the teacher-forced loss and sliding-window rollout for models with a causal ``forward``.

    A subclass sets ``self.music_encoder`` (``(music, known) -> (B, T, 2 * music_hidden)``) and
    implements ``decode(previous, conditions) -> (poses, music)``: given the pose before each
    target frame ``(B, T, P)`` and the conditions at each target frame, predicted poses
    ``(B, T, P)`` and reconstructed music ``(B, T, F)`` (paper 003's music-feature
    reconstruction), each frame seeing only earlier poses.
    """

    # Frames of earlier poses a causal model sees when generating (None: a recurrent state).
    context_frames: int | None = None

    def __init__(self, config: ConditioningConfig):
        super().__init__()
        self.config = config
        self.style_embedding = nn.Embedding(config.n_styles, config.style_dim)
        self.level_embedding = nn.Embedding(config.n_levels, config.level_dim)

    def conditions(
        self, music: torch.Tensor, known: torch.Tensor, style: torch.Tensor, level: torch.Tensor
    ) -> torch.Tensor:
        """Per-frame conditioning ``(B, T, condition_dim)``: encoded music, style, level."""
        encoded = self.music_encoder(music, known)
        steps = encoded.shape[1]
        style_e = self.style_embedding(style)[:, None, :].expand(-1, steps, -1)
        level_e = self.level_embedding(level)[:, None, :].expand(-1, steps, -1)
        return torch.cat([encoded, style_e, level_e], dim=-1)

    def forward(
        self,
        previous: torch.Tensor,
        music: torch.Tensor,
        known: torch.Tensor,
        style: torch.Tensor,
        level: torch.Tensor,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Teacher-forced pass: ``previous`` ``(B, T, P)`` is the pose before each target frame,
        ``music`` ``(B, T, F)`` the music at each target frame. Returns predicted poses
        ``(B, T, P)`` and reconstructed music ``(B, T, F)``."""
        return self.decode(previous, self.conditions(music, known, style, level))

    def window_loss(self, batch: dict, weights: dict, generator=None) -> tuple:
        """Teacher-forced loss: every next pose from the noisy previous one. ``weights`` has
        ``velocity`` and ``music``. Returns scalars ``(total, pose_mse)``."""
        poses = batch["poses"]
        previous, target = poses[:, :-1], poses[:, 1:]
        noise = torch.randn(previous.shape, generator=generator, device=previous.device)
        previous = previous + self.config.input_noise * noise
        predicted, music_predicted = self(
            previous, batch["music"][:, 1:], batch["known"], batch["style"], batch["level"]
        )
        pose_mse = ((predicted - target) ** 2).mean()
        velocity_mse = ((predicted.diff(dim=1) - target.diff(dim=1)) ** 2).mean()
        known = batch["known"][:, None, :]
        music_error = ((music_predicted - batch["music"][:, 1:]) ** 2) * known
        music_mse = music_error.sum() / (known.sum() * music_error.shape[1]).clamp(min=1.0)
        total = pose_mse + weights["velocity"] * velocity_mse + weights["music"] * music_mse
        return total, pose_mse

    @torch.no_grad()
    def rollout(
        self,
        seed: torch.Tensor,
        music: torch.Tensor,
        known: torch.Tensor,
        style: torch.Tensor,
        level: torch.Tensor,
        generator: torch.Generator,
        noise_scale: float = 1.0,
    ) -> torch.Tensor:
        """Generate the ``L`` frames after ``seed`` ``(B, C, P)`` (``C >= 2``) for ``music``
        ``(B, C + L, F)``; ``noise_scale`` scales the sampling noise (the level temperature).
        Returns ``(B, L, P)``."""
        if seed.shape[1] < 2:
            raise ValueError("the seed needs at least 2 frames")
        conditions = self.conditions(music, known, style, level)
        return self.generate_after(seed, conditions, generator, noise_scale)

    def generate_after(
        self,
        seed: torch.Tensor,
        conditions: torch.Tensor,
        generator: torch.Generator,
        noise_scale: float,
    ) -> torch.Tensor:
        """The frames after ``seed`` for ``conditions`` ``(B, C + L, D)``, one at a time, each
        from the last `context_frames` poses (fed back with ``sampling_noise * noise_scale`` of
        seeded noise)."""
        noise_std = self.config.sampling_noise * noise_scale
        # ``fed[:, i]`` is the pose fed as the input for frame i + 1.
        fed = seed
        out = []
        for t in range(seed.shape[1], conditions.shape[1]):
            low = max(0, t - self.context_frames)
            predicted, _ = self.decode(fed[:, low:t], conditions[:, low + 1 : t + 1])
            pose = predicted[:, -1:]
            out.append(pose)
            noisy = pose + noise_std * torch.randn(pose.shape, generator=generator)
            fed = torch.cat([fed, noisy], dim=1)
        return torch.cat(out, dim=1)
