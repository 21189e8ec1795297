"""The canonical skeleton: one joint set that every data source and the live tracker provide.

Both `generation` and `scoring` use this module; it depends on numpy only.

Canonical pose arrays are float32 ``(T, J, 3)`` in metres, +Y up, at ``CANONICAL_FPS`` frames
per second, where ``J == len(JOINTS)``. A routine stores the root trajectory (the pelvis) and the
joints as absolute positions; `split_root` gives root-relative joints when a model needs them.

Every source maps onto these 15 joints. Twelve are read directly (shoulders, elbows, wrists,
hips, knees, ankles); the other three are derived the same way for every source so that they
mean the same thing everywhere:

- ``pelvis`` is the midpoint of the two hip joints,
- ``neck`` is the midpoint of the two shoulders,
- ``head`` is the centre of the head points the source has (``SOURCE_LAYOUTS[...]["head"]``).
"""

import numpy as np

CANONICAL_FPS = 30.0

JOINTS = (
    "pelvis",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
    "neck",
    "head",
    "left_shoulder",
    "right_shoulder",
    "left_elbow",
    "right_elbow",
    "left_wrist",
    "right_wrist",
)
JOINT_INDEX = {name: i for i, name in enumerate(JOINTS)}

# (parent, child) pairs, used for drawing, bone lengths and torso scale.
BONES = (
    ("pelvis", "left_hip"),
    ("pelvis", "right_hip"),
    ("left_hip", "left_knee"),
    ("left_knee", "left_ankle"),
    ("right_hip", "right_knee"),
    ("right_knee", "right_ankle"),
    ("pelvis", "neck"),
    ("neck", "head"),
    ("neck", "left_shoulder"),
    ("left_shoulder", "left_elbow"),
    ("left_elbow", "left_wrist"),
    ("neck", "right_shoulder"),
    ("right_shoulder", "right_elbow"),
    ("right_elbow", "right_wrist"),
)
BONE_INDEX = np.array([(JOINT_INDEX[a], JOINT_INDEX[b]) for a, b in BONES], dtype=np.int64)

# Body parts that feedback names ("fix your left arm"). Every joint belongs to exactly one part.
BODY_PARTS = {
    "head": ("head",),
    "torso": ("pelvis", "neck", "left_hip", "right_hip", "left_shoulder", "right_shoulder"),
    "left_arm": ("left_elbow", "left_wrist"),
    "right_arm": ("right_elbow", "right_wrist"),
    "left_leg": ("left_knee", "left_ankle"),
    "right_leg": ("right_knee", "right_ankle"),
}
BODY_PART_INDEX = {part: [JOINT_INDEX[j] for j in joints] for part, joints in BODY_PARTS.items()}


# COCO-17 keypoints with left and right exchanged (eyes, ears, shoulders, elbows, wrists, hips,
# knees, ankles): a mirrored COCO-17 detection.
COCO_MIRROR = np.array([0, 2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14, 13, 16, 15])


def _mirror_permutation() -> np.ndarray:
    swapped = []
    for name in JOINTS:
        if name.startswith("left_"):
            name = "right_" + name[len("left_") :]
        elif name.startswith("right_"):
            name = "left_" + name[len("right_") :]
        swapped.append(JOINT_INDEX[name])
    return np.array(swapped, dtype=np.int64)


# MIRROR[j] is the joint that j becomes when left and right are exchanged.
MIRROR = _mirror_permutation()

# How each source's joints map to the canonical ones: canonical name -> source joint indices,
# averaged. "pelvis" and "neck" are never listed: `to_canonical` derives them.
_DIRECT = (
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
    "left_shoulder",
    "right_shoulder",
    "left_elbow",
    "right_elbow",
    "left_wrist",
    "right_wrist",
)

