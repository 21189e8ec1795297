"""Quality metrics for dances: realism (FID), diversity, beat alignment, accuracy, smoothness,
foot skating and seams. Every function takes canonical frames ``(T, J, 3)`` (metres, +Y up) at
``fps``; `generation.evaluation` applies them to models and baselines on held-out clips.

How each follows its source, adapted to the 15-joint skeleton and to a small test set:

- FID_k / FID_g (AIST++, Bailando): kinetic and geometric features of 5 s windows (hop 2.5 s),
  both sets scaled by the real set's mean and std, then the Fréchet distance between Gaussians
  fitted to them. Few windows make covariances singular, so each covariance is shrunk 10 %
  towards its diagonal (`COVARIANCE_SHRINKAGE`). Values are comparable only within one run.
- Diversity (Bailando "Div"): mean pairwise distance between the scaled window features.
- Beat align score (AIST++ "BeatAlign"): for each motion beat (a local minimum of joint speed),
  ``exp(-d² / 2σ²)`` with ``d`` the distance to the nearest music beat, averaged; σ = 0.1 s.
- Beat coverage and beat hit rate (paper 003, after Lee et al. 2019): motion beats / music beats,
  and motion beats within `BEAT_HIT_TOLERANCE_S` of a music beat / motion beats.
- MAE (paper 000): mean absolute difference of root-relative joint coordinates from the real
  dance to the same music, metres.
- Smoothness index (paper 000: "frame-to-frame change in joint velocities and accelerations,
  punishing jitter"): ``100 * (1 - |Δa| / (2 |a|))`` clipped to [0, 100], with ``a`` the joint
  accelerations and ``Δa`` their change per frame (mean magnitudes). Jitter (white noise on the
  positions) scores about 9 %, smooth motion close to 100 %.
- Foot skating: mean horizontal speed of an ankle while it is within 5 cm of its lowest height
  (the foot should be planted then), m/s.
"""

import numpy as np
from scipy import linalg

from generation.difficulty import joint_velocities, motion_beats
from scoring.skeleton import JOINT_INDEX, JOINTS, split_root, torso_length

WINDOW_S = 5.0
HOP_S = 2.5
COVARIANCE_SHRINKAGE = 0.1
BEAT_ALIGN_SIGMA_S = 0.1
BEAT_HIT_TOLERANCE_S = 0.1
FOOT_CONTACT_HEIGHT_M = 0.05
SEAM_PERCENTILE = 95.0
_J = JOINT_INDEX
# Column names of `kinetic_features`, in its order.
KINETIC_FEATURE_NAMES = tuple(
    f"{kind} {joint}"
    for kind in ("horizontal energy", "vertical energy", "acceleration")
    for joint in JOINTS
)


def kinetic_features(frames: np.ndarray, fps: float) -> np.ndarray:
    """``(3 * J,)``: per joint, the mean horizontal and vertical kinetic energy per unit mass
    (m²/s²) and the mean acceleration magnitude (m/s²). The pelvis row uses the root's absolute
    motion, the other joints their motion relative to the root."""
    root, relative = split_root(np.asarray(frames, dtype=np.float64))
    relative[:, _J["pelvis"]] = root
    velocity = joint_velocities(relative, fps)
    acceleration = np.diff(velocity, axis=0) * fps
    horizontal = 0.5 * (velocity[..., 0] ** 2 + velocity[..., 2] ** 2).mean(axis=0)
    vertical = 0.5 * (velocity[..., 1] ** 2).mean(axis=0)
    effort = np.linalg.norm(acceleration, axis=-1).mean(axis=0)
    return np.concatenate([horizontal, vertical, effort]).astype(np.float64)


