"""Where the shared data sets live.

The shared folder sits beside the project (``<project root>/../shared``) on every checkout and in
CI; ``COACH_SHARED_DIR`` points elsewhere when it does not.
"""

import os
from pathlib import Path

# The project root is the folder that holds the `generation` package.
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def shared_dir() -> Path:
    """The shared folder: ``$COACH_SHARED_DIR``, else ``<project root>/../shared``."""
    configured = os.environ.get("COACH_SHARED_DIR")
    return Path(configured) if configured else PROJECT_ROOT.parent / "shared"


def datasets_dir() -> Path:
    """``<shared>/datasets``: ballroom/, aistpp/, cmu/ and splits.json."""
    return shared_dir() / "datasets"


def cache_dir() -> Path:
    """Where parsed data may be cached: ``$COACH_CACHE_DIR``, else ``<project root>/.cache``
    (ignored by git). Deleting it is always safe."""
    configured = os.environ.get("COACH_CACHE_DIR")
    return Path(configured) if configured else PROJECT_ROOT / ".cache"
