"""The ballroom capture (Tang et al. 2018): waltz, tango, cha-cha and rumba with their music.

Source (``datasets/ballroom/README.md``): ``motion/<id>.npz`` ``positions`` ``(T, 23, 3)`` in
centimetres at 25 fps, +Y up; ``audio/<id>.ogg`` with frame 0 at ``audio_offset_s``. The joints
map to the canonical skeleton by ``SOURCE_LAYOUTS["ballroom23"]``. The root drifts upward in many
takes, so the floor is re-estimated per 4 s window from the lowest point (heel or toe).
"""

import json
from pathlib import Path

import numpy as np

from generation.data.cleaning import clean_poses
from generation.data.clip import Clip
from generation.data.floor import drifting_floor
from generation.data.paths import datasets_dir
from generation.data.resample import resample
from generation.data.splits import split_of
from scoring.skeleton import CANONICAL_FPS, to_canonical

CM = 0.01


def ballroom_dir() -> Path:
    return datasets_dir() / "ballroom"


def ballroom_index() -> list[dict]:
    """The per-sequence entries of ``ballroom/index.json``."""
    return json.loads((ballroom_dir() / "index.json").read_text())["sequences"]


def load_ballroom_frames(entry: dict) -> tuple[np.ndarray, int]:
    """Canonical frames ``(T, 15, 3)`` (metres, floor at 0, cleaned, still at the source's 25 fps)
    of one index entry, and the number of frames cleaning replaced."""
    with np.load(ballroom_dir() / entry["motion_file"]) as data:
        positions = data["positions"] * CM
        fps = float(data["fps"])
    frames = to_canonical(positions, "ballroom23")
    frames[..., 1] -= drifting_floor(positions[..., 1].min(axis=1), fps)[:, None]
    return clean_poses(frames, fps)


def load_ballroom(entry: dict) -> Clip:
    """One ballroom sequence as a 30 fps clip."""
    frames, _ = load_ballroom_frames(entry)
    return Clip(
        name=entry["id"],
        source="ballroom",
        style=entry["style"],
        frames=resample(frames, float(entry["fps"]), CANONICAL_FPS),
        fps=CANONICAL_FPS,
        audio_path=ballroom_dir() / entry["audio_file"],
        audio_offset_s=float(entry["audio_offset_s"]),
        bpm=None,
        first_beat_s=None,
        advanced=None,
        split=split_of("ballroom", entry["id"]),
    )


def ballroom_clips() -> list[Clip]:
    """Every ballroom sequence, in index order."""
    return [load_ballroom(entry) for entry in ballroom_index()]
