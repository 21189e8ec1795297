"""Quality metrics for dances: realism (FID), diversity, beat alignment, accuracy, smoothness and
foot skating. Every function takes canonical frames ``(T, J, 3)`` (metres, +Y up) at ``fps``.

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

from dataclasses import dataclass

import numpy as np
from scipy import linalg

from generation.difficulty import joint_velocities, motion_beats
from scoring.skeleton import JOINT_INDEX, split_root, torso_length

WINDOW_S = 5.0
HOP_S = 2.5
COVARIANCE_SHRINKAGE = 0.1
BEAT_ALIGN_SIGMA_S = 0.1
BEAT_HIT_TOLERANCE_S = 0.1
FOOT_CONTACT_HEIGHT_M = 0.05
SEAM_PERCENTILE = 95.0
_J = JOINT_INDEX


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


def frechet_distance(real: np.ndarray, generated: np.ndarray) -> float:
    """Fréchet distance between Gaussians fitted to feature rows ``(N, D)`` and ``(M, D)``,
    after scaling both by the real set's statistics."""
    real, generated = _scaled(real, generated)
    mu1, mu2 = real.mean(axis=0), generated.mean(axis=0)
    s1, s2 = _shrunk_covariance(real), _shrunk_covariance(generated)
    covmean = linalg.sqrtm(s1 @ s2)
    covmean = np.real(covmean)
    return float(((mu1 - mu2) ** 2).sum() + np.trace(s1 + s2 - 2 * covmean))


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


def _row(
    sequences: list[np.ndarray],
    beats: list[np.ndarray | None],
    fps: float,
    real_features: tuple[np.ndarray, np.ndarray],
    references: list[np.ndarray] | None,
) -> dict:
    """Aggregate metrics of one row (model, real, wrong music) over its sequences."""
    kinetic, geometric = window_features(sequences, fps)
    per_sequence = [sequence_metrics(s, fps, b) for s, b in zip(sequences, beats, strict=True)]

    def mean_of(key: str) -> float | None:
        values = [m[key] for m in per_sequence if m[key] is not None]
        return round(float(np.mean(values)), 4) if values else None

    row = {
        "fid_k": round(frechet_distance(real_features[0], kinetic), 3),
        "fid_g": round(frechet_distance(real_features[1], geometric), 3),
        "diversity_k": round(diversity(kinetic, real_features[0]), 3),
        "diversity_g": round(diversity(geometric, real_features[1]), 3),
        "windows": len(kinetic),
    }
    for key in ("beat_align_score", "beat_coverage", "beat_hit_rate", "smoothness_index"):
        row[key] = mean_of(key)
    row["foot_skating_m_s"] = mean_of("foot_skating_m_s")
    if references is not None:
        row["mae_m"] = round(
            float(
                np.mean(
                    [mean_absolute_error(s, r) for s, r in zip(sequences, references, strict=True)]
                )
            ),
            4,
        )
    return row


@dataclass
class HeldOutSet:
    """Held-out clips with their music, loaded once for any number of models and seeds.

    ``beats[i]`` is clip i's music beat times (s) or None without music; ``training`` are the
    training dances the wrong-music baselines draw from; ``real_features`` the kinetic and
    geometric window features of the real clips (the FID reference)."""

    split: str
    clips: list
    music: list
    beats: list
    training: list
    real_features: tuple[np.ndarray, np.ndarray]
    fps: float
    seam_bound: float  # `real_velocity_change_bound` of the training dances, m/s


def held_out_set(split: str = "test", styles=None) -> HeldOutSet:
    """The clips of ``split`` ("test" or "val") in ``styles`` (default: all), their music and
    the training dances of the same styles."""
    from generation.data import load_clips
    from generation.features import clip_music

    if split not in ("val", "test"):
        raise ValueError("evaluate on held-out clips: split must be 'val' or 'test'")
    from generation.styles import STYLES

    styles = sorted(STYLES if styles is None else styles)
    # Only the data sets of the wanted styles are read (the whole training set takes a while).
    wanted = {STYLES[style][1] for style in styles}
    sources = [source for source in ("ballroom", "aistpp", "cmu") if source in wanted]
    clips = load_clips(split=split, sources=sources, styles=styles)
    training = load_clips(split="train", sources=sources, styles=styles)
    analyses: dict = {}
    music_ = [clip_music(clip, analyses) for clip in clips]
    beats = [m.beat_times if len(m.beat_times) else None for m in music_]
    fps = clips[0].fps if clips else 30.0
    real_features = window_features([c.frames for c in clips], fps)
    seam_bound = real_velocity_change_bound([c.frames for c in training], fps)
    return HeldOutSet(split, clips, music_, beats, training, real_features, fps, seam_bound)


