"""CMU motion capture (``datasets/cmu``): salsa couples as BVH, no music.

Every salsa recording holds two dancers (``60_NN`` lead, ``61_NN`` follow, one shared world frame);
each partner becomes its own clip of style ``"salsa"``. Facts from ``cmu/index.json`` and its
README, not from the BVH headers:

- the salsa headers say 120 fps but the capture is 60 fps (``capture_fps``); 05_06 is 120 fps;
- one salsa file unit is 1.28 m, one 05_06 unit 0.0564444 m (``units.meters_per_unit``);
- +Y up; the figures' left is +X when facing +Z, i.e. right-handed like the canonical skeleton.

Joints map by ``SOURCE_LAYOUTS["bvh_salsa43"]`` / ``["bvh_cmu31"]``. The floor is one constant per
clip, set from the lowest joint as for AIST++ (the salsa figure's toe End Sites would put the
ankles only 3-4 cm above the floor, lower than in every other source).

05_06 (modern dance) is readable with `load_cmu` but is not in `cmu_clips`: its style is not one
of `generation.styles.STYLES`.
"""

import json
from pathlib import Path

import numpy as np

from generation.data.bvh import node_positions, read_bvh
from generation.data.cleaning import clean_poses
from generation.data.clip import Clip
from generation.data.floor import put_on_floor
from generation.data.paths import cache_dir, datasets_dir
from generation.data.resample import resample
from generation.data.splits import split_of
from scoring.skeleton import CANONICAL_FPS, SOURCE_LAYOUTS, to_canonical

LAYOUTS = {43: "bvh_salsa43", 31: "bvh_cmu31"}


def cmu_dir() -> Path:
    return datasets_dir() / "cmu"


def cmu_index() -> list[dict]:
    """The per-file entries of ``cmu/index.json``."""
    return json.loads((cmu_dir() / "index.json").read_text())["files"]


def cmu_frames(entry: dict) -> tuple[np.ndarray, int]:
    """Canonical frames ``(T, 15, 3)`` at the true capture rate (metres, floor at 0, cleaned)
    of one index entry, and the number of frames cleaning replaced."""
    bvh = read_bvh(cmu_dir() / entry["file"], cache=cache_dir() / "bvh-motion")
    layout = SOURCE_LAYOUTS[LAYOUTS[entry["joint_count"]]]
    used = [node for nodes in layout.values() for node in nodes]
    positions = node_positions(bvh, used) * entry["units"]["meters_per_unit"]
    frames = put_on_floor(to_canonical(positions, layout))
    return clean_poses(frames, float(entry["capture_fps"]))


def load_cmu(entry: dict) -> Clip:
    """One CMU file as a 30 fps clip (style ``"salsa"``, or ``"modern"`` for 05_06)."""
    frames, _ = cmu_frames(entry)
    return Clip(
        name=entry["cmu_trial"],
        source="cmu",
        style="salsa" if entry["dance_kind"] == "salsa" else "modern",
        frames=resample(frames, float(entry["capture_fps"]), CANONICAL_FPS),
        fps=CANONICAL_FPS,
        audio_path=None,
        audio_offset_s=0.0,
        bpm=None,
        first_beat_s=None,
        advanced=None,
        split=split_of("cmu", entry["cmu_trial"]),
    )


def cmu_clips() -> list[Clip]:
    """Every salsa partner of every recording, in index order."""
    return [load_cmu(entry) for entry in cmu_index() if entry["dance_kind"] == "salsa"]
