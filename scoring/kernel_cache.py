"""Where numba keeps the scoring engine's compiled kernels: a folder named after the engine's
sources.

numba reuses a cached kernel while the kernel's own source file is unchanged, with the values of
the globals it read when it was compiled: a kernel that reads a constant of `scoring.params`
kept the old value after `params.py` alone changed (a deploy that retunes a constant would have
served the old one from the warm cache, beside Python code using the new). Keyed on a digest of
every source file of the package, a changed engine compiles afresh into a new folder.
"""

import hashlib
from contextlib import contextmanager
from pathlib import Path

import numba

PACKAGE = Path(__file__).resolve().parent


def sources_digest(folder: Path = PACKAGE) -> str:
    """12 hex digits of the SHA-256 of the ``.py`` files of ``folder``, in name order."""
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def cache_dir(folder: Path = PACKAGE) -> Path:
    """``kernels-<digest>`` under ``NUMBA_CACHE_DIR`` when it is set, else under the package's
    ``__pycache__``."""
    root = Path(numba.config.CACHE_DIR) if numba.config.CACHE_DIR else folder / "__pycache__"
    return root / f"kernels-{sources_digest(folder)}"


@contextmanager
def kernels_cached_by_sources():
    """Kernels decorated inside (`njit(cache=True)` picks its folder then) cache in
    `cache_dir`; numba's setting for everything else is left as it was."""
    before = numba.config.CACHE_DIR
    numba.config.CACHE_DIR = str(cache_dir())
    try:
        yield
    finally:
        numba.config.CACHE_DIR = before
