"""Diffusion choreographer, small enough to train on a CPU: a denoiser of dilated (non-causal)
convolutions that sees a whole phrase at once, the noisy poses beside the clean seed poses
(marked by a mask channel), the encoded music, style and level, and the diffusion time; it
predicts the clean poses (x0). Generation samples with a few deterministic DDIM steps
(`DiffusionConfig.sampling_steps`) from seeded Gaussian noise, so each seed gives another
routine and the same seed the same one; ``start_noise`` (the generation noise) times
``noise_scale`` (the level temperature) scales the starting noise. The convolutions take any
length, so a phrase of any length is one sample; the seed frames chain it to the phrase before
(initial-pose chaining, as in the other families).

Unlike the autoregressive families it does not regress each next pose to the mean of its
possible futures, which is what damps their motion.
"""

import math
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
class DiffusionConfig(ConditioningConfig):
    channels: int = 160
    dilations: tuple[int, ...] = (1, 2, 4, 8, 16, 1, 2, 4, 8, 16)
    time_dim: int = 64
    diffusion_steps: int = 100
    sampling_steps: int = 8
    # Seed frames a training window starts with (`generation.features.SEED_FRAMES`).
    seed_frames: int = 10
    # The generation noise: the starting noise's scale (times the level temperature); the
    # value generation uses is `generation.choreograph.GENERATION_NOISE`'s.
    start_noise: float = 1.0


def cosine_alpha_bar(steps: int) -> torch.Tensor:
    """``(steps + 1,)`` cumulative signal fractions ᾱ_t of the cosine schedule (Nichol and
    Dhariwal 2021), ᾱ_0 = 1."""
    t = torch.linspace(0, 1, steps + 1)
    f = torch.cos((t + 0.008) / 1.008 * math.pi / 2) ** 2
    return (f / f[0]).clamp(1e-5, 1.0)


class DenoiserBlock(nn.Module):
    """Residual dilated convolution with the diffusion time added: ``(B, C, T)`` in and out."""

    def __init__(self, channels: int, dilation: int, time_dim: int):
        super().__init__()
        self.conv = nn.Conv1d(channels, channels, 3, padding=dilation, dilation=dilation)
        self.time = nn.Linear(time_dim, channels)
        self.mix = nn.Conv1d(channels, channels, 1)

    def forward(self, x: torch.Tensor, time: torch.Tensor) -> torch.Tensor:
        h = self.conv(nn.functional.gelu(x)) + self.time(time)[:, :, None]
        return x + self.mix(nn.functional.gelu(h))


class DiffusionChoreographer(ConditionedModel):
    def __init__(self, config: DiffusionConfig):
        super().__init__(config)
        c = config
        self.music_encoder = MusicEncoder(c.music_dim, c.music_hidden)
        self.time_mlp = nn.Sequential(
            nn.Linear(c.time_dim, c.time_dim), nn.GELU(), nn.Linear(c.time_dim, c.time_dim)
        )
        self.project = nn.Conv1d(2 * c.pose_dim + 1 + c.condition_dim, c.channels, 1)
        self.blocks = nn.ModuleList(DenoiserBlock(c.channels, d, c.time_dim) for d in c.dilations)
        self.out = nn.Conv1d(c.channels, c.pose_dim, 1)
        self.register_buffer("alpha_bar", cosine_alpha_bar(c.diffusion_steps), persistent=False)

    def denoise(
        self, noisy: torch.Tensor, seed: torch.Tensor, conditions: torch.Tensor, t: torch.Tensor
    ) -> torch.Tensor:
        """Clean-pose estimate ``(B, L, P)`` of the ``L`` frames after ``seed`` ``(B, C, P)``,
        from ``noisy`` ``(B, L, P)`` at diffusion steps ``t`` ``(B,)`` and the conditions
        ``(B, C + L, D)``."""
        batch, n_seed, _ = seed.shape
        length = noisy.shape[1]
        known = torch.zeros(batch, n_seed + length, 1, device=seed.device)
        known[:, :n_seed] = 1.0
        # The seed stands beside the noisy frames in their own channels: zeros where unknown.
        clean = torch.cat([seed, torch.zeros_like(noisy)], dim=1)
        noisy = torch.cat([torch.zeros_like(seed), noisy], dim=1)
        x = torch.cat([noisy, clean, known, conditions], dim=-1).transpose(1, 2)
        time = self.time_mlp(
            sinusoidal_positions(self.config.diffusion_steps + 1, self.config.time_dim, x.device)[t]
        )
        h = self.project(x)
        for block in self.blocks:
            h = block(h, time)
        return self.out(h).transpose(1, 2)[:, n_seed:]

    def window_loss(self, batch: dict, weights: dict, generator=None) -> tuple:
        """x0-prediction loss at a random diffusion step per window, plus ``velocity`` × the
        error of the predicted frame-to-frame change. Returns ``(total, pose_mse)``."""
        poses = batch["poses"]
        n_seed = self.config.seed_frames
        seed, target = poses[:, :n_seed], poses[:, n_seed:]
        conditions = self.conditions(batch["music"], batch["known"], batch["style"], batch["level"])
        t = torch.randint(
            1,
            self.config.diffusion_steps + 1,
            (len(poses),),
            generator=generator,
            device=poses.device,
        )
        ab = self.alpha_bar[t][:, None, None]
        noise = torch.randn(target.shape, generator=generator, device=poses.device)
        predicted = self.denoise(ab.sqrt() * target + (1 - ab).sqrt() * noise, seed, conditions, t)
        # The seed's last frame joins the velocity error, so the seam is learnt too.
        joined = torch.cat([seed[:, -1:], predicted], dim=1)
        truth = torch.cat([seed[:, -1:], target], dim=1)
        pose_mse = ((predicted - target) ** 2).mean()
        velocity_mse = ((joined.diff(dim=1) - truth.diff(dim=1)) ** 2).mean()
        return pose_mse + weights["velocity"] * velocity_mse, pose_mse

    def generate_after(
        self,
        seed: torch.Tensor,
        conditions: torch.Tensor,
        generator: torch.Generator,
        noise_scale: float,
    ) -> torch.Tensor:
        """See `ConditionedModel.generate_after`: all frames at once by DDIM (η = 0) from
        ``start_noise * noise_scale`` × seeded Gaussian noise."""
        shape = (seed.shape[0], conditions.shape[1] - seed.shape[1], seed.shape[2])
        x = self.config.start_noise * noise_scale * torch.randn(shape, generator=generator)
        steps = torch.linspace(self.config.diffusion_steps, 0, self.config.sampling_steps + 1)
        steps = steps.round().long().tolist()
        for now, after in zip(steps[:-1], steps[1:], strict=True):
            t = torch.full((shape[0],), now, dtype=torch.long)
            clean = self.denoise(x, seed, conditions, t)
            ab_now, ab_after = self.alpha_bar[now], self.alpha_bar[after]
            noise = (x - ab_now.sqrt() * clean) / (1 - ab_now).sqrt()
            x = ab_after.sqrt() * clean + (1 - ab_after).sqrt() * noise
        return x