def _body_axes(frames: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unit lateral (right-to-left hip) and forward directions in the ground plane, ``(T, 3)``."""
    lateral = frames[:, _J["left_hip"]] - frames[:, _J["right_hip"]]
    lateral[:, 1] = 0.0
    lateral /= np.linalg.norm(lateral, axis=-1, keepdims=True) + 1e-9
    forward = np.cross(lateral, np.array([0.0, 1.0, 0.0]))
    return lateral, forward


def _angle(frames: np.ndarray, a: str, b: str, c: str) -> np.ndarray:
    """Angle at joint ``b`` between ``a`` and ``c`` per frame, degrees."""
    u = frames[:, _J[a]] - frames[:, _J[b]]
    v = frames[:, _J[c]] - frames[:, _J[b]]
    cos = (u * v).sum(-1) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1) + 1e-9)
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def geometric_features(frames: np.ndarray) -> np.ndarray:
    """``(26,)``: the fraction of frames in which each of 26 pose relations holds (after the
    boolean relational features of Müller et al. used by AIST++), in the body's own frame and in
    units of torso length so that body size and facing do not matter."""
    f = np.asarray(frames, dtype=np.float64)
    unit = np.median(torso_length(f)) + 1e-9
    lateral, forward = _body_axes(f)
    y = f[..., 1]

    def along(joint: str, axis: np.ndarray) -> np.ndarray:
        return ((f[:, _J[joint]] - f[:, _J["pelvis"]]) * axis).sum(-1) / unit

    def dist(a: str, b: str) -> np.ndarray:
        return np.linalg.norm(f[:, _J[a]] - f[:, _J[b]], axis=-1) / unit

    lowest_ankle = np.minimum(y[:, _J["left_ankle"]], y[:, _J["right_ankle"]])
    spine = f[:, _J["neck"]] - f[:, _J["pelvis"]]
    lean = np.degrees(
        np.arccos(np.clip(spine[:, 1] / (np.linalg.norm(spine, axis=-1) + 1e-9), -1, 1))
    )
    feet = f[:, _J["left_ankle"]] - f[:, _J["right_ankle"]]
    relations = []
    for side in ("left", "right"):
        wrist = f"{side}_wrist"
        relations += [
            y[:, _J[wrist]] > y[:, _J["head"]],
            y[:, _J[wrist]] > y[:, _J[f"{side}_shoulder"]],
            y[:, _J[wrist]] < y[:, _J["pelvis"]],
            along(wrist, forward) > 0.4,
            along(wrist, forward) < -0.2,
            dist(wrist, "head") < 0.4,
            _angle(f, f"{side}_shoulder", f"{side}_elbow", wrist) < 120.0,
            _angle(f, f"{side}_hip", f"{side}_knee", f"{side}_ankle") < 150.0,
        ]
    relations += [
        y[:, _J["left_ankle"]] - y[:, _J["right_ankle"]] > 0.15 * unit,
        y[:, _J["right_ankle"]] - y[:, _J["left_ankle"]] > 0.15 * unit,
        np.hypot(feet[:, 0], feet[:, 2]) / unit > 0.8,
        (feet * forward).sum(-1) / unit > 0.3,
        (feet * forward).sum(-1) / unit < -0.3,
        dist("left_wrist", "right_wrist") > 1.5,
        along("left_wrist", lateral) < along("right_wrist", lateral),
        (y[:, _J["pelvis"]] - lowest_ankle) / unit < 1.3,
    ]
    relations.append(lean > 20.0)
    relations.append(lean > 45.0)
    return np.array([r.mean() for r in relations], dtype=np.float64)


def windows(frames: np.ndarray, fps: float, window_s: float = WINDOW_S, hop_s: float = HOP_S):
    """Yield ``(window_s * fps, J, 3)`` windows of ``frames``; a clip shorter than one window is
    yielded whole."""
    size, hop = int(round(window_s * fps)), int(round(hop_s * fps))
    if len(frames) <= size:
        yield frames
        return
    for start in range(0, len(frames) - size + 1, hop):
        yield frames[start : start + size]


def window_features(sequences: list[np.ndarray], fps: float) -> tuple[np.ndarray, np.ndarray]:
    """Kinetic ``(N, 45)`` and geometric ``(N, 26)`` features of every window of every sequence."""
    kinetic, geometric = [], []
    for frames in sequences:
        for window in windows(frames, fps):
            kinetic.append(kinetic_features(window, fps))
            geometric.append(geometric_features(window))
    return np.array(kinetic), np.array(geometric)


def _scaled(real: np.ndarray, other: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean, std = real.mean(axis=0), real.std(axis=0) + 1e-6
    return (real - mean) / std, (other - mean) / std


def _shrunk_covariance(x: np.ndarray) -> np.ndarray:
    cov = np.atleast_2d(np.cov(x, rowvar=False))
    return (1 - COVARIANCE_SHRINKAGE) * cov + COVARIANCE_SHRINKAGE * np.diag(np.diag(cov))


def fid_breakdown(real: np.ndarray, generated: np.ndarray) -> dict:
    """The Fréchet distance between Gaussians fitted to feature rows ``(N, D)`` and ``(M, D)``,
    after scaling both by the real set's mean and std, and where it comes from, in its units:

    - ``mean`` ``(D,)``: per feature, the squared difference of the means (the mean term's parts);
    - ``spread`` ``(D,)``: per feature, the squared difference of the standard deviations (the
      covariance term if the features were uncorrelated);
    - ``covariance``: the whole covariance term (spreads and correlations);
    - ``fid`` = ``mean.sum() + covariance``.
    """
    real, generated = _scaled(real, generated)
    s1, s2 = _shrunk_covariance(real), _shrunk_covariance(generated)
    mean = (real.mean(axis=0) - generated.mean(axis=0)) ** 2
    spread = (np.sqrt(np.diag(s1)) - np.sqrt(np.diag(s2))) ** 2
    covariance = float(np.trace(s1 + s2 - 2 * np.real(linalg.sqrtm(s1 @ s2))))
    return {
        "mean": mean,
        "spread": spread,
        "covariance": covariance,
        "fid": float(mean.sum()) + covariance,
    }


def frechet_distance(real: np.ndarray, generated: np.ndarray) -> float:
    """FID: `fid_breakdown`'s ``fid`` of feature rows ``(N, D)`` (real) and ``(M, D)``."""
    return fid_breakdown(real, generated)["fid"]


def diversity(features: np.ndarray, reference: np.ndarray) -> float:
    """Mean pairwise Euclidean distance between feature rows ``(N, D)``, scaled by the
    ``reference`` (real) set's statistics."""
    _ref, x = _scaled(reference, features)
    if len(x) < 2:
        return 0.0
    d = np.linalg.norm(x[:, None, :] - x[None, :, :], axis=-1)
    return float(d[np.triu_indices(len(x), k=1)].mean())


def beat_align_score(motion_beat_times: np.ndarray, music_beat_times: np.ndarray) -> float:
    """AIST++ BeatAlign: mean over motion beats of ``exp(-d² / 2σ²)``, ``d`` the distance in
    seconds to the nearest music beat."""
    if len(motion_beat_times) == 0 or len(music_beat_times) == 0:
        return 0.0
    d = np.abs(np.asarray(motion_beat_times)[:, None] - np.asarray(music_beat_times)[None, :])
    return float(np.exp(-(d.min(axis=1) ** 2) / (2 * BEAT_ALIGN_SIGMA_S**2)).mean())


def beat_coverage(motion_beat_times: np.ndarray, music_beat_times: np.ndarray) -> float:
    """Paper 003: number of motion beats / number of music beats."""
    return float(len(motion_beat_times) / max(len(music_beat_times), 1))


def beat_hit_rate(motion_beat_times: np.ndarray, music_beat_times: np.ndarray) -> float:
    """Paper 003: motion beats within `BEAT_HIT_TOLERANCE_S` of a music beat / motion beats."""
    if len(motion_beat_times) == 0 or len(music_beat_times) == 0:
        return 0.0
    d = np.abs(np.asarray(motion_beat_times)[:, None] - np.asarray(music_beat_times)[None, :])
    return float((d.min(axis=1) <= BEAT_HIT_TOLERANCE_S).mean())


def mean_absolute_error(generated: np.ndarray, real: np.ndarray) -> float:
    """Paper 000 MAE: mean absolute difference of root-relative joint coordinates, metres, over
    the frames both sequences have."""
    n = min(len(generated), len(real))
    _g_root, g = split_root(np.asarray(generated[:n], dtype=np.float64))
    _r_root, r = split_root(np.asarray(real[:n], dtype=np.float64))
    return float(np.abs(g - r).mean())


def smoothness_index(frames: np.ndarray, fps: float) -> float:
    """Paper 000 smoothness index in percent (definition in the module docstring)."""
    acceleration = np.diff(np.asarray(frames, dtype=np.float64), n=2, axis=0)
    change = np.diff(acceleration, axis=0)
    a = np.linalg.norm(acceleration, axis=-1).mean()
    da = np.linalg.norm(change, axis=-1).mean()
    return float(100.0 * np.clip(1.0 - da / (2.0 * a + 1e-12), 0.0, 1.0))


def foot_skating(frames: np.ndarray, fps: float) -> float:
    """Mean horizontal ankle speed (m/s) over the frames where that ankle is within
    `FOOT_CONTACT_HEIGHT_M` of its lowest height; 0 when no frame is in contact."""
    frames = np.asarray(frames, dtype=np.float64)
    speeds = []
    for ankle in ("left_ankle", "right_ankle"):
        track = frames[:, _J[ankle]]
        velocity = np.diff(track, axis=0) * fps
        horizontal = np.hypot(velocity[:, 0], velocity[:, 2])
        contact = track[1:, 1] < track[:, 1].min() + FOOT_CONTACT_HEIGHT_M
        speeds.append(horizontal[contact])
    speeds = np.concatenate(speeds)
    return float(speeds.mean()) if len(speeds) else 0.0


def velocity_changes(frames: np.ndarray, fps: float) -> np.ndarray:
    """``(T-2,)``: mean over joints of the change of joint velocity from one frame to the next,
    m/s; entry ``i`` compares the steps ``i -> i+1`` and ``i+1 -> i+2``."""
    velocity = joint_velocities(np.asarray(frames, dtype=np.float64), fps)
    return np.linalg.norm(np.diff(velocity, axis=0), axis=-1).mean(axis=1)


def real_velocity_change_bound(sequences: list[np.ndarray], fps: float) -> float:
    """The 95th percentile of `velocity_changes` over every frame of real dances, m/s: the
    largest jump a seam may make (`SEAM_PERCENTILE`)."""
    changes = np.concatenate([velocity_changes(s, fps) for s in sequences if len(s) > 2])
    return float(np.percentile(changes, SEAM_PERCENTILE))


def seam_jumps(frames: np.ndarray, fps: float, seam_frames) -> np.ndarray:
    """The velocity change across each seam ``(S,)``, m/s: the larger of the two
    `velocity_changes` that involve the step from the seam's last old frame to its first new
    one (``seam_frames`` are the first frames of the new segments)."""
    changes = velocity_changes(frames, fps)
    out = [
        max(changes[s - 2], changes[s - 1])
        for s in (int(round(f)) for f in seam_frames)
        if 2 <= s <= len(changes)
    ]
    return np.array(out, dtype=np.float64)


def sequence_metrics(frames: np.ndarray, fps: float, beat_times: np.ndarray | None) -> dict:
    """The per-dance metrics of one sequence; beat metrics are None when its music is unknown."""
    metrics = {
        "smoothness_index": smoothness_index(frames, fps),
        "foot_skating_m_s": foot_skating(frames, fps),
        "beat_align_score": None,
        "beat_coverage": None,
        "beat_hit_rate": None,
    }
    if beat_times is not None and len(beat_times) > 0:
        duration_s = len(frames) / fps
        music = np.asarray(beat_times)
        music = music[(music >= 0) & (music < duration_s)]
        motion = motion_beats(frames, fps)
        metrics["beat_align_score"] = beat_align_score(motion, music)
        metrics["beat_coverage"] = beat_coverage(motion, music)
        metrics["beat_hit_rate"] = beat_hit_rate(motion, music)
    return metrics
