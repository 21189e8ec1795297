"""The model families and their checkpoint files, without importing torch: the web process
lists the installed families (`available_architectures`) for its model choice, and only the
worker that generates loads a model (`generation.models`).

Every family's checkpoint is ``generation/checkpoints/<family>.pt`` (`checkpoint_path`); the
shipped default is `DEFAULT_ARCHITECTURE`'s, unless ``$COACH_MODEL_PATH`` names another file
(`default_checkpoint_path`).
"""

import os
from pathlib import Path

# The architectures of `generation.models.ARCHITECTURES`, in the same order (a test checks).
ARCHITECTURE_NAMES = ("lstm", "gru", "cnn", "transformer", "adversarial", "diffusion")
# Every family with a checkpoint: the trained generators above, and the phrase memory with its
# music-motion matcher (`generation/phrases/`, built by `python -m generation.phrases.build`).
FAMILIES = (*ARCHITECTURE_NAMES, "phrases")
# The measured winner of `python manage.py compare_choreographers` (see the model cards): the
# family the site and the CLI use unless told otherwise.
DEFAULT_ARCHITECTURE = "phrases"
# The best of the trained generators: what `train_choreographer` trains unless told otherwise.
DEFAULT_TRAINED_ARCHITECTURE = "adversarial"
CHECKPOINT_DIR = Path(__file__).resolve().parent / "checkpoints"


def default_checkpoint_path() -> Path:
    """The shipped checkpoint, or the file named by ``$COACH_MODEL_PATH``."""
    configured = os.environ.get("COACH_MODEL_PATH")
    return Path(configured) if configured else CHECKPOINT_DIR / f"{DEFAULT_ARCHITECTURE}.pt"


def checkpoint_path(architecture: str | None = None) -> Path:
    """Where ``architecture``'s checkpoint lives; empty or None: `default_checkpoint_path`."""
    if not architecture:
        return default_checkpoint_path()
    if architecture not in FAMILIES:
        raise ValueError(
            f"Unknown model family {architecture!r}. Choose one of: {', '.join(FAMILIES)}."
        )
    return CHECKPOINT_DIR / f"{architecture}.pt"


def available_architectures() -> list[str]:
    """The families with a checkpoint present, in `FAMILIES` order (for the site's model
    choice)."""
    return [name for name in FAMILIES if checkpoint_path(name).is_file()]
