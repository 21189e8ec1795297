"""A routine as a BVH file, for animators: a skeleton with rest offsets and a rotation per joint
and frame, readable by Blender, MotionBuilder, Maya and `generation.data.bvh`.

The skeleton is the canonical one (`scoring.skeleton.JOINTS`), rooted at the pelvis, plus two
helper joints at zero offset, ``spine`` (at the pelvis, turning the back) and ``head_base`` (at
the neck, turning the head), so that the back and the head can bend away from the line of the
hips and of the shoulders:

    pelvis ─ left_hip ─ left_knee ─ left_ankle        (and right_...)
           └ spine ─ neck ─ left_shoulder ─ left_elbow ─ left_wrist   (and right_...)
                          └ head_base ─ head

Rest pose: a T-pose facing +Z, +Y up, the dancer's left on +X, in centimetres. Each rest
offset is the routine's own median bone length (hip and shoulder width split in two). Rotations
are Euler angles in degrees, channels ``Zrotation Xrotation Yrotation`` (``R = Rz @ Rx @ Ry``):

- the pelvis turns with the hips (X along the hip line, Y towards the neck), the spine towards
  the neck, the neck with the shoulder line, ``head_base`` towards the head;
- each hip, knee, shoulder and elbow swings its bone from the rest direction to the routine's
  by the smallest rotation (positions carry no twist); ankles, wrists and the head keep the rest
  rotation.

A generated routine's bones are not rigid (they vary by a few centimetres from frame to frame),
so every joint also has ``Xposition Yposition Zposition`` channels: the stretch of its bone
along the rest offset, in the parent's frame, which makes the file re-import to the routine's
joint positions exactly (to the 0.1 mm of the written numbers). Software that ignores non-root
translations (most retargeting does) gets the rigid skeleton with the same bone directions.
Joints, ankles and wrists end in a short End Site (foot, hand, top of the head) so that no
bone has zero length.
"""

from dataclasses import dataclass

import numpy as np

from scoring.skeleton import JOINT_INDEX, JOINTS

CENTIMETRES_PER_METRE = 100.0
ROTATION_CHANNELS = ("Zrotation", "Xrotation", "Yrotation")
POSITION_CHANNELS = ("Xposition", "Yposition", "Zposition")
# Length of the End Sites (foot, hand, top of the head), centimetres; cosmetic.
END_SITE_CM = 8.0

_X, _Y, _Z = np.eye(3)


@dataclass(frozen=True)
class _Joint:
    name: str
    parent: str | None
    # Where the joint sits in the routine: a canonical joint, or the one a helper joint shares.
    at: str
    # Rest offset from the parent: a unit direction and the routine bone it is as long as
    # ((from, to), scale), or no bone (zero offset).
    direction: np.ndarray
    bone: tuple[tuple[str, str], float] | None
    end_site: np.ndarray | None = None  # unit direction of the End Site, for leaves


# In file order (depth first), which is also the order of the motion columns.
HIERARCHY = (
    _Joint("pelvis", None, "pelvis", np.zeros(3), None),
    _Joint("left_hip", "pelvis", "left_hip", _X, (("right_hip", "left_hip"), 0.5)),
    _Joint("left_knee", "left_hip", "left_knee", -_Y, (("left_hip", "left_knee"), 1.0)),
    _Joint("left_ankle", "left_knee", "left_ankle", -_Y, (("left_knee", "left_ankle"), 1.0), _Z),
    _Joint("right_hip", "pelvis", "right_hip", -_X, (("left_hip", "right_hip"), 0.5)),
    _Joint("right_knee", "right_hip", "right_knee", -_Y, (("right_hip", "right_knee"), 1.0)),
    _Joint(
        "right_ankle", "right_knee", "right_ankle", -_Y, (("right_knee", "right_ankle"), 1.0), _Z
    ),
    _Joint("spine", "pelvis", "pelvis", np.zeros(3), None),
    _Joint("neck", "spine", "neck", _Y, (("pelvis", "neck"), 1.0)),
    _Joint(
        "left_shoulder", "neck", "left_shoulder", _X, (("right_shoulder", "left_shoulder"), 0.5)
    ),
    _Joint("left_elbow", "left_shoulder", "left_elbow", _X, (("left_shoulder", "left_elbow"), 1.0)),
    _Joint("left_wrist", "left_elbow", "left_wrist", _X, (("left_elbow", "left_wrist"), 1.0), _X),
    _Joint(
        "right_shoulder", "neck", "right_shoulder", -_X, (("left_shoulder", "right_shoulder"), 0.5)
    ),
    _Joint(
        "right_elbow",
        "right_shoulder",
        "right_elbow",
        -_X,
        (("right_shoulder", "right_elbow"), 1.0),
    ),
    _Joint(
        "right_wrist", "right_elbow", "right_wrist", -_X, (("right_elbow", "right_wrist"), 1.0), -_X
    ),
    _Joint("head_base", "neck", "neck", np.zeros(3), None),
    _Joint("head", "head_base", "head", _Y, (("neck", "head"), 1.0), _Y),
)
# The joint whose bone each swinging joint aims (its only child in the routine).
_AIMS = {
    "left_hip": "left_knee",
    "left_knee": "left_ankle",
    "right_hip": "right_knee",
    "right_knee": "right_ankle",
    "left_shoulder": "left_elbow",
    "left_elbow": "left_wrist",
    "right_shoulder": "right_elbow",
    "right_elbow": "right_wrist",
}


