"""GRU choreographer: a bidirectional GRU music encoder and an autoregressive GRU pose decoder
conditioned on style and learner level (after the GRU music encoder of paper 003).

Shapes: ``P`` pose features per frame (normalised pose vectors, see `generation.features`),
``F`` music feature columns, ``B`` batch, ``T`` frames at 30 fps.

Music input per frame is ``[features * known, known]`` (``2F``): AIST++ clips know only the
beat-grid columns and CMU clips none, so the model is told which columns are real.

Training feeds the true previous pose plus Gaussian noise (``input_noise``) and predicts the
next pose; generation feeds back its own output plus noise (``sampling_noise``) drawn from a
seeded generator, which keeps long rollouts from freezing or drifting and makes each seed give
another routine. A second head
reconstructs the music features from the decoder state (paper 003's music-feature
reconstruction), which pushes the decoder to carry the music.
"""

from dataclasses import asdict, dataclass

import torch
from torch import nn


@dataclass
class GRUConfig:
    pose_dim: int
    music_dim: int
    n_styles: int
    n_levels: int = 3
    music_hidden: int = 64
    hidden: int = 256
    layers: int = 2
    style_dim: int = 16
    level_dim: int = 8
    dropout: float = 0.1
    input_noise: float = 0.3
    # Noise on the fed-back pose when generating: less than in training keeps the motion
    # smooth, enough keeps it from settling into a still pose.
    sampling_noise: float = 0.2

    def to_dict(self) -> dict:
        return asdict(self)


class GRUChoreographer(nn.Module):
    def __init__(self, config: GRUConfig):
        super().__init__()
        self.config = config
        c = config
        self.music_encoder = nn.GRU(
            2 * c.music_dim, c.music_hidden, batch_first=True, bidirectional=True
        )
        self.style_embedding = nn.Embedding(c.n_styles, c.style_dim)
        self.level_embedding = nn.Embedding(c.n_levels, c.level_dim)
        decoder_in = c.pose_dim + 2 * c.music_hidden + c.style_dim + c.level_dim
        self.decoder = nn.GRU(decoder_in, c.hidden, c.layers, batch_first=True, dropout=c.dropout)
        self.pose_head = nn.Linear(c.hidden, c.pose_dim)
        self.music_head = nn.Linear(c.hidden, c.music_dim)

    def encode_music(self, music: torch.Tensor, known: torch.Tensor) -> torch.Tensor:
        """``music`` ``(B, T, F)`` normalised features, ``known`` ``(B, F)`` bool/0-1 mask ->
        ``(B, T, 2 * music_hidden)``."""
        known = known.to(music.dtype)[:, None, :].expand_as(music)
        encoded, _ = self.music_encoder(torch.cat([music * known, known], dim=-1))
        return encoded

    def _conditions(
        self, encoded: torch.Tensor, style: torch.Tensor, level: torch.Tensor
    ) -> torch.Tensor:
        """Per-frame conditioning ``(B, T, 2 * music_hidden + style_dim + level_dim)``."""
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
        """Teacher-forced pass. ``previous`` ``(B, T, P)`` is the pose before each target frame,
        ``music`` ``(B, T, F)`` the music at each target frame. Returns predicted poses
        ``(B, T, P)`` and reconstructed music ``(B, T, F)``."""
        conditions = self._conditions(self.encode_music(music, known), style, level)
        hidden, _ = self.decoder(torch.cat([previous, conditions], dim=-1))
        return self.pose_head(hidden), self.music_head(hidden)

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
        """Generate the frames that follow ``seed`` ``(B, C, P)`` (``C >= 2``), one at a time.

        ``music`` ``(B, C + L, F)`` covers the seed and the ``L`` frames to generate (the encoder
        sees the whole phrase, past and future); ``noise_scale`` multiplies ``sampling_noise``.
        Returns ``(B, L, P)``.
        """
        n_seed = seed.shape[1]
        if n_seed < 2:
            raise ValueError("the seed needs at least 2 frames")
        conditions = self._conditions(self.encode_music(music, known), style, level)
        noise_std = self.config.sampling_noise * noise_scale
        # Warm the decoder up on the seed: frame i is fed as the input for frame i + 1.
        _, state = self.decoder(torch.cat([seed[:, :-1], conditions[:, 1:n_seed]], dim=-1))
        pose = seed[:, -1:]
        out = []
        for t in range(n_seed, conditions.shape[1]):
            noisy = pose + noise_std * torch.randn(pose.shape, generator=generator)
            hidden, state = self.decoder(
                torch.cat([noisy, conditions[:, t : t + 1]], dim=-1), state
            )
            pose = self.pose_head(hidden)
            out.append(pose)
        return torch.cat(out, dim=1)
