"""Train the choreography model and write its checkpoint.

`train_choreographer` is what ``python manage.py train_choreographer`` runs: it loads the train
(and AIST++ unused) clips, validates on the val clips, never reads the test lists, and writes a
checkpoint holding everything generation needs (see `build_checkpoint`).

Each step samples windows of ``SEED_FRAMES + TARGET_FRAMES`` frames, weighting styles by the
square root of their data so the 30 minutes of AIST++ do not drown salsa and tango; turns each
window to a random facing and mirrors half of them; and trains the model to predict every next
pose from the previous one plus noise (teacher forcing with noisy inputs), or with the
architecture's own loss (`ConditionedModel.window_loss`: diffusion, adversarial). An adversarial
model's discriminator gets its own optimiser and step after each generator step.
"""

import math
import subprocess
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch import nn

from generation import music
from generation.features import (
    MUSIC_DIM,
    POSE_DIM,
    SEED_FRAMES,
    TARGET_FRAMES,
    WINDOW_FRAMES,
    Normaliser,
    TrainingClip,
    build_training_clips,
    mirror_pose_vectors,
    turn_pose_vectors,
)
from generation.models import (
    DEFAULT_TRAINED_ARCHITECTURE,
    build_model,
    checkpoint_path,
    load_checkpoint,
)
from generation.styles import LEVELS, STYLES

# Fraction of training spent warming the learning rate up.
WARMUP = 0.05
# Windows per (style, level) kept in the checkpoint to start a routine from a real pose.
SEED_BANK_SIZE = 16


@dataclass
class TrainingConfig:
    architecture: str = DEFAULT_TRAINED_ARCHITECTURE
    steps: int = 3000
    batch_size: int = 64
    learning_rate: float = 2e-3
    seed: int = 0
    # Training stops after this many minutes even if `steps` are not done (the CPU budget);
    # the learning rate follows whichever of steps and minutes runs out first.
    max_minutes: float = 25.0
    validate_every: int = 200
    velocity_weight: float = 2.0
    music_weight: float = 0.1
    # A checkpoint to start from (e.g. the adversarial generator from a trained GRU): its
    # weights of the same name and shape, and its normalisers.
    init_from: str | None = None
    # Overrides of the architecture's config fields (e.g. {"hidden": 128}).
    model: dict = field(default_factory=dict)
    device: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


class WindowSampler:
    """Draws training batches from `TrainingClip`s."""

    def __init__(
        self,
        clips: list[TrainingClip],
        pose_normaliser: Normaliser,
        music_normaliser: Normaliser,
        style_weighting: bool = True,
    ):
        self.clips = clips
        self.pose_normaliser = pose_normaliser
        self.music_normaliser = music_normaliser
        self.windows = np.array(
            [(c, i) for c, clip in enumerate(clips) for i in range(len(clip.window_starts))],
            dtype=np.int64,
        )
        style_of_window = np.array([clips[c].style for c, _ in self.windows])
        weights = np.ones(len(self.windows))
        if style_weighting:
            for style in set(style_of_window):
                chosen = style_of_window == style
                weights[chosen] = 1.0 / math.sqrt(chosen.sum())
        self.probabilities = weights / weights.sum()

    def batch(self, rng: np.random.Generator, size: int, augment: bool = True) -> dict:
        """A batch as tensors: ``poses (B, W, P)``, ``music (B, W, F)``, ``known (B, F)``,
        ``style (B,)``, ``level (B,)`` (W = `WINDOW_FRAMES`)."""
        picks = rng.choice(len(self.windows), size=size, p=self.probabilities)
        return self.collate([tuple(self.windows[p]) for p in picks], rng if augment else None)

    def collate(self, windows: list[tuple[int, int]], rng: np.random.Generator | None) -> dict:
        poses, music_, known, style, level = [], [], [], [], []
        style_index = {s: i for i, s in enumerate(STYLES)}
        for c, i in windows:
            clip = self.clips[c]
            start = clip.window_starts[i]
            vectors = clip.vectors[start : start + WINDOW_FRAMES]
            if rng is not None:
                vectors = turn_pose_vectors(vectors, rng.uniform(0, 2 * np.pi))
                if rng.random() < 0.5:
                    vectors = mirror_pose_vectors(vectors)
            poses.append(self.pose_normaliser.normalise(vectors))
            music_.append(
                self.music_normaliser.normalise(clip.music.features[start : start + WINDOW_FRAMES])
            )
            known.append(clip.music.known)
            style.append(style_index[clip.style])
            level.append(clip.window_levels[i])
        return {
            "poses": torch.from_numpy(np.stack(poses)),
            "music": torch.from_numpy(np.stack(music_)),
            "known": torch.from_numpy(np.stack(known).astype(np.float32)),
            "style": torch.tensor(style, dtype=torch.long),
            "level": torch.tensor(level, dtype=torch.long),
        }


