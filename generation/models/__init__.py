"""Choreography model architectures (one per module, by the name a checkpoint records) and
the checkpoint files that hold them.

Every architecture's checkpoint is ``generation/checkpoints/<architecture>.pt``
(`checkpoint_path`); the shipped default is `DEFAULT_ARCHITECTURE`'s, unless
``$COACH_MODEL_PATH`` names another file (`default_checkpoint_path`).
"""

import os
from pathlib import Path

import torch
from torch import nn

from generation.models.adversarial import AdversarialChoreographer, AdversarialConfig
from generation.models.cnn import CNNChoreographer, CNNConfig
from generation.models.diffusion import DiffusionChoreographer, DiffusionConfig
from generation.models.gru import GRUChoreographer, GRUConfig
from generation.models.lstm import LSTMChoreographer, LSTMConfig
from generation.models.transformer import TransformerChoreographer, TransformerConfig

ARCHITECTURES = {
    "lstm": (LSTMConfig, LSTMChoreographer),
    "gru": (GRUConfig, GRUChoreographer),
    "cnn": (CNNConfig, CNNChoreographer),
    "transformer": (TransformerConfig, TransformerChoreographer),
    "adversarial": (AdversarialConfig, AdversarialChoreographer),
    "diffusion": (DiffusionConfig, DiffusionChoreographer),
}
# The measured winner of `python manage.py compare_choreographers` (see the model card).
DEFAULT_ARCHITECTURE = "adversarial"
CHECKPOINT_DIR = Path(__file__).resolve().parents[1] / "checkpoints"


def build_model(architecture: str, config: dict) -> nn.Module:
    """A fresh model of ``architecture`` built from its config dict (as stored in a checkpoint)."""
    if architecture not in ARCHITECTURES:
        raise ValueError(f"unknown architecture {architecture!r}; known: {sorted(ARCHITECTURES)}")
    config_class, model_class = ARCHITECTURES[architecture]
    # Tuples (dilations) come back from a checkpoint as lists.
    config = {k: tuple(v) if isinstance(v, list) else v for k, v in config.items()}
    return model_class(config_class(**config))


def default_checkpoint_path() -> Path:
    """The shipped checkpoint, or the file named by ``$COACH_MODEL_PATH``."""
    configured = os.environ.get("COACH_MODEL_PATH")
    return Path(configured) if configured else CHECKPOINT_DIR / f"{DEFAULT_ARCHITECTURE}.pt"


def checkpoint_path(architecture: str | None = None) -> Path:
    """Where ``architecture``'s checkpoint lives; empty or None: `default_checkpoint_path`."""
    if not architecture:
        return default_checkpoint_path()
    if architecture not in ARCHITECTURES:
        raise ValueError(
            f"Unknown model family {architecture!r}. Choose one of: {', '.join(ARCHITECTURES)}."
        )
    return CHECKPOINT_DIR / f"{architecture}.pt"


def available_architectures() -> list[str]:
    """The architectures with a checkpoint present, in `ARCHITECTURES` order (for the site's
    model choice)."""
    return [name for name in ARCHITECTURES if checkpoint_path(name).is_file()]


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


def parameter_count(model: nn.Module) -> int:
    """Parameters used to generate (an adversarial model's discriminator is left out)."""
    return sum(p.numel() for n, p in model.named_parameters() if not n.startswith("discriminator."))
