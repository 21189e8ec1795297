"""Joint positions from the AIST++ retarget onto a VRM avatar: a rest skeleton plus forward
kinematics.

The retarget (``datasets/aistpp/retargeted_vrm19``) gives each of 19 VRM humanoid bones a local
rotation per frame, and the hips height, but not the avatar's rest offsets. VRM requires a T-pose
rest with every node's rotation the identity, so each rest offset is a direction fixed by the
bone's role times a length. The VRoid raw rig, in its own glTF model space, faces -Z with its
left side at -X, +Y up (right-handed): checked on the data, where knees and elbows bend towards
-Z (see the tests). Directions:

- legs: hips -> upper leg sideways and slightly down, upper leg -> lower leg -> foot straight down;
- spine: hips -> spine -> chest -> neck -> head straight up;
- arms: chest -> shoulder up and slightly out, shoulder -> upper arm -> lower arm -> hand
  straight out sideways (the T of the T-pose).

Lengths come from the dancers, not the avatar: the median over the 5 annotated AIST++ sequences of
``coco17_bone_length_cm`` (hip width, shoulder width, torso side, thigh, shin, upper arm, forearm)
and of the ear-midpoint height above the shoulder midpoint in ``keypoints3d_optim``. How the
torso height is divided between hips, spine and chest is a choice (fractions below); only spine
bending depends on it.
"""

from functools import cache

import numpy as np

from generation.data.paths import datasets_dir

BONES = (
    "hips",
    "spine",
    "chest",
    "neck",
    "head",
    "leftShoulder",
    "leftUpperArm",
    "leftLowerArm",
    "leftHand",
    "rightShoulder",
    "rightUpperArm",
    "rightLowerArm",
    "rightHand",
    "leftUpperLeg",
    "leftLowerLeg",
    "leftFoot",
    "rightUpperLeg",
    "rightLowerLeg",
    "rightFoot",
)
PARENTS = (-1, 0, 1, 2, 3, 2, 5, 6, 7, 2, 9, 10, 11, 0, 13, 14, 0, 16, 17)
BONE_INDEX = {name: i for i, name in enumerate(BONES)}

# Heights along the torso as fractions of hip-joint-to-shoulder-joint height, after the VRoid
# rig: the hips node sits a little above the hip joints, the chest at mid-torso.
_HIPS_ABOVE_HIP_JOINTS = 0.10
_SPINE_ABOVE_HIPS = 0.12
_CHEST_ABOVE_SPINE = 0.25
# The clavicle root sits this far (metres) from the midline.
_CLAVICLE_ROOT_X = 0.02


def _coco_lengths_m() -> dict[str, float]:
    """Median dancer proportions over the annotated AIST++ sequences, metres."""
    edge_lengths, ear_heights = [], []
    for path in sorted((datasets_dir() / "aistpp" / "annotations").glob("*.npz")):
        with np.load(path) as data:
            edges = {
                tuple(e): length
                for e, length in zip(
                    data["coco17_edges"].tolist(), data["coco17_bone_length_cm"], strict=True
                )
            }
            keypoints = data["keypoints3d_optim"]
        edge_lengths.append(edges)
        ears = keypoints[:, [3, 4]].mean(axis=1)
        shoulders = keypoints[:, [5, 6]].mean(axis=1)
        ear_heights.append(np.median(np.linalg.norm(ears - shoulders, axis=-1)))

    def median(*edges: tuple[int, int]) -> float:
        return float(np.median([d[e] for d in edge_lengths for e in edges])) * 0.01

    return {
        "shoulder_width": median((5, 6)),
        "hip_width": median((11, 12)),
        "torso_side": median((5, 11), (6, 12)),
        "upper_arm": median((5, 7), (6, 8)),
        "forearm": median((7, 9), (8, 10)),
        "thigh": median((11, 13), (12, 14)),
        "shin": median((13, 15), (14, 16)),
        "ear_above_shoulders": float(np.median(ear_heights)) * 0.01,
    }


@cache
def rest_offsets() -> np.ndarray:
    """``(19, 3)`` offset of each bone from its parent in the T-pose rest, metres, VRoid model
    space (faces -Z, left = -X, +Y up). The hips row is zero: its position is the root."""
    m = _coco_lengths_m()
    half_hips, half_shoulders = m["hip_width"] / 2, m["shoulder_width"] / 2
    torso = float(np.sqrt(m["torso_side"] ** 2 - (half_shoulders - half_hips) ** 2))
    hips_y = _HIPS_ABOVE_HIP_JOINTS * torso
    spine_y = _SPINE_ABOVE_HIPS * torso
    chest_y = _CHEST_ABOVE_SPINE * torso
    shoulder_rise = torso - hips_y - spine_y - chest_y  # chest -> shoulder joints
    offsets = {
        "spine": (0.0, spine_y, 0.0),
        "chest": (0.0, chest_y, 0.0),
        "neck": (0.0, shoulder_rise, 0.0),
        "head": (0.0, m["ear_above_shoulders"], 0.0),
        "leftShoulder": (-_CLAVICLE_ROOT_X, shoulder_rise, 0.0),
        "leftUpperArm": (-(half_shoulders - _CLAVICLE_ROOT_X), 0.0, 0.0),
        "leftLowerArm": (-m["upper_arm"], 0.0, 0.0),
        "leftHand": (-m["forearm"], 0.0, 0.0),
        "leftUpperLeg": (-half_hips, -hips_y, 0.0),
        "leftLowerLeg": (0.0, -m["thigh"], 0.0),
        "leftFoot": (0.0, -m["shin"], 0.0),
    }
    out = np.zeros((len(BONES), 3))
    for name, offset in offsets.items():
        out[BONE_INDEX[name]] = offset
        mirrored = name.replace("left", "right")
        if mirrored != name:
            out[BONE_INDEX[mirrored]] = (-offset[0], offset[1], offset[2])
    return out


def quat_to_matrix(quat_xyzw: np.ndarray) -> np.ndarray:
    """Rotation matrices ``(..., 3, 3)`` of quaternions ``(..., 4)`` in (x, y, z, w) order
    (normalised first: the source rounds to 4 decimals)."""
    q = quat_xyzw / np.linalg.norm(quat_xyzw, axis=-1, keepdims=True)
    x, y, z, w = np.moveaxis(q, -1, 0)
    return np.stack(
        [
            np.stack([1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)], -1),
            np.stack([2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)], -1),
            np.stack([2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)], -1),
        ],
        -2,
    )


def forward_kinematics(quat_xyzw: np.ndarray, hips_position: np.ndarray) -> np.ndarray:
    """Bone positions ``(T, 19, 3)`` in metres, VRoid model space, from local rotations
    ``(T, 19, 4)`` (x, y, z, w) and the hips position ``(T, 3)``, on the `rest_offsets` skeleton."""
    local = quat_to_matrix(quat_xyzw.astype(np.float64))
    offsets = rest_offsets()
    world = np.empty_like(local)
    positions = np.empty(quat_xyzw.shape[:2] + (3,))
    for bone, parent in enumerate(PARENTS):
        if parent < 0:
            world[:, bone] = local[:, bone]
            positions[:, bone] = hips_position
            continue
        world[:, bone] = world[:, parent] @ local[:, bone]
        positions[:, bone] = positions[:, parent] + world[:, parent] @ offsets[bone]
    return positions
