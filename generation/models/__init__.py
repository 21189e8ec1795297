"""Choreography model architectures (one per module, by the name a checkpoint records) and
loading them from their checkpoint files. Where those files live, and which families are
installed, is `generation.families` (no torch, for the web process); its names are re-exported
here.
"""

from pathlib import Path

import torch
from torch import nn

from generation.families import (  # noqa: F401  (re-exported)
    ARCHITECTURE_NAMES,
    CHECKPOINT_DIR,
    DEFAULT_ARCHITECTURE,
    DEFAULT_TRAINED_ARCHITECTURE,
    FAMILIES,
    available_architectures,
    checkpoint_path,
    default_checkpoint_path,
)
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


def build_model(architecture: str, config: dict) -> nn.Module:
    """A fresh model of ``architecture`` built from its config dict (as stored in a checkpoint)."""
    if architecture not in ARCHITECTURES:
        raise ValueError(f"unknown architecture {architecture!r}; known: {sorted(ARCHITECTURES)}")
    config_class, model_class = ARCHITECTURES[architecture]
    # Tuples (dilations) come back from a checkpoint as lists.
    config = {k: tuple(v) if isinstance(v, list) else v for k, v in config.items()}
    return model_class(config_class(**config))


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
