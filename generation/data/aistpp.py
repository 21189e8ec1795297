"""AIST++ street dance (``datasets/aistpp``): 10 genres, no music but a known tempo.

Two kinds of file, both loaded as source ``"aistpp"`` clips named by their sequence:

- ``annotations/<seq>.npz`` (5 sequences): ``keypoints3d_optim`` COCO-17 ``(T, 17, 3)`` in cm at
  60 fps, +Y up, floor about 70 cm above 0. Mapped by ``SOURCE_LAYOUTS["coco17"]``, resampled to
  30 fps.
- ``retargeted_vrm19/<seq>.npz`` (190 sequences): local bone rotations of a VRM avatar at 60 fps.
  In 153 files every frame but the first is doubled (30 fps of real motion); from those, frames
  1, 3, 5, ... are taken, so frame ``k`` is source time ``(2k + 1) / 60`` s, 17 ms after ``k / 30``.
  The other 37 files (contrary to the README) hold 60 distinct, smooth frames per second; from
  those, frames 0, 2, 4, ... are taken.
  Joint positions come from `generation.data.vrm.forward_kinematics` and map by
  ``SOURCE_LAYOUTS["vrm19"]``. The retarget removed horizontal root motion, so these clips dance
  on the spot (root x, z = 0 in the avatar's space); the hips height is kept.

The music is not redistributable, but its id fixes the tempo (``music_bpm.json``) and basic
(``sBM``) sequences start on a beat and last exactly 16 beats, so ``first_beat_s = 0.0`` there.
The floor of both kinds is one constant per clip, set from the lowest joint.
"""

import json
from functools import cache
from pathlib import Path

import numpy as np

from generation.data.cleaning import clean_poses
from generation.data.clip import Clip
from generation.data.floor import put_on_floor
from generation.data.paths import datasets_dir
from generation.data.resample import resample
from generation.data.splits import split_of
from generation.data.vrm import forward_kinematics
from scoring.skeleton import CANONICAL_FPS, to_canonical

GENRE_STYLES = {
    "gBR": "break",
    "gPO": "pop",
    "gLO": "lock",
    "gMH": "middle-hiphop",
    "gLH": "la-hiphop",
    "gHO": "house",
    "gWA": "waack",
    "gKR": "krump",
    "gJS": "street-jazz",
    "gJB": "ballet-jazz",
}
SOURCE_FPS = 60.0
CM = 0.01


def aistpp_dir() -> Path:
    return datasets_dir() / "aistpp"


@cache
def music_bpm() -> dict[str, float]:
    """Tempo of every AIST++ music id (``"mBR0"`` -> 80.0)."""
    bpm = json.loads((aistpp_dir() / "music_bpm.json").read_text())["bpm"]
    return {music: float(value) for music, value in bpm.items()}


def annotation_frames(path: Path) -> tuple[np.ndarray, int]:
    """Canonical frames ``(T, 15, 3)`` at 60 fps (metres, floor at 0, cleaned) of an annotation
    file, and the number of frames cleaning replaced."""
    with np.load(path) as data:
        keypoints = data["keypoints3d_optim"] * CM
    return clean_poses(put_on_floor(to_canonical(keypoints, "coco17")), SOURCE_FPS)


def _doubled(rotations: np.ndarray) -> bool:
    """Whether the 60 fps ``rotations`` ``(T, 19, 4)`` come in identical pairs (1 = 2, 3 = 4...)."""
    same = np.all(rotations[1:-1:2] == rotations[2::2], axis=(1, 2))
    return bool(same.mean() > 0.9)


def retargeted_frames(path: Path) -> tuple[np.ndarray, int]:
    """Canonical frames ``(about T / 2, 15, 3)`` at 30 fps (metres, floor at 0, cleaned) of a
    retargeted file, and the number of frames cleaning replaced."""
    with np.load(path) as data:
        rotations = data["bone_quat_xyzw"]
        hips = data["hips_position_m"]
    start = 1 if _doubled(rotations) else 0
    joints = forward_kinematics(rotations[start::2], hips[start::2])
    return clean_poses(put_on_floor(to_canonical(joints, "vrm19")), CANONICAL_FPS)


def _clip(path: Path, frames: np.ndarray) -> Clip:
    name = path.stem
    genre, situation, _camera, _dancer, music, _choreography = name.split("_")
    basic = situation == "sBM"
    return Clip(
        name=name,
        source="aistpp",
        style=GENRE_STYLES[genre],
        frames=frames,
        fps=CANONICAL_FPS,
        audio_path=None,
        audio_offset_s=0.0,
        bpm=music_bpm()[music],
        first_beat_s=0.0 if basic else None,
        advanced=not basic,
        split=split_of("aistpp", name),
    )


def load_annotation(path: Path) -> Clip:
    frames, _ = annotation_frames(path)
    return _clip(path, resample(frames, SOURCE_FPS, CANONICAL_FPS))


def load_retargeted(path: Path) -> Clip:
    frames, _ = retargeted_frames(path)
    return _clip(path, frames)


def aistpp_clips() -> list[Clip]:
    """Every shipped AIST++ sequence except those on the ``ignore`` list, annotations first."""
    clips = [load_annotation(p) for p in sorted((aistpp_dir() / "annotations").glob("*.npz"))]
    clips += [load_retargeted(p) for p in sorted((aistpp_dir() / "retargeted_vrm19").glob("*.npz"))]
    return [clip for clip in clips if clip.split != "ignore"]