def learning_rate_at(done: float, peak: float) -> float:
    """Learning rate after the fraction ``done`` of training: a linear warm-up over the first
    `WARMUP` then a cosine to 0. ``done`` is the larger of the step and the time fractions, so
    a run cut by its time budget still ends annealed."""
    if done < WARMUP:
        return peak * (done + 1e-3) / WARMUP
    return peak * 0.5 * (1.0 + math.cos(math.pi * (done - WARMUP) / (1.0 - WARMUP)))


def seed_bank(clips: list[TrainingClip], normaliser: Normaliser) -> dict:
    """Per style and level, up to `SEED_BANK_SIZE` real starts ``(N, SEED_FRAMES, P)`` (normalised
    pose vectors) spread evenly over that level's windows."""
    bank = {}
    for style in STYLES:
        starts = [
            (clip, start, level)
            for clip in clips
            if clip.style == style
            for start, level in zip(clip.window_starts, clip.window_levels, strict=True)
        ]
        if not starts:
            continue
        bank[style] = {}
        for index, level_name in enumerate(LEVELS):
            chosen = [s for s in starts if s[2] == index] or starts
            picks = np.linspace(0, len(chosen) - 1, min(SEED_BANK_SIZE, len(chosen))).astype(int)
            seeds = [
                normaliser.normalise(
                    chosen[p][0].vectors[chosen[p][1] : chosen[p][1] + SEED_FRAMES]
                )
                for p in picks
            ]
            bank[style][level_name] = torch.from_numpy(np.stack(seeds))
    return bank


def code_version() -> str:
    """The git commit of this checkout, or "unknown" outside git."""
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parent,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return result.stdout.strip()


def _normaliser_dict(normaliser: Normaliser) -> dict:
    return {
        "mean": torch.from_numpy(normaliser.mean.astype(np.float32)),
        "std": torch.from_numpy(normaliser.std.astype(np.float32)),
    }


def _normaliser_from_dict(stored: dict) -> Normaliser:
    return Normaliser(stored["mean"].numpy(), stored["std"].numpy())


def initialise_from(model: nn.Module, checkpoint: dict, progress: Callable[[str], None]) -> None:
    """Copy ``checkpoint``'s weights into ``model`` where name and shape agree."""
    own = model.state_dict()
    shared = {
        name: value
        for name, value in checkpoint["state_dict"].items()
        if name in own and own[name].shape == value.shape
    }
    model.load_state_dict(shared, strict=False)
    progress(f"started from {len(shared)} of {len(own)} weight tensors of a trained checkpoint")


def _minutes_by_style(clips: list[TrainingClip]) -> dict[str, float]:
    minutes: dict[str, float] = {}
    for clip in clips:
        minutes[clip.style] = minutes.get(clip.style, 0.0) + len(clip.vectors) / music.FPS / 60
    return {style: round(value, 2) for style, value in sorted(minutes.items())}