def routine_bvh(frames: np.ndarray, fps: float, joints=JOINTS) -> str:
    """BVH text of a routine: ``frames (T, J, 3)`` joint positions in metres, +Y up, at `fps`,
    joints named by `joints` (the canonical ones, any order). Raises ValueError for frames that
    are not finite or lack a canonical joint."""
    positions = _canonical(frames, joints)
    rest = rest_offsets(positions)
    world = _world_rotations(positions)
    index = {joint.name: i for i, joint in enumerate(HIERARCHY)}

    columns = []
    for joint in HIERARCHY:
        here = positions[:, JOINT_INDEX[joint.at]]
        if joint.parent is None:
            translation = here
            local = world[joint.name]
        else:
            parent = HIERARCHY[index[joint.parent]]
            parent_world = world[parent.name]
            offset = np.einsum(
                "tji,tj->ti", parent_world, here - positions[:, JOINT_INDEX[parent.at]]
            )
            translation = offset - rest[joint.name]
            local = np.einsum("tji,tjk->tik", parent_world, world[joint.name])
        columns.append(translation * CENTIMETRES_PER_METRE)
        columns.append(euler_zxy_degrees(local))
    motion = np.concatenate(columns, axis=1)
    return _hierarchy_text(rest) + _motion_text(motion, fps)


def rest_offsets(positions: np.ndarray) -> dict[str, np.ndarray]:
    """Each BVH joint's rest offset from its parent, metres ``(3,)``: the median length over the
    routine of the bone it stands for, along the joint's rest direction."""
    offsets = {}
    for joint in HIERARCHY:
        if joint.bone is None:
            offsets[joint.name] = np.zeros(3)
            continue
        (start, end), scale = joint.bone
        lengths = np.linalg.norm(
            positions[:, JOINT_INDEX[end]] - positions[:, JOINT_INDEX[start]], axis=1
        )
        offsets[joint.name] = joint.direction * scale * float(np.median(lengths))
    return offsets


def euler_zxy_degrees(rotations: np.ndarray) -> np.ndarray:
    """``(T, 3)`` angles (z, x, y) in degrees with ``R = Rz(z) @ Rx(x) @ Ry(y)`` for each of
    ``rotations (T, 3, 3)``; at the gimbal lock (x = ±90°) y is 0."""
    x = np.arcsin(np.clip(rotations[:, 2, 1], -1.0, 1.0))
    locked = np.abs(rotations[:, 2, 1]) > 1 - 1e-9
    z = np.where(
        locked,
        np.arctan2(rotations[:, 1, 0], rotations[:, 0, 0]),
        np.arctan2(-rotations[:, 0, 1], rotations[:, 1, 1]),
    )
    y = np.where(locked, 0.0, np.arctan2(-rotations[:, 2, 0], rotations[:, 2, 2]))
    return np.degrees(np.stack([z, x, y], axis=1))


def _canonical(frames: np.ndarray, joints) -> np.ndarray:
    frames = np.asarray(frames, dtype=np.float64)
    joints = list(joints)
    if frames.ndim != 3 or frames.shape[2] != 3 or frames.shape[1] != len(joints):
        raise ValueError(f"frames of shape {frames.shape} do not fit {len(joints)} joints")
    missing = [name for name in JOINTS if name not in joints]
    if missing:
        raise ValueError(f"the routine lacks the joints {missing}")
    if len(frames) == 0 or not np.isfinite(frames).all():
        raise ValueError("the routine has no frames or frames that are not finite")
    return frames[:, [joints.index(name) for name in JOINTS]]