SOURCE_LAYOUTS: dict[str, dict[str, tuple[int, ...]]] = {
    # MediaPipe Pose, 33 landmarks: 7/8 ears, 11/12 shoulders, 13/14 elbows, 15/16 wrists,
    # 23/24 hips, 25/26 knees, 27/28 ankles (left first). Head = midpoint of the ears.
    "mediapipe33": dict(
        zip(
            _DIRECT,
            ((23,), (24,), (25,), (26,), (27,), (28,), (11,), (12,), (13,), (14,), (15,), (16,)),
            strict=True,
        ),
        head=(7, 8),
    ),
    # COCO-17 (AIST++ keypoints2d/keypoints3d): 3/4 ears, 5/6 shoulders, 7/8 elbows,
    # 9/10 wrists, 11/12 hips, 13/14 knees, 15/16 ankles. Head = midpoint of the ears.
    "coco17": dict(
        zip(
            _DIRECT,
            ((11,), (12,), (13,), (14,), (15,), (16,), (5,), (6,), (7,), (8,), (9,), (10,)),
            strict=True,
        ),
        head=(3, 4),
    ),
    # Ballroom capture (Tang et al. 2018), 23 points, see datasets/ballroom/README.md:
    # 0/1 head points, 3-5 right arm, 7-9 right leg, 12-14 left arm, 16-18 left leg.
    # Its own "pelvis" (#2) sits 16 cm above the hips and is not used.
    "ballroom23": dict(
        zip(
            _DIRECT,
            ((16,), (7,), (17,), (8,), (18,), (9,), (12,), (3,), (13,), (4,), (14,), (5,)),
            strict=True,
        ),
        head=(0, 1),
    ),
    # AIST++ retargeted onto a VRM avatar (datasets/aistpp/retargeted_vrm19), after forward
    # kinematics (generation/data/vrm.py) in VRM humanoid bone order: 13/16 upper legs (hip
    # joints), 14/17 lower legs (knees), 15/18 feet (ankles), 6/10 upper arms (shoulder joints),
    # 7/11 lower arms (elbows), 8/12 hands (wrists), left first. Head = the head bone (4), placed
    # at the dancers' median ear height above the shoulders.
    "vrm19": dict(
        zip(
            _DIRECT,
            ((13,), (16,), (14,), (17,), (15,), (18,), (6,), (10,), (7,), (11,), (8,), (12,)),
            strict=True,
        ),
        head=(4,),
    ),
    # CMU salsa BVH (datasets/cmu/salsa, cgspeed "Daz-friendly" figure, 43 joints), indexed over
    # joints and End Sites in file order (generation/data/bvh.py): 53/48 lThigh/rThigh (hip
    # joints), 54/49 l/rShin (knees), 55/50 l/rFoot (ankles), 29/10 l/rShldr, 30/11 l/rForeArm
    # (elbows), 31/12 l/rHand (wrists). Head = mean of the head joint (4, skull base) and the two
    # eyes (5, 7): ear height, about 5 cm in front of the ears.
    "bvh_salsa43": dict(
        zip(
            _DIRECT,
            ((53,), (48,), (54,), (49,), (55,), (50,), (29,), (10,), (30,), (11,), (31,), (12,)),
            strict=True,
        ),
        head=(4, 5, 7),
    ),
    # CMU 31-joint BVH skeleton (datasets/cmu/other/05_06), joints and End Sites in file order:
    # 2/8 Left/RightUpLeg (hip joints), 3/9 Left/RightLeg (knees), 4/10 Left/RightFoot (ankles),
    # 21/30 Left/RightArm (shoulder joints), 22/31 Left/RightForeArm (elbows), 23/32
    # Left/RightHand (wrists). Head = the Head joint (18; its End Site has length 0), which sits
    # at ear height (16 cm above the shoulders in 05_06, ears 17 cm in AIST++).
    "bvh_cmu31": dict(
        zip(
            _DIRECT,
            ((2,), (8,), (3,), (9,), (4,), (10,), (21,), (30,), (22,), (31,), (23,), (32,)),
            strict=True,
        ),
        head=(18,),
    ),
}


def to_canonical(frames: np.ndarray, layout: str | dict[str, tuple[int, ...]]) -> np.ndarray:
    """Map source joints ``(T, S, C)`` to canonical joints ``(T, len(JOINTS), C)``.

    Every channel (x, y, z, visibility...) is averaged the same way; units and axes are left as
    they are, so callers convert units before or after. NaN in a source joint stays NaN.
    """
    spec = SOURCE_LAYOUTS[layout] if isinstance(layout, str) else layout
    frames = np.asarray(frames, dtype=np.float32)
    if frames.ndim != 3:
        raise ValueError(f"expected frames of shape (T, joints, channels), got {frames.shape}")
    needed = max(max(idx) for idx in spec.values()) + 1
    if frames.shape[1] < needed:
        raise ValueError(f"layout needs {needed} source joints, frames have {frames.shape[1]}")
    out = np.empty((frames.shape[0], len(JOINTS), frames.shape[2]), dtype=np.float32)
    for name, idx in spec.items():
        out[:, JOINT_INDEX[name]] = frames[:, list(idx)].mean(axis=1)
    out[:, JOINT_INDEX["pelvis"]] = out[
        :, [JOINT_INDEX["left_hip"], JOINT_INDEX["right_hip"]]
    ].mean(axis=1)
    out[:, JOINT_INDEX["neck"]] = out[
        :, [JOINT_INDEX["left_shoulder"], JOINT_INDEX["right_shoulder"]]
    ].mean(axis=1)
    return out


def split_root(frames: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Split ``(T, J, 3)`` absolute joints into the root trajectory ``(T, 3)`` and
    root-relative joints ``(T, J, 3)`` (the pelvis row becomes zero)."""
    root = frames[:, JOINT_INDEX["pelvis"]].copy()
    return root, frames - root[:, None, :]


def mirror(frames: np.ndarray, axis: int = 0) -> np.ndarray:
    """Reflect poses ``(T, J, C)`` across the plane normal to ``axis`` (0 = x) and exchange
    left and right joints, as a learner facing a screen mirrors the reference."""
    out = frames[:, MIRROR].copy()
    out[..., axis] = -out[..., axis]
    return out


def bone_lengths(frames: np.ndarray) -> np.ndarray:
    """Per-frame bone lengths ``(T, len(BONES))`` of canonical joints ``(T, J, >=2)``."""
    a, b = BONE_INDEX[:, 0], BONE_INDEX[:, 1]
    return np.linalg.norm(frames[:, b] - frames[:, a], axis=-1)


def torso_length(frames: np.ndarray) -> np.ndarray:
    """Pelvis-to-neck distance per frame ``(T,)``: the body-size unit for scoring."""
    return np.linalg.norm(
        frames[:, JOINT_INDEX["neck"]] - frames[:, JOINT_INDEX["pelvis"]], axis=-1
    )
