"""Held-out evaluation: a model's routines and the baselines (the real clips, real training
dances on the wrong music) on the validation or test clips, each row aggregated from the
metrics of `generation.metrics` (definitions there).
"""

from dataclasses import dataclass

import numpy as np

from generation.metrics import (
    diversity,
    frechet_distance,
    mean_absolute_error,
    real_velocity_change_bound,
    seam_jumps,
    sequence_metrics,
    window_features,
)


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
    choreographer,
    held_out: HeldOutSet,
    level: str = "intermediate",
    seed: int = 0,
    progress=print,
    compare_levels: bool = True,
) -> dict:
    """The ``model`` row (one routine per clip at ``level``, seed ``seed + clip index``) and
    ``difficulty``: the three levels compared on every clip with music (overall and per style)
    with the real dances' difficulty beside them; without ``compare_levels`` only the row's
    routines are made and ``difficulty`` is left out."""
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
        levels = LEVELS if clip_beats is not None and compare_levels else [level]
        for name in levels:
            frames, segments = choreographer.generate(music_, n, clip.style, name, seed + index)
            if name == level:
                routines.append(frames)
                starts = [segment["start_s"] * fps for segment in segments[1:]]
                seams.append(seam_jumps(frames, fps, starts))
            if clip_beats is None or not compare_levels:
                continue
            median = reference[clip.style]["median"]
            style_levels = by_level.setdefault(clip.style, {k: [] for k in LEVELS})
            components = difficulty_components(frames, fps, clip_beats)
            style_levels[name].append(difficulty_score(components, median))
            repeats[name].append(np.mean([s["repeat_of"] is not None for s in segments]))
        if clip_beats is not None and compare_levels:
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
    if not compare_levels:
        return {"row": row}
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