def build_checkpoint(
    model: nn.Module,
    train_clips: list[TrainingClip],
    val_clips: list[TrainingClip],
    pose_normaliser: Normaliser,
    music_normaliser: Normaliser,
    reference: dict,
    report: dict,
) -> dict:
    """Everything generation needs, as plain types and tensors (``weights_only``-loadable)."""
    return {
        "format": 1,
        "architecture": report["config"]["architecture"],
        "config": model.config.to_dict(),
        "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
        "fps": float(music.FPS),
        "seed_frames": SEED_FRAMES,
        "target_frames": TARGET_FRAMES,
        "music_feature_names": list(music.FEATURE_NAMES),
        "styles": list(STYLES),
        "levels": list(LEVELS),
        "pose_normaliser": _normaliser_dict(pose_normaliser),
        "music_normaliser": _normaliser_dict(music_normaliser),
        "seed_bank": seed_bank(train_clips, pose_normaliser),
        "difficulty_reference": {
            style: {
                "median": dict(ref["median"]),
                "thresholds": [float(t) for t in ref["thresholds"]],
            }
            for style, ref in reference.items()
        },
        "data": {
            "train": [clip.name for clip in train_clips],
            "val": [clip.name for clip in val_clips],
            "train_minutes_by_style": _minutes_by_style(train_clips),
        },
        "training": report,
        "code_version": code_version(),
    }


