"""Which list of ``datasets/splits.json`` a sequence is on.

Never train on a test list. AIST++ sequences in none of its lists may be used for training
(``splits.json`` "about"); its ``ignore`` list (badly reconstructed motion) must not be used at all.
"""

import json
from functools import cache

from generation.data.paths import datasets_dir

# Most protected first: a name on two lists gets the stricter one.
_LISTS = ("test", "ignore", "val", "train")


@cache
def _splits() -> dict:
    return json.loads((datasets_dir() / "splits.json").read_text())


def split_of(dataset: str, name: str) -> str:
    """``"test"``, ``"val"``, ``"train"``, ``"ignore"`` or ``"unused"`` (on no list) for sequence
    ``name`` of ``dataset`` (``"ballroom"``, ``"aistpp"`` or ``"cmu"``)."""
    lists = _splits()[dataset]
    for split in _LISTS:
        if name in lists.get(split, ()):
            return split
    return "unused"