def baseline_rows(held_out: HeldOutSet, seed: int = 0) -> dict:
    """Rows ``real`` (the clips themselves), ``wrong_music_same_style`` (for each clip a real
    training dance of the same style, on this clip's music) and ``wrong_music_any_style`` (a
    real training dance of any style); the dances are drawn with ``seed``."""
    rng = np.random.default_rng(seed)
    same, any_style = [], []
    for clip in held_out.clips:
        n = len(clip.frames)
        candidates = [c for c in held_out.training if c.style == clip.style]
        same.append(candidates[rng.integers(len(candidates))].frames[:n])
        any_style.append(held_out.training[rng.integers(len(held_out.training))].frames[:n])
    real = [c.frames for c in held_out.clips]
    fps, beats, features = held_out.fps, held_out.beats, held_out.real_features
    # Every frame of a real dance taken as if it were a seam: how often real motion itself
    # stays within the seam bound.
    every_frame = np.concatenate([seam_jumps(r, fps, range(2, len(r) - 1)) for r in real])
    return {
        "real": {
            **_row(real, beats, fps, features, None),
            "seams_within_bound": round(float(np.mean(every_frame <= held_out.seam_bound)), 3),
            "seam_bound_m_s": round(held_out.seam_bound, 3),
        },
        "wrong_music_same_style": _row(same, beats, fps, features, real),
        "wrong_music_any_style": _row(any_style, beats, fps, features, real),
    }


def model_evaluation(
    choreographer, held_out: HeldOutSet, level: str = "intermediate", seed: int = 0, progress=print
) -> dict:
    """The ``model`` row (one routine per clip at ``level``, seed ``seed + clip index``) and
    ``difficulty``: the three levels compared on every clip with music (overall and per style)
    with the real dances' difficulty beside them."""
    from generation.difficulty import difficulty_components, difficulty_score
    from generation.styles import LEVELS

    reference = choreographer.difficulty_reference
    fps = held_out.fps
    routines = []
    seams = []
    by_level: dict[str, dict[str, list[float]]] = {}
    real_difficulty: dict[str, list[float]] = {}
    repeats: dict[str, list[float]] = {name: [] for name in LEVELS}
    for index, (clip, music_, clip_beats) in enumerate(
        zip(held_out.clips, held_out.music, held_out.beats, strict=True)
    ):
        progress(f"{held_out.split} clip {index + 1}/{len(held_out.clips)}: {clip.name}")
        n = len(clip.frames)
        # Without music the level comparison is skipped, so only the row's routine is made.
        levels = LEVELS if clip_beats is not None else [level]
        for name in levels:
            frames, segments = choreographer.generate(music_, n, clip.style, name, seed + index)
            if name == level:
                routines.append(frames)
                starts = [segment["start_s"] * fps for segment in segments[1:]]
                seams.append(seam_jumps(frames, fps, starts))
            if clip_beats is None:
                continue
            median = reference[clip.style]["median"]
            style_levels = by_level.setdefault(clip.style, {k: [] for k in LEVELS})
            components = difficulty_components(frames, fps, clip_beats)
            style_levels[name].append(difficulty_score(components, median))
            repeats[name].append(np.mean([s["repeat_of"] is not None for s in segments]))
        if clip_beats is not None:
            components = difficulty_components(clip.frames, fps, clip_beats)
            median = reference[clip.style]["median"]
            real_difficulty.setdefault(clip.style, []).append(difficulty_score(components, median))

    real = [c.frames for c in held_out.clips]
    row = _row(routines, held_out.beats, fps, held_out.real_features, real)
    jumps = np.concatenate(seams) if seams else np.zeros(0)
    if len(jumps):
        row["seams_within_bound"] = round(float(np.mean(jumps <= held_out.seam_bound)), 3)
        row["seam_jump_p95_m_s"] = round(float(np.percentile(jumps, 95)), 3)
    row["seam_bound_m_s"] = round(held_out.seam_bound, 3)
    per_style = {
        style: {
            **{name: round(float(np.mean(v)), 3) for name, v in levels.items()},
            "real": round(float(np.mean(real_difficulty[style])), 3),
            "clips": len(real_difficulty[style]),
        }
        for style, levels in by_level.items()
    }
    overall = {
        name: round(float(np.mean([v for levels in by_level.values() for v in levels[name]])), 3)
        for name in LEVELS
    }
    return {
        "row": row,
        "difficulty": {
            "overall": overall,
            "ordered": bool(overall["beginner"] < overall["intermediate"] < overall["advanced"]),
            "per_style": per_style,
            "repeated_phrase_fraction": {
                k: round(float(np.mean(v)), 3) for k, v in repeats.items()
            },
        },
    }


def evaluate_split(
    split: str = "test",
    checkpoint_path=None,
    level: str = "intermediate",
    seed: int = 0,
    progress=print,
) -> dict:
    """Evaluate a checkpoint on the held-out clips of ``split`` ("test" or "val").

    Rows: ``model`` (`model_evaluation`) and the baselines of `baseline_rows`; FID reference:
    the real clips' windows. ``difficulty``: see `model_evaluation`.
    """
    from generation.choreograph import load_choreographer

    choreographer = load_choreographer(checkpoint_path)
    held_out = held_out_set(split, styles=choreographer.seed_bank)
    evaluation = model_evaluation(choreographer, held_out, level, seed, progress)
    return {
        "split": split,
        "model": choreographer.name,
        "level": level,
        "seed": seed,
        "clips": [c.name for c in held_out.clips],
        "rows": {"model": evaluation["row"], **baseline_rows(held_out, seed)},
        "difficulty": evaluation["difficulty"],
    }