def train(
    train_clips: list[TrainingClip],
    val_clips: list[TrainingClip],
    config: TrainingConfig,
    reference: dict,
    out_path: str | Path,
    progress: Callable[[str], None] = print,
) -> dict:
    """Train a fresh model on prepared clips and save its checkpoint at ``out_path``.

    Returns the training report stored in the checkpoint: steps, wall time, device, the
    training loss curve (every `validate_every` steps) and validation losses.
    """
    started = time.monotonic()
    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    device = torch.device(config.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    start = load_checkpoint(config.init_from) if config.init_from else None
    if start is not None:
        # The starting weights were learnt on that checkpoint's normalised units: keep them.
        pose_normaliser = _normaliser_from_dict(start["pose_normaliser"])
        music_normaliser = _normaliser_from_dict(start["music_normaliser"])
    else:
        pose_normaliser = Normaliser.for_poses(np.concatenate([c.vectors for c in train_clips]))
        music_normaliser = Normaliser.for_music(
            [c.music.features for c in train_clips], [c.music.known for c in train_clips]
        )
    sampler = WindowSampler(train_clips, pose_normaliser, music_normaliser)
    val_batch = None
    if val_clips:
        val_sampler = WindowSampler(val_clips, pose_normaliser, music_normaliser)
        val_batch = val_sampler.batch(np.random.default_rng(1234), 128, augment=False)
        val_batch = {k: v.to(device) for k, v in val_batch.items()}

    model_config = {"pose_dim": POSE_DIM, "music_dim": MUSIC_DIM, "n_styles": len(STYLES)}
    model = build_model(config.architecture, {**model_config, **config.model})
    if start is not None:
        initialise_from(model, start, progress)
    model = model.to(device)
    weights = {"velocity": config.velocity_weight, "music": config.music_weight}
    adversarial = hasattr(model, "discriminator_loss")
    generator_parameters = model.generator_parameters() if adversarial else model.parameters()
    optimiser = torch.optim.AdamW(generator_parameters, lr=config.learning_rate, weight_decay=1e-4)
    if adversarial:
        # Paper 001: the discriminator learns at half the generator's rate, Adam beta1 0.5.
        discriminator_optimiser = torch.optim.Adam(
            model.discriminator.parameters(), lr=config.learning_rate / 2, betas=(0.5, 0.999)
        )
    losses, val_losses, recent = [], [], []
    step = 0
    training_started = time.monotonic()
    for step in range(1, config.steps + 1):
        elapsed_s = time.monotonic() - training_started
        done = max((step - 1) / config.steps, elapsed_s / (config.max_minutes * 60))
        if done >= 1.0:
            progress(f"stopping at step {step - 1}: the {config.max_minutes} min budget is spent")
            step -= 1
            break
        for group in optimiser.param_groups:
            group["lr"] = learning_rate_at(done, config.learning_rate)
        model.train()
        batch = {k: v.to(device) for k, v in sampler.batch(rng, config.batch_size).items()}
        loss, pose_mse = model.window_loss(batch, weights)
        optimiser.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        if adversarial:
            discriminator_optimiser.zero_grad()
            model.discriminator_loss(batch).backward()
            discriminator_optimiser.step()
        recent.append(pose_mse.item())
        if step % config.validate_every == 0 or step == config.steps:
            losses.append({"step": step, "pose_mse": float(np.mean(recent))})
            recent = []
            message = f"step {step}/{config.steps} train pose mse {losses[-1]['pose_mse']:.4f}"
            if val_batch is not None:
                model.eval()
                with torch.no_grad():
                    _total, val_mse = model.window_loss(
                        val_batch, weights, torch.Generator(device).manual_seed(0)
                    )
                val_losses.append({"step": step, "pose_mse": float(val_mse)})
                message += f" val {float(val_mse):.4f}"
            progress(f"{message} ({time.monotonic() - started:.0f} s)")

    if recent:
        losses.append({"step": step, "pose_mse": float(np.mean(recent))})
    report = {
        "steps": step,
        "wall_s": round(time.monotonic() - started, 1),
        "device": str(device),
        "torch_threads": torch.get_num_threads(),
        "config": config.to_dict(),
        "losses": losses,
        "val_losses": val_losses,
    }
    model = model.cpu().eval()
    checkpoint = build_checkpoint(
        model, train_clips, val_clips, pose_normaliser, music_normaliser, reference, report
    )
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    partial = out_path.with_suffix(".partial")
    torch.save(checkpoint, partial)
    partial.replace(out_path)
    return report


def training_data(
    sources: tuple[str, ...] = ("ballroom", "aistpp", "cmu"),
) -> tuple[list[TrainingClip], list[TrainingClip], dict]:
    """The prepared training and validation clips and the difficulty reference fitted on the
    training clips. Training: the train lists plus the AIST++ sequences in no list."""
    from generation.data import is_trainable, load_clips

    analyses: dict = {}
    # split="train" includes the AIST++ sequences in no list; is_trainable guards the test lists.
    train_raw = [c for c in load_clips(split="train", sources=sources) if is_trainable(c)]
    val_raw = load_clips(split="val", sources=sources)
    train_clips, reference = build_training_clips(train_raw, analyses=analyses)
    val_clips, _ = build_training_clips(val_raw, reference=reference, analyses=analyses)
    return train_clips, val_clips, reference


def train_choreographer(
    out_path: str | Path | None = None,
    config: TrainingConfig | None = None,
    sources: tuple[str, ...] = ("ballroom", "aistpp", "cmu"),
    progress: Callable[[str], None] = print,
) -> dict:
    """Load the data, train, write the checkpoint (default: `checkpoint_path` of the
    architecture, ``generation/checkpoints/<architecture>.pt``).

    Trains on the train lists plus the AIST++ sequences in no list; validates on the val lists.
    Returns the training report with the checkpoint path added.
    """
    config = config or TrainingConfig()
    out_path = Path(out_path) if out_path is not None else checkpoint_path(config.architecture)
    started = time.monotonic()
    train_clips, val_clips, reference = training_data(sources)
    progress(
        f"data ready in {time.monotonic() - started:.0f} s: {len(train_clips)} training clips, "
        f"{len(val_clips)} validation clips"
    )
    report = train(train_clips, val_clips, config, reference, out_path, progress)
    report["data_prep_s"] = round(time.monotonic() - started - report["wall_s"], 1)
    report["checkpoint"] = str(out_path)
    return report
