"""Causal dilated convolutional choreographer (after paper 004): an encoder of causal dilated
highway convolution blocks over the music features (MFCC and onset columns, which are computed
from the mel spectrogram, plus chroma and the beat grid), and an autoregressive decoder of the
same blocks over the previous poses and the encoded music, style and level.

Generation keeps each block's input frames and computes one new frame per block and step
(`CNNChoreographer.generate_after`), the same numbers as the whole window's pass at a fraction
of the work.

A highway block mixes a dilated causal convolution ``h`` with its input ``x`` through a learnt
gate: ``y = σ(g) * h + (1 - σ(g)) * x``; kernel 2 and dilations 1, 2, 4, ... give the decoder a
receptive field of `CNNConfig.receptive_field` frames, exactly the poses it sees when generating
(`ConditionedModel.rollout` slides that window along), so training and generation agree.
"""

from dataclasses import dataclass

import torch
from torch import nn

from generation.models.conditioning import ConditionedModel, ConditioningConfig, music_input


@dataclass
class CNNConfig(ConditioningConfig):
    channels: int = 128
    dilations: tuple[int, ...] = (1, 2, 4, 8, 16, 32)
    music_dilations: tuple[int, ...] = (1, 2, 4, 8)
    kernel: int = 2

    @property
    def receptive_field(self) -> int:
        return 1 + (self.kernel - 1) * sum(self.dilations)


class CausalHighwayBlock(nn.Module):
    """``(B, C, T)`` -> ``(B, C, T)``; output frame t depends on input frames ``<= t`` only."""

    def __init__(self, channels: int, kernel: int, dilation: int):
        super().__init__()
        self.dilation = dilation
        self.padding = (kernel - 1) * dilation
        self.conv = nn.Conv1d(channels, 2 * channels, kernel, dilation=dilation)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h, gate = self.conv(nn.functional.pad(x, (self.padding, 0))).chunk(2, dim=1)
        return self._mix(h, gate, x)

    def step(self, now: torch.Tensor, past: torch.Tensor) -> torch.Tensor:
        """One output frame ``(B, C)`` from the input frames ``dilation`` apart (kernel 2):
        ``now`` at t and ``past`` at t - dilation (zeros before the start)."""
        weight = self.conv.weight
        out = past @ weight[:, :, 0].T + now @ weight[:, :, 1].T + self.conv.bias
        h, gate = out.chunk(2, dim=-1)
        return self._mix(h, gate, now)

    @staticmethod
    def _mix(h: torch.Tensor, gate: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        gate = torch.sigmoid(gate)
        return gate * torch.tanh(h) + (1 - gate) * x


class CausalConvStack(nn.Module):
    """Input projection then highway blocks: ``(B, T, D_in)`` -> ``(B, T, channels)``."""

    def __init__(self, in_dim: int, channels: int, kernel: int, dilations: tuple[int, ...]):
        super().__init__()
        self.project = nn.Conv1d(in_dim, channels, 1)
        self.blocks = nn.Sequential(*(CausalHighwayBlock(channels, kernel, d) for d in dilations))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.blocks(self.project(x.transpose(1, 2))).transpose(1, 2)


class CausalMusicEncoder(nn.Module):
    """``(B, T, F)`` music + ``(B, F)`` mask -> ``(B, T, 2 * music_hidden)``, causal."""

    def __init__(self, config: CNNConfig):
        super().__init__()
        c = config
        self.stack = CausalConvStack(
            2 * c.music_dim, 2 * c.music_hidden, c.kernel, c.music_dilations
        )

    def forward(self, music: torch.Tensor, known: torch.Tensor) -> torch.Tensor:
        return self.stack(music_input(music, known))


class CNNChoreographer(ConditionedModel):
    def __init__(self, config: CNNConfig):
        super().__init__(config)
        c = config
        self.context_frames = c.receptive_field
        self.music_encoder = CausalMusicEncoder(c)
        self.decoder = CausalConvStack(
            c.pose_dim + c.condition_dim, c.channels, c.kernel, c.dilations
        )
        self.pose_head = nn.Linear(c.channels, c.pose_dim)
        self.music_head = nn.Linear(c.channels, c.music_dim)

    def decode(
        self, previous: torch.Tensor, conditions: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        hidden = self.decoder(torch.cat([previous, conditions], dim=-1))
        return self.pose_head(hidden), self.music_head(hidden)

    def generate_after(
        self,
        seed: torch.Tensor,
        conditions: torch.Tensor,
        generator: torch.Generator,
        noise_scale: float,
    ) -> torch.Tensor:
        """See `ConditionedModel.generate_after`; frame by frame through each block's queue of
        earlier inputs (kernel 2), which gives the sliding window's numbers."""
        if self.config.kernel != 2:
            return super().generate_after(seed, conditions, generator, noise_scale)
        noise_std = self.config.sampling_noise * noise_scale
        blocks = list(self.decoder.blocks)
        inputs: list[list[torch.Tensor]] = [[] for _ in blocks]
        n_seed = seed.shape[1]
        fed = seed[:, 0]
        out = []
        for t in range(1, conditions.shape[1]):
            fed = seed[:, t - 1] if t <= n_seed else fed
            x = torch.cat([fed, conditions[:, t]], dim=-1) @ self.decoder.project.weight[:, :, 0].T
            x = x + self.decoder.project.bias
            for block, queue in zip(blocks, inputs, strict=True):
                queue.append(x)
                past = queue[-1 - block.dilation] if len(queue) > block.dilation else x * 0
                x = block.step(x, past)
            if t >= n_seed:
                pose = self.pose_head(x)
                out.append(pose[:, None])
                fed = pose + noise_std * torch.randn(pose.shape, generator=generator)
        return torch.cat(out, dim=1)
