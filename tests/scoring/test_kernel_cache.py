"""The scoring engine's compiled kernels are cached by the engine's sources, so a changed
constant is never served from a warm cache (`scoring.kernel_cache`)."""

import os
import shutil
import subprocess
import sys
from importlib import import_module
from pathlib import Path

from numba.core.registry import CPUDispatcher

import scoring
from scoring.kernel_cache import PACKAGE, cache_dir, sources_digest

# One learner row with its left wrist far from the reference's: its cost is the left arm's cap.
_CAPPED_COST = """
import numpy as np
from scoring.costs import band_costs
from scoring.skeleton import JOINT_INDEX
learner = np.zeros((1, 15, 2))
learner[0, JOINT_INDEX["left_wrist"]] = (50.0, 0.0)
print(band_costs(learner, np.ones(15, np.float32), np.zeros((1, 15, 2)), 0, 1, 0)[0, 0])
"""


def test_every_kernel_caches_in_the_folder_of_these_sources():
    kernels = 0
    for path in sorted(PACKAGE.glob("*.py")):
        module = import_module(f"scoring.{path.stem}")
        for value in vars(module).values():
            if isinstance(value, CPUDispatcher) and value.py_func.__module__ == module.__name__:
                assert Path(value._cache._cache_path).is_relative_to(cache_dir()), value
                assert path.stem in scoring.KERNEL_MODULES, path
                kernels += 1
    assert kernels >= 20


def test_a_changed_constant_is_compiled_afresh(tmp_path):
    """The alignment's part cap changed in `params.py` alone: the kernel that reads it, cached
    before the change, gives the new cap (numba alone kept serving the old one)."""
    shutil.copytree(PACKAGE, tmp_path / "scoring", ignore=shutil.ignore_patterns("__pycache__"))
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env["PYTHONPATH"] = str(tmp_path)

    def cost() -> float:
        run = subprocess.run(
            [sys.executable, "-c", _CAPPED_COST], env=env, cwd=tmp_path, capture_output=True,
            text=True, check=True,
        )  # fmt: skip
        return float(run.stdout)

    params = tmp_path / "scoring" / "params.py"
    cap = f"ALIGN_JOINT_CAP = {scoring.params.ALIGN_JOINT_CAP}\n"
    assert cap in params.read_text()
    before = sources_digest(tmp_path / "scoring")
    assert cost() == 2 * scoring.params.ALIGN_JOINT_CAP  # the left elbow and wrist
    params.write_text(params.read_text().replace(cap, "ALIGN_JOINT_CAP = 0.75\n"))
    assert sources_digest(tmp_path / "scoring") != before
    assert cost() == 2 * 0.75
