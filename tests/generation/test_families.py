"""The torch-free list of model families agrees with the architectures that load them."""

import subprocess
import sys

from generation.families import ARCHITECTURE_NAMES, available_architectures
from generation.models import ARCHITECTURES


def test_family_names_are_the_architectures_in_order():
    assert ARCHITECTURE_NAMES == tuple(ARCHITECTURES)


def test_listing_the_installed_families_imports_no_torch():
    code = (
        "import sys; from generation.families import available_architectures; "
        "print(','.join(available_architectures())); assert 'torch' not in sys.modules"
    )
    listed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert listed.stdout.strip() == ",".join(available_architectures())
