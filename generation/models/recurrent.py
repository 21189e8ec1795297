"""Recurrent choreographer (paper 003): the shared bidirectional GRU music encoder and an
autoregressive recurrent pose decoder (GRU or LSTM, chosen by the subclass in `gru` / `lstm`),
conditioned on style and learner level.

Training feeds the true previous pose plus Gaussian noise (``input_noise``) and predicts the
next pose; generation feeds back its own output plus seeded noise (``sampling_noise``), carrying
the recurrent state from frame to frame, after warming it up on the seed poses (initial-pose
chaining: every phrase starts from the last frames of the one before). A second head
reconstructs the music features from the decoder state (paper 003's music-feature
reconstruction), which pushes the decoder to carry the music.
"""

from dataclasses import dataclass

import torch
from torch import nn

from generation.models.conditioning import ConditionedModel, ConditioningConfig, MusicEncoder


@dataclass
class RecurrentConfig(ConditioningConfig):
    hidden: int = 256
    layers: int = 2
    dropout: float = 0.1


class RecurrentChoreographer(ConditionedModel):
    """A subclass names its recurrent layer in ``rnn_class`` (``nn.GRU`` or ``nn.LSTM``)."""

    rnn_class: type[nn.RNNBase]

    def __init__(self, config: RecurrentConfig):
        super().__init__(config)
        c = config
        self.music_encoder = MusicEncoder(c.music_dim, c.music_hidden)
        self.decoder = self.rnn_class(
            c.pose_dim + c.condition_dim, c.hidden, c.layers, batch_first=True, dropout=c.dropout
        )
        self.pose_head = nn.Linear(c.hidden, c.pose_dim)
        self.music_head = nn.Linear(c.hidden, c.music_dim)

    def decode(
        self, previous: torch.Tensor, conditions: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        hidden, _ = self.decoder(torch.cat([previous, conditions], dim=-1))
        return self.pose_head(hidden), self.music_head(hidden)

    def free_run(
        self,
        seed: torch.Tensor,
        conditions: torch.Tensor,
        noise_std: float,
        generator: torch.Generator | None = None,
    ) -> torch.Tensor:
        """Differentiable rollout: the frames after ``seed`` ``(B, C, P)`` for the conditions
        ``(B, C + L, D)`` of the seed and the ``L`` new frames. Returns ``(B, L, P)``."""
        n_seed = seed.shape[1]
        # Warm the decoder up on the seed: frame i is fed as the input for frame i + 1.
        _, state = self.decoder(torch.cat([seed[:, :-1], conditions[:, 1:n_seed]], dim=-1))
        pose = seed[:, -1:]
        out = []
        for t in range(n_seed, conditions.shape[1]):
            noise = torch.randn(pose.shape, generator=generator, device=pose.device)
            hidden, state = self.decoder(
                torch.cat([pose + noise_std * noise, conditions[:, t : t + 1]], dim=-1), state
            )
            pose = self.pose_head(hidden)
            out.append(pose)
        return torch.cat(out, dim=1)

    def generate_after(
        self,
        seed: torch.Tensor,
        conditions: torch.Tensor,
        generator: torch.Generator,
        noise_scale: float,
    ) -> torch.Tensor:
        """See `ConditionedModel.generate_after`; here the recurrent state carries the past."""
        return self.free_run(seed, conditions, self.config.sampling_noise * noise_scale, generator)
