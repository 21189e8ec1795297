"""A small BVH reader and forward kinematics, for the CMU captures (``datasets/cmu``).

A BVH file is a ``HIERARCHY`` of joints (an ``OFFSET`` from the parent and the ``CHANNELS`` animated
per frame) followed by ``MOTION``: a frame count, a frame time and one line of channel values per
frame. Rotations are Euler angles in degrees, applied in the order the channels are listed
(``Zrotation Xrotation Yrotation`` means ``R = Rz @ Rx @ Ry``).

`Bvh.nodes` lists joints and End Sites in file order; an End Site is named ``<parent>_end``. The
index of a node in that list is what `scoring.skeleton.SOURCE_LAYOUTS` refers to.
"""

import gzip
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

_AXES = {"X": 0, "Y": 1, "Z": 2}


@dataclass(frozen=True)
class Bvh:
    nodes: tuple[str, ...]  # joint and End Site names, file order
    parents: tuple[int, ...]  # index of each node's parent, -1 for the root
    offsets: np.ndarray  # (N, 3) offset from the parent, file units
    channels: tuple[tuple[str, ...], ...]  # per node, e.g. ("Zrotation", "Xrotation", "Yrotation")
    motion: np.ndarray  # (T, C) channel values of every frame, file order
    frame_time: float  # seconds per frame as the header states it (may be wrong: see cmu/README)


def parse_bvh(text: str, motion: np.ndarray | None = None) -> Bvh:
    """Parse BVH text. Raises ValueError on a malformed file.

    ``motion`` ``(T, C)``, when given, is used instead of parsing the motion lines (the slow part:
    `read_bvh` caches it).
    """
    head, sep, motion_text = text.partition("MOTION")
    if not sep:
        raise ValueError("no MOTION section")
    tokens = head.split()
    nodes, parents, offsets, channels = [], [], [], []
    stack: list[int] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token in ("ROOT", "JOINT"):
            name = tokens[i + 1]
            i += 2
        elif token == "End":
            name = f"{nodes[stack[-1]]}_end"
            i += 2
        elif token == "{":
            stack.append(len(nodes) - 1)
            i += 1
            continue
        elif token == "}":
            stack.pop()
            i += 1
            continue
        elif token == "OFFSET":
            offsets[-1] = [float(v) for v in tokens[i + 1 : i + 4]]
            i += 4
            continue
        elif token == "CHANNELS":
            count = int(tokens[i + 1])
            channels[-1] = tuple(tokens[i + 2 : i + 2 + count])
            i += 2 + count
            continue
        else:  # "HIERARCHY"
            i += 1
            continue
        nodes.append(name)
        parents.append(stack[-1] if stack else -1)
        offsets.append([0.0, 0.0, 0.0])
        channels.append(())

    lines = motion_text.split("\n", 3)
    n_frames = int(lines[1].split(":")[1])
    frame_time = float(lines[2].split(":")[1])
    n_channels = sum(len(c) for c in channels)
    if motion is None:
        values = np.fromstring(lines[3], sep=" ")
        if values.size != n_frames * n_channels:
            raise ValueError(
                f"expected {n_frames} x {n_channels} motion values, found {values.size}"
            )
        motion = values.reshape(n_frames, n_channels)
    elif motion.shape != (n_frames, n_channels):
        raise ValueError(f"motion of shape {motion.shape} does not fit {n_frames} x {n_channels}")
    return Bvh(
        nodes=tuple(nodes),
        parents=tuple(parents),
        offsets=np.array(offsets),
        channels=tuple(channels),
        motion=motion,
        frame_time=frame_time,
    )


def read_bvh(path: Path, cache: Path | None = None) -> Bvh:
    """Read a ``.bvh`` or gzipped ``.bvh.gz`` file.

    With a ``cache`` folder, the parsed motion is kept there as ``.npy``, keyed by the file's name,
    size and modification time; later reads skip parsing the numbers.
    """
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt") as handle:
        text = handle.read()
    if cache is None:
        return parse_bvh(text)
    stat = path.stat()
    cached = cache / f"{path.name}-{stat.st_size}-{stat.st_mtime_ns}.npy"
    if cached.exists():
        return parse_bvh(text, motion=np.load(cached))
    bvh = parse_bvh(text)
    cache.mkdir(parents=True, exist_ok=True)
    # Write then rename, so a reader never sees half a file.
    partial = cached.with_suffix(f".{os.getpid()}.partial")
    with open(partial, "wb") as handle:
        np.save(handle, bvh.motion)
    partial.replace(cached)
    return bvh


def axis_rotation(axis: int, degrees: np.ndarray) -> np.ndarray:
    """``(T, 3, 3)`` rotations by ``degrees`` ``(T,)`` about one coordinate axis."""
    angle = np.radians(degrees)
    c, s = np.cos(angle), np.sin(angle)
    out = np.zeros(angle.shape + (3, 3))
    a, b = [(1, 2), (2, 0), (0, 1)][axis]
    out[:, axis, axis] = 1.0
    out[:, a, a] = c
    out[:, b, b] = c
    out[:, a, b] = -s
    out[:, b, a] = s
    return out


def node_positions(bvh: Bvh, wanted: Iterable[int] | None = None) -> np.ndarray:
    """World positions ``(T, N, 3)`` of the nodes (joints and End Sites), file units.

    With ``wanted`` (node indices) only those nodes and their ancestors are computed; the other
    rows are NaN. Saves the finger joints, which no canonical joint needs.
    """
    needed = np.ones(len(bvh.nodes), dtype=bool)
    if wanted is not None:
        needed[:] = False
        for node in wanted:
            while node >= 0 and not needed[node]:
                needed[node] = True
                node = bvh.parents[node]
    n_frames = len(bvh.motion)
    world = np.empty((n_frames, len(bvh.nodes), 3, 3))
    positions = np.full((n_frames, len(bvh.nodes), 3), np.nan)
    first_column = np.cumsum([0] + [len(c) for c in bvh.channels])
    for node, parent in enumerate(bvh.parents):
        if not needed[node]:
            continue
        local = np.broadcast_to(np.eye(3), (n_frames, 3, 3))
        translation = np.broadcast_to(bvh.offsets[node], (n_frames, 3)).copy()
        for column, name in enumerate(bvh.channels[node], start=first_column[node]):
            axis = _AXES[name[0]]
            if name.endswith("position"):
                translation[:, axis] += bvh.motion[:, column]
            else:
                # Channel order is multiplication order: "Z X Y" gives Rz @ Rx @ Ry.
                local = local @ axis_rotation(axis, bvh.motion[:, column])
        if parent < 0:
            world[:, node] = local
            positions[:, node] = translation
        else:
            world[:, node] = world[:, parent] @ local
            positions[:, node] = positions[:, parent] + np.einsum(
                "tij,tj->ti", world[:, parent], translation
            )
    return positions
