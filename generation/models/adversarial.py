"""Adversarial choreographer: the recurrent choreographer (GRU decoder by default, the better
recurrent family in our comparison; ``cell`` picks LSTM) as generator, trained against a
temporal convolutional discriminator (papers 001 and 002), with

- the audio autoencoder of paper 002: the generator's music head reconstructs the music
  features from its state (the reconstruction loss of `ConditionedModel.window_loss`);
- paper 001's dance-structure constraints as penalty terms on free-running rollouts:
  movement consistency (per-feature speed and acceleration of the rollout match the real
  continuation: the style's technique, and no damped or jittery motion) and music
  synchronisation (the body slows on the beat: motion beats on music beats).

Each training step rolls the generator out freely for `AdversarialConfig.adversarial_frames`
frames after the window's seed (differentiably, feeding back ``rollout_noise``), scores that
against the real continuation, and keeps it as `last_generated` for the discriminator's own step
(`discriminator_loss`), which `generation.training` takes with its own optimiser.
"""

from dataclasses import dataclass

import torch
from torch import nn

from generation.models.conditioning import pose_speed
from generation.models.recurrent import RecurrentChoreographer, RecurrentConfig
from generation.music import FEATURE_NAMES

BEAT_PULSE = FEATURE_NAMES.index("beat_pulse")
# A normalised beat-pulse value above this marks a frame on a music beat.
ON_BEAT = 1.0


@dataclass
class AdversarialConfig(RecurrentConfig):
    cell: str = "gru"
    discriminator_channels: int = 96
    seed_frames: int = 10
    adversarial_frames: int = 40
    adversarial_weight: float = 0.05
    consistency_weight: float = 10.0
    sync_weight: float = 0.02
    # Noise fed back in the training rollouts. Kept apart from ``sampling_noise`` (generation
    # only), which is chosen afterwards on the validation split: rollouts trained with a large
    # noise learn to ignore it and damp the motion again.
    rollout_noise: float = 0.2


class TemporalDiscriminator(nn.Module):
    """Pose windows ``(B, T, P)`` and their style ``(B,)`` -> a realness logit per window and
    time patch ``(B, T')``; sees poses and their frame-to-frame change."""

    def __init__(self, pose_dim: int, n_styles: int, channels: int):
        super().__init__()
        self.style = nn.Embedding(n_styles, channels)
        self.features = nn.Sequential(
            nn.Conv1d(2 * pose_dim, channels, 5, padding=2),
            nn.LeakyReLU(0.2),
            nn.Conv1d(channels, channels, 5, stride=2, padding=2),
            nn.LeakyReLU(0.2),
            nn.Conv1d(channels, channels, 5, stride=2, padding=2),
            nn.LeakyReLU(0.2),
        )
        self.score = nn.Conv1d(channels, 1, 1)

    def forward(self, poses: torch.Tensor, style: torch.Tensor) -> torch.Tensor:
        motion = torch.cat([poses, torch.cat([poses[:, :1] * 0, poses.diff(dim=1)], 1)], -1)
        h = self.features(motion.transpose(1, 2)) + self.style(style)[:, :, None]
        return self.score(h)[:, 0]


def _feature_motion(poses: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Per window and pose feature: mean absolute velocity and acceleration ``(B, P)`` each."""
    velocity = poses.diff(dim=1)
    return velocity.abs().mean(dim=1), velocity.diff(dim=1).abs().mean(dim=1)


class AdversarialChoreographer(RecurrentChoreographer):
    @property
    def rnn_class(self) -> type[nn.RNNBase]:
        return {"gru": nn.GRU, "lstm": nn.LSTM}[self.config.cell]

    def __init__(self, config: AdversarialConfig):
        super().__init__(config)
        self.discriminator = TemporalDiscriminator(
            config.pose_dim, config.n_styles, config.discriminator_channels
        )
        self.last_generated: torch.Tensor | None = None

    def generator_parameters(self) -> list[nn.Parameter]:
        return [p for n, p in self.named_parameters() if not n.startswith("discriminator.")]

    def window_loss(self, batch: dict, weights: dict, generator=None) -> tuple:
        """Teacher-forced loss + adversarial + structure terms. Returns ``(total, pose_mse)``."""
        total, pose_mse = super().window_loss(batch, weights, generator)
        c = self.config
        n_seed, span = c.seed_frames, c.seed_frames + c.adversarial_frames
        poses = batch["poses"]
        conditions = self.conditions(
            batch["music"][:, :span], batch["known"], batch["style"], batch["level"]
        )
        fake = self.free_run(poses[:, :n_seed], conditions, c.rollout_noise, generator)
        real = poses[:, n_seed:span]
        self.last_generated = fake.detach()
        # The discriminator is not trained here: its gradients are cleared before its own step.
        realness = self.discriminator(fake, batch["style"])
        adversarial = nn.functional.binary_cross_entropy_with_logits(
            realness, torch.ones_like(realness)
        )
        fake_speed, fake_accel = _feature_motion(fake)
        real_speed, real_accel = _feature_motion(real)
        consistency = ((fake_speed - real_speed) ** 2).mean() + (
            (fake_accel - real_accel) ** 2
        ).mean()
        on_beat = (batch["music"][:, n_seed + 1 : span, BEAT_PULSE] > ON_BEAT).float()
        on_beat = on_beat * batch["known"][:, BEAT_PULSE, None]
        speed = pose_speed(fake)
        beat_speed = (speed * on_beat).sum() / on_beat.sum().clamp(min=1.0)
        sync = beat_speed / (speed.mean() + 1e-3) if on_beat.sum() > 0 else speed.sum() * 0
        total = (
            total
            + c.adversarial_weight * adversarial
            + c.consistency_weight * consistency
            + c.sync_weight * sync
        )
        return total, pose_mse

    def discriminator_loss(self, batch: dict) -> torch.Tensor:
        """Real continuations against the last free-running rollouts (from `window_loss`)."""
        if self.last_generated is None:
            raise RuntimeError("window_loss must run before discriminator_loss")
        c = self.config
        real = batch["poses"][:, c.seed_frames : c.seed_frames + c.adversarial_frames]
        real_logit = self.discriminator(real, batch["style"])
        fake_logit = self.discriminator(self.last_generated, batch["style"])
        bce = nn.functional.binary_cross_entropy_with_logits
        return bce(real_logit, torch.ones_like(real_logit)) + bce(
            fake_logit, torch.zeros_like(fake_logit)
        )
