"""Half-time beginner routines against normal ones on real music (issue 15, item 4).

    python bench/bench_half_time.py [--seed 0] [--out bench/results/half_time.json]

For every annotated song of ``../shared/music/annotated`` (songs the model never saw) and every
style of the phrase family, the beginner routine is generated normally and in half time
(`PhraseChoreographer.generate(..., half_time=True)`). Prints JSON with the means over the
routines: song beats per whole phrase, foot skating (m/s), beat-align score against the song's
beats, and the share of seams within the real-motion bound (with the largest seam jump, m/s);
then the half-time minus normal differences of beat-align score and skating, routine by routine.
"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generation import music  # noqa: E402
from generation.audio import AudioError, decode  # noqa: E402
from generation.choreograph import load_choreographer  # noqa: E402
from generation.data.paths import shared_dir  # noqa: E402
from generation.difficulty import motion_beats  # noqa: E402
from generation.features import music_from_analysis  # noqa: E402
from generation.metrics import (  # noqa: E402
    beat_align_score,
    foot_skating,
    real_velocity_change_bound,
    seam_jumps,
)
from generation.models import checkpoint_path  # noqa: E402

KEYS = ("beats_per_phrase", "foot_skating_m_s", "beat_align_score", "seams_within_bound")


def routine_row(frames, segments, beat_times, fps: float, seam_bound: float) -> dict:
    beats = np.asarray(beat_times)
    beats = beats[(beats >= 0) & (beats < len(frames) / fps)]
    inside = [
        ((beats >= s["start_s"] - 0.02) & (beats < s["end_s"] - 0.02)).sum() for s in segments
    ]
    jumps = seam_jumps(frames, fps, [s["start_s"] * fps for s in segments[1:]])
    return {
        # The first and last phrase may be partial.
        "beats_per_phrase": float(np.median(inside[1:-1] or inside)),
        "foot_skating_m_s": foot_skating(frames, fps),
        "beat_align_score": beat_align_score(motion_beats(frames, fps), beats),
        "seams_within_bound": float(np.mean(jumps <= seam_bound)) if len(jumps) else 1.0,
        "seam_jump_max_m_s": float(jumps.max()) if len(jumps) else 0.0,
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="")
    args = parser.parse_args(argv)
    choreographer = load_choreographer(checkpoint_path("phrases"))
    memory = choreographer.memory
    fps = memory.fps
    real = [memory.clip_frames(c) for c in range(len(memory.clip_names))]
    seam_bound = real_velocity_change_bound(real, fps)
    rows: dict[str, list[dict]] = {"normal": [], "half_time": []}
    songs = []
    for path in sorted((shared_dir() / "music" / "annotated").glob("*.ogg")):
        try:
            analysis = music.analyse(decode(path))
        except AudioError:
            continue
        songs.append(path.name)
        clip_music = music_from_analysis(analysis)
        for style in choreographer.styles:
            for name, half_time in (("normal", False), ("half_time", True)):
                frames, segments = choreographer.generate(
                    clip_music, analysis.n_frames, style, "beginner", args.seed, half_time=half_time
                )
                row = routine_row(frames, segments, analysis.beat_times, fps, seam_bound)
                rows[name].append({"song": path.name, "style": style, **row})
    summary = {
        name: {
            **{k: round(float(np.mean([r[k] for r in rs])), 4) for k in KEYS},
            "seam_jump_max_m_s": round(max(r["seam_jump_max_m_s"] for r in rs), 4),
            "routines": len(rs),
        }
        for name, rs in rows.items()
    }
    for key in ("beat_align_score", "foot_skating_m_s"):
        diff = np.array(
            [h[key] - n[key] for n, h in zip(rows["normal"], rows["half_time"], strict=True)]
        )
        summary[f"{key}_half_minus_normal"] = {
            "mean": round(float(diff.mean()), 4),
            "min": round(float(diff.min()), 4),
            "max": round(float(diff.max()), 4),
        }
    result = {
        "songs": songs,
        "styles": list(choreographer.styles),
        "level": "beginner",
        "seed": args.seed,
        "model": choreographer.name,
        "seam_bound_m_s": round(seam_bound, 4),
        "summary": summary,
    }
    print(json.dumps(result, indent=1))
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
