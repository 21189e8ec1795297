"""Where the shared data sets live, for the scoring engine's validation on real recordings.

The shared folder sits beside the project (``<project root>/../shared``) on every checkout and in
CI; ``COACH_SHARED_DIR`` points elsewhere when it does not. `generation.data.paths` reads the
same setting through `shared_dir`.
"""

import os
from pathlib import Path

# The project root is the folder that holds the `scoring` package.
PROJECT_ROOT = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    """The shared folder: ``$COACH_SHARED_DIR``, else ``<project root>/../shared``."""
    configured = os.environ.get("COACH_SHARED_DIR")
    return Path(configured) if configured else PROJECT_ROOT.parent / "shared"
