"""Where the shared data sets live.

The shared folder sits beside the project (``<project root>/../shared``) on every checkout and in
CI; ``COACH_SHARED_DIR`` points elsewhere when it does not.
"""

import os
from pathlib import Path

from scoring.shared import PROJECT_ROOT, shared_dir

__all__ = ["PROJECT_ROOT", "cache_dir", "datasets_dir", "shared_dir"]


def datasets_dir() -> Path:
    """``<shared>/datasets``: ballroom/, aistpp/, cmu/ and splits.json."""
    return shared_dir() / "datasets"


def cache_dir() -> Path:
    """Where parsed data may be cached: ``$COACH_CACHE_DIR``, else ``<project root>/.cache``
    (ignored by git). Deleting it is always safe."""
    configured = os.environ.get("COACH_CACHE_DIR")
    return Path(configured) if configured else PROJECT_ROOT / ".cache"
