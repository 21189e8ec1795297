"""Dance data sets (ballroom, AIST++, CMU salsa) loaded as canonical 30 fps clips.

`load_clips` is the entry point; ``python -m generation.data`` prints minutes per style and split.
"""

from generation.data.clip import Clip
from generation.data.clips import is_trainable, load_clips, style_minutes

__all__ = ["Clip", "is_trainable", "load_clips", "style_minutes"]
