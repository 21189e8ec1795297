"""One dance clip in canonical form, whatever data set it came from."""

from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass
class Clip:
    """A dance clip: canonical poses plus what is known about its music.

    ``frames`` is float32 ``(T, 15, 3)`` (joints of `scoring.skeleton.JOINTS`), metres, +Y up,
    at ``fps`` (always `scoring.skeleton.CANONICAL_FPS`), absolute positions with the floor at
    y = 0; `scoring.skeleton.split_root` gives root trajectory and root-relative joints.
    """

    name: str  # the data set's own id: "DANCE_W_1", "gPO_sBM_cAll_d10_mPO1_ch01", "60_01"
    source: str  # "ballroom" | "aistpp" | "cmu"
    style: str  # a slug of generation.styles.STYLES
    frames: np.ndarray
    fps: float
    audio_path: Path | None  # the music, where the data set has it (ballroom only)
    audio_offset_s: float  # time in audio_path at which frame 0 plays
    bpm: float | None  # known tempo (AIST++ music ids); None when unknown
    first_beat_s: float | None  # time of a beat on the clip clock (AIST++ basic dances: 0.0)
    advanced: bool | None  # AIST++ sFM (advanced) -> True, sBM (basic) -> False; else None
    split: str  # "train" | "val" | "test" | "unused" (in no list: AIST++ only, train-eligible)

    @property
    def duration_s(self) -> float:
        return len(self.frames) / self.fps
