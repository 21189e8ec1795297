"""The model families side by side (issue 8): every architecture's checkpoint evaluated on the
same held-out clips with several seeds, with the real dances and the wrong-music baselines as
rows, plus size and generation speed. ``python manage.py compare_choreographers`` runs it.

All metrics come from `generation.metrics` (definitions there), applied by
`generation.evaluation`. Each seed gives one value per metric and row; the result holds their
mean and spread (sample standard deviation; 0 with one seed). Generation speed: seconds per 1024 frames for one routine at level
"advanced" (no repeated phrases) on the longest held-out clip with music, in this process.
"""

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from generation.evaluation import baseline_rows, held_out_set, model_evaluation
from generation.models import available_architectures, checkpoint_path
from generation.models import parameter_count as count_parameters

METRICS = (
    "fid_k",
    "fid_g",
    "diversity_k",
    "diversity_g",
    "beat_align_score",
    "beat_coverage",
    "beat_hit_rate",
    "mae_m",
    "smoothness_index",
    "foot_skating_m_s",
    "seams_within_bound",
    "seam_jump_p95_m_s",
)
BASELINES = ("real", "wrong_music_same_style", "wrong_music_any_style")


def spread(values: list[float | None]) -> dict | None:
    """``{"mean", "std", "n"}`` of the non-None values (None when there are none)."""
    values = [v for v in values if v is not None]
    if not values:
        return None
    std = float(np.std(values, ddof=1)) if len(values) > 1 else 0.0
    return {"mean": round(float(np.mean(values)), 4), "std": round(std, 4), "n": len(values)}


def _metrics(rows: list[dict]) -> dict:
    return {key: spread([row.get(key) for row in rows]) for key in METRICS}


def generation_speed(choreographer, held_out) -> float:
    """Seconds per 1024 frames for one routine on the longest held-out clip with music."""
    with_music = [i for i, b in enumerate(held_out.beats) if b is not None] or [0]
    index = max(with_music, key=lambda i: len(held_out.clips[i].frames))
    clip, music_ = held_out.clips[index], held_out.music[index]
    started = time.perf_counter()
    frames, _ = choreographer.generate(music_, len(clip.frames), clip.style, "advanced", seed=0)
    return (time.perf_counter() - started) / len(frames) * 1024


def compare_choreographers(
    checkpoints: dict[str, str | Path] | None = None,
    seeds: int = 3,
    split: str = "test",
    level: str = "intermediate",
    styles: list[str] | None = None,
    progress: Callable[[str], None] = print,
) -> dict:
    """Evaluate each named checkpoint (default: every architecture with a checkpoint, at
    `checkpoint_path`) on ``split`` with seeds ``0 .. seeds - 1``; returns the comparison dict
    (rows by name: the architectures, then `BASELINES`)."""
    from generation.choreograph import load_choreographer

    if checkpoints is None:
        checkpoints = {name: checkpoint_path(name) for name in available_architectures()}
    if not checkpoints:
        raise FileNotFoundError("no checkpoint to compare: train one with train_choreographer")
    choreographers = {name: load_choreographer(path) for name, path in checkpoints.items()}
    trained_styles = set.intersection(*(set(c.seed_bank) for c in choreographers.values()))
    styles = sorted(trained_styles if styles is None else trained_styles & set(styles))
    progress(f"loading the {split} clips")
    held_out = held_out_set(split, styles=styles)
    if not held_out.clips:
        raise ValueError(f"no {split} clips for styles {styles}")
    rows: dict[str, dict] = {}
    for name, choreographer in choreographers.items():
        evaluations = []
        for seed in range(seeds):
            progress(f"{name}: seed {seed + 1}/{seeds}")
            evaluations.append(
                model_evaluation(choreographer, held_out, level, seed, lambda message: None)
            )
        difficulty = [e["difficulty"] for e in evaluations]
        path = Path(checkpoints[name])
        training = choreographer.checkpoint.get("training", {})
        rows[name] = {
            "kind": "model",
            "architecture": choreographer.checkpoint["architecture"],
            "model": choreographer.name,
            "parameters": count_parameters(choreographer.model),
            "checkpoint_mb": round(path.stat().st_size / 2**20, 2),
            "train_steps": training.get("steps"),
            "train_wall_s": training.get("wall_s"),
            "train_device": training.get("device"),
            "s_per_1024_frames": round(generation_speed(choreographer, held_out), 3),
            "metrics": _metrics([e["row"] for e in evaluations]),
            "difficulty": {
                name_: spread([d["overall"][name_] for d in difficulty])
                for name_ in difficulty[0]["overall"]
            },
            "levels_ordered_fraction": float(np.mean([d["ordered"] for d in difficulty])),
        }
    baselines = [baseline_rows(held_out, seed) for seed in range(seeds)]
    for name in BASELINES:
        rows[name] = {"kind": "baseline", "metrics": _metrics([b[name] for b in baselines])}
    return {
        "split": split,
        "level": level,
        "seeds": list(range(seeds)),
        "styles": styles,
        "clips": [c.name for c in held_out.clips],
        "clips_with_music": sum(b is not None for b in held_out.beats),
        # A seam's velocity jump counts as within bound up to this (m/s): the 95th percentile of
        # the training dances' frame-to-frame velocity changes.
        "seam_bound_m_s": round(held_out.seam_bound, 3),
        "rows": rows,
    }


def _cell(stat: dict | None, digits: int) -> str:
    if stat is None:
        return "–"
    if stat["n"] > 1 and stat["std"] > 0:
        return f"{stat['mean']:.{digits}f} ± {stat['std']:.{digits}f}"
    return f"{stat['mean']:.{digits}f}"


COLUMNS = (
    ("FID_k", "fid_k", 1),
    ("FID_g", "fid_g", 1),
    ("Div_k", "diversity_k", 2),
    ("Div_g", "diversity_g", 2),
    ("BAS", "beat_align_score", 3),
    ("beat cov.", "beat_coverage", 2),
    ("beat hit", "beat_hit_rate", 2),
    ("MAE m", "mae_m", 3),
    ("SI %", "smoothness_index", 1),
    ("skating m/s", "foot_skating_m_s", 2),
    ("seams ≤ bound", "seams_within_bound", 2),
    ("seam jump p95 m/s", "seam_jump_p95_m_s", 2),
)
ROW_TITLES = {
    "real": "real test dances",
    "wrong_music_same_style": "real train dances, same style, wrong music",
    "wrong_music_any_style": "real train dances, any style, wrong music",
}


def markdown_table(comparison: dict) -> str:
    """The comparison as a Markdown table (mean ± spread over seeds)."""
    head = ["row", "params", "s / 1024 frames", *(title for title, _k, _d in COLUMNS)]
    head.append("difficulty B / I / A")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, row in comparison["rows"].items():
        cells = [ROW_TITLES.get(name, f"**{name}**")]
        if row["kind"] == "model":
            cells += [f"{row['parameters'] / 1e6:.2f} M", f"{row['s_per_1024_frames']:.2f}"]
        else:
            cells += ["–", "–"]
        cells += [_cell(row["metrics"][key], digits) for _t, key, digits in COLUMNS]
        if row["kind"] == "model":
            levels = [
                _cell(row["difficulty"][k], 2) for k in ("beginner", "intermediate", "advanced")
            ]
            cells.append(" / ".join(levels))
        else:
            cells.append("–")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
