"""Choreography model architectures (one per module, by the name a checkpoint records) and\nthe checkpoint files that hold them."""

import os
from pathlib import Path

import torch
from torch import nn

from generation.models.gru import GRUChoreographer, GRUConfig

ARCHITECTURES = {"gru": (GRUConfig, GRUChoreographer)}
SHIPPED_CHECKPOINT = Path(__file__).resolve().parents[1] / "checkpoints" / "choreographer.pt"


def build_model(architecture: str, config: dict) -> nn.Module:
    """A fresh model of ``architecture`` built from its config dict (as stored in a checkpoint)."""
    if architecture not in ARCHITECTURES:
        raise ValueError(f"unknown architecture {architecture!r}; known: {sorted(ARCHITECTURES)}")
    config_class, model_class = ARCHITECTURES[architecture]
    return model_class(config_class(**config))


def default_checkpoint_path() -> Path:
    """The shipped checkpoint, or the file named by ``$COACH_MODEL_PATH``."""
    configured = os.environ.get("COACH_MODEL_PATH")
    return Path(configured) if configured else SHIPPED_CHECKPOINT


def load_checkpoint(path: str | Path | None = None) -> dict:
    """Read a checkpoint dict (plain types and tensors only, so ``weights_only`` loading works;
    nothing is ever downloaded)."""
    path = Path(path) if path is not None else default_checkpoint_path()
    if not path.is_file():
        raise FileNotFoundError(
            f"No choreography model at {path}. Train one with `python manage.py "
            "train_choreographer` or set COACH_MODEL_PATH."
        )
    return torch.load(path, map_location="cpu", weights_only=True)


def model_from_checkpoint(checkpoint: dict) -> nn.Module:
    """The model a checkpoint describes, with its weights, in eval mode on the CPU."""
    model = build_model(checkpoint["architecture"], checkpoint["config"])
    model.load_state_dict(checkpoint["state_dict"])
    return model.eval()