def _world_rotations(positions: np.ndarray) -> dict[str, np.ndarray]:
    """Each BVH joint's world rotation ``(T, 3, 3)`` (columns: its local axes in the world)."""

    def at(name: str) -> np.ndarray:
        return positions[:, JOINT_INDEX[name]]

    hip_line = at("left_hip") - at("right_hip")
    shoulder_line = at("left_shoulder") - at("right_shoulder")
    back = at("neck") - at("pelvis")
    world = {
        "pelvis": _frame(hip_line, back, exact="x"),
        "spine": _frame(shoulder_line, back, exact="y"),
        "head_base": _frame(shoulder_line, at("head") - at("neck"), exact="y"),
    }
    world["neck"] = _frame(shoulder_line, back, exact="x")
    index = {joint.name: joint for joint in HIERARCHY}
    for joint in HIERARCHY:
        if joint.name in world:
            continue
        parent = world[joint.parent]
        if joint.name not in _AIMS:
            world[joint.name] = parent
            continue
        child = index[_AIMS[joint.name]]
        bone = at(child.at) - at(joint.at)
        local_bone = np.einsum("tji,tj->ti", parent, bone)
        world[joint.name] = parent @ _swing(child.direction, local_bone)
    return world


def _frame(x: np.ndarray, y: np.ndarray, exact: str) -> np.ndarray:
    """``(T, 3, 3)`` right-handed orthonormal frames (columns X, Y, Z) from ``x`` and ``y``
    ``(T, 3)``: the axis named by `exact` ("x" or "y") along its vector, the other made
    perpendicular to it, Z = X × Y."""

    def unit(v: np.ndarray) -> np.ndarray:
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    if exact == "x":
        x = unit(x)
        y = unit(y - np.einsum("ti,ti->t", y, x)[:, None] * x)
    else:
        y = unit(y)
        x = unit(x - np.einsum("ti,ti->t", x, y)[:, None] * y)
    return np.stack([x, y, np.cross(x, y)], axis=2)


def _swing(rest: np.ndarray, target: np.ndarray) -> np.ndarray:
    """``(T, 3, 3)``: the smallest rotation taking the unit vector `rest` ``(3,)`` to the
    direction of each ``target (T, 3)`` (a half turn about a perpendicular axis when opposite)."""
    b = target / np.linalg.norm(target, axis=1, keepdims=True)
    a = np.broadcast_to(rest, b.shape)
    axis = np.cross(a, b)
    cosine = np.einsum("ti,ti->t", a, b)
    opposite = cosine < -1 + 1e-9
    if opposite.any():
        perpendicular = np.cross(rest, _X if abs(rest[0]) < 0.9 else _Y)
        axis = axis.copy()
        axis[opposite] = perpendicular / np.linalg.norm(perpendicular)
    skew = np.zeros(b.shape[:1] + (3, 3))
    skew[:, 0, 1], skew[:, 0, 2], skew[:, 1, 2] = -axis[:, 2], axis[:, 1], -axis[:, 0]
    skew -= np.swapaxes(skew, 1, 2)
    # Rodrigues with |axis| = sin: R = I + K + K^2 / (1 + cos); a half turn is I + 2 K^2.
    factor = np.where(opposite, 2.0, 1.0 / np.maximum(1.0 + cosine, 1e-12))
    rotation = np.eye(3) + np.where(opposite[:, None, None], 0.0, skew)
    return rotation + factor[:, None, None] * (skew @ skew)


def _hierarchy_text(rest: dict[str, np.ndarray]) -> str:
    children: dict[str | None, list[_Joint]] = {}
    for joint in HIERARCHY:
        children.setdefault(joint.parent, []).append(joint)
    channels = " ".join(POSITION_CHANNELS + ROTATION_CHANNELS)
    lines = ["HIERARCHY"]

    def write(joint: _Joint, depth: int) -> None:
        pad = "  " * depth
        keyword = "ROOT" if joint.parent is None else "JOINT"
        lines.append(f"{pad}{keyword} {joint.name}")
        lines.append(f"{pad}{{")
        lines.append(f"{pad}  OFFSET {_numbers(rest[joint.name] * CENTIMETRES_PER_METRE)}")
        lines.append(f"{pad}  CHANNELS 6 {channels}")
        for child in children.get(joint.name, []):
            write(child, depth + 1)
        if joint.end_site is not None:
            lines.append(f"{pad}  End Site")
            lines.append(f"{pad}  {{")
            lines.append(f"{pad}    OFFSET {_numbers(joint.end_site * END_SITE_CM)}")
            lines.append(f"{pad}  }}")
        lines.append(f"{pad}}}")

    write(children[None][0], 0)
    return "\n".join(lines) + "\n"


def _motion_text(motion: np.ndarray, fps: float) -> str:
    rows = "\n".join(_numbers(row) for row in motion)
    return f"MOTION\nFrames: {len(motion)}\nFrame Time: {1.0 / fps:.8f}\n{rows}\n"


def _numbers(values: np.ndarray) -> str:
    # Rounded first, and + 0.0 turns -0.0 into 0.0, so no "-0.0000" is written.
    return " ".join(f"{value:.4f}" for value in np.round(values, 4) + 0.0)
