"""All dance clips of every data set, in one canonical form, with split discipline.

Split rules (``datasets/splits.json``): a clip's ``split`` is the list it is on. Never train on
``"test"``. AIST++ sequences on no list are ``"unused"`` and may be used for training
(`is_trainable`); AIST++ ``ignore`` sequences are never loaded. Ballroom and CMU list every file.
"""

from collections import defaultdict
from collections.abc import Iterable

from generation.data.aistpp import aistpp_clips
from generation.data.ballroom import ballroom_clips
from generation.data.clip import Clip
from generation.data.cmu import cmu_clips
from generation.styles import STYLES

SOURCES = {"ballroom": ballroom_clips, "aistpp": aistpp_clips, "cmu": cmu_clips}
SPLITS = ("train", "val", "test", "unused")

__all__ = ["Clip", "SOURCES", "SPLITS", "is_trainable", "load_clips", "style_minutes"]


def is_trainable(clip: Clip) -> bool:
    """Whether a model may learn from ``clip``: the train list, or on no list at all (AIST++)."""
    return clip.split in ("train", "unused")


def load_clips(
    split: str | None = None,
    sources: Iterable[str] = ("ballroom", "aistpp", "cmu"),
    styles: Iterable[str] | None = None,
) -> list[Clip]:
    """Load clips of ``sources``, keeping those whose ``split`` equals ``split`` (None: all) and
    whose style is in ``styles`` (None: every style of `generation.styles.STYLES`).

    ``split="train"`` means every trainable clip (`is_trainable`), "unused" AIST++ ones included;
    ask for ``"unused"`` to get only those.
    """
    if split is not None and split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; expected one of {SPLITS}")
    wanted = set(STYLES if styles is None else styles)
    unknown = wanted - set(STYLES)
    if unknown:
        raise ValueError(f"unknown styles {sorted(unknown)}")
    clips = []
    for source in sources:
        if source not in SOURCES:
            raise ValueError(f"unknown source {source!r}; expected one of {tuple(SOURCES)}")
        clips += [clip for clip in SOURCES[source]() if clip.style in wanted]
    if split == "train":
        return [clip for clip in clips if is_trainable(clip)]
    if split is not None:
        return [clip for clip in clips if clip.split == split]
    return clips


def style_minutes(clips: Iterable[Clip]) -> dict[str, float]:
    """Minutes of motion per style, in `generation.styles.STYLES` order (styles with data only)."""
    seconds: dict[str, float] = defaultdict(float)
    for clip in clips:
        seconds[clip.style] += clip.duration_s
    return {style: seconds[style] / 60.0 for style in STYLES if style in seconds}
