"""Transformer choreographer (paper 000's Transformer family): the shared bidirectional GRU
music encoder, then a causal Transformer decoder over tokens that join each previous pose with
the encoded music, style and level at that frame, plus sinusoidal positional encoding.

The decoder sees `TransformerConfig.context` frames: training cuts each window into pieces of
that length (positions 0 .. context-1 in every piece) and generation slides a window of that
length along (`ConditionedModel.rollout`), so positions mean the same in both.
"""

from dataclasses import dataclass

import torch
from torch import nn

from generation.models.conditioning import (
    ConditionedModel,
    ConditioningConfig,
    MusicEncoder,
    sinusoidal_positions,
)


@dataclass
class TransformerConfig(ConditioningConfig):
    width: int = 128
    heads: int = 4
    layers: int = 3
    feedforward: int = 256
    dropout: float = 0.1
    context: int = 48


class TransformerChoreographer(ConditionedModel):
    def __init__(self, config: TransformerConfig):
        super().__init__(config)
        c = config
        self.context_frames = c.context
        self.music_encoder = MusicEncoder(c.music_dim, c.music_hidden)
        self.embed = nn.Linear(c.pose_dim + c.condition_dim, c.width)
        layer = nn.TransformerEncoderLayer(
            c.width, c.heads, c.feedforward, c.dropout, batch_first=True, norm_first=True
        )
        self.decoder = nn.TransformerEncoder(layer, c.layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(c.width)
        self.pose_head = nn.Linear(c.width, c.pose_dim)
        self.music_head = nn.Linear(c.width, c.music_dim)

    def _decode_piece(self, tokens: torch.Tensor) -> torch.Tensor:
        """``(B, L, D)`` tokens, ``L <= context`` -> ``(B, L, width)``, causally."""
        steps = tokens.shape[1]
        x = self.embed(tokens) + sinusoidal_positions(steps, self.config.width, tokens.device)
        mask = nn.Transformer.generate_square_subsequent_mask(steps, device=tokens.device)
        return self.norm(self.decoder(x, mask=mask, is_causal=True))

    def decode(
        self, previous: torch.Tensor, conditions: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        tokens = torch.cat([previous, conditions], dim=-1)
        pieces = tokens.split(self.config.context, dim=1)
        hidden = torch.cat([self._decode_piece(piece) for piece in pieces], dim=1)
        return self.pose_head(hidden), self.music_head(hidden)
