"""Seams of the phrase family's routines against the real-motion bound (issue 15, item 3).

    python bench/bench_seams.py [--seeds 3] [--out bench/results/seams.json]

For every annotated song of ``../shared/music/annotated`` that decodes (songs the model never
saw), every style of the phrase family, every level and seeds ``0 .. N-1``, the routine is
generated and each seam's joint-velocity jump (`generation.metrics.seam_jumps`) compared with
the 95th percentile of the real training dances' frame-to-frame changes
(`real_velocity_change_bound`). Prints JSON: the share of seams within the bound, the largest
jump and its 95th percentile, the mean foot skating (m/s), and every seam over the bound with
its song, style, level, seed and the two phrases it joins; half-time beginner routines beside.
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
from generation.features import music_from_analysis  # noqa: E402
from generation.metrics import foot_skating, real_velocity_change_bound, seam_jumps  # noqa: E402
from generation.models import checkpoint_path  # noqa: E402
from generation.styles import LEVELS  # noqa: E402


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--out", default="")
    args = parser.parse_args(argv)
    choreographer = load_choreographer(checkpoint_path("phrases"))
    memory = choreographer.memory
    fps = memory.fps
    bound = real_velocity_change_bound(
        [memory.clip_frames(c) for c in range(len(memory.clip_names))], fps
    )
    songs = {}
    for path in sorted((shared_dir() / "music" / "annotated").glob("*.ogg")):
        try:
            analysis = music.analyse(decode(path))
        except AudioError:
            continue
        songs[path.name] = (music_from_analysis(analysis), analysis.n_frames)
    summary = {}
    for name, half_time, levels in (("normal", False, LEVELS), ("half_time", True, ("beginner",))):
        jumps, skating, over = [], [], []
        for song, (clip_music, n_frames) in songs.items():
            for style in choreographer.styles:
                for level in levels:
                    for seed in range(args.seeds):
                        frames, segments = choreographer.generate(
                            clip_music, n_frames, style, level, seed, half_time=half_time
                        )
                        starts = [s["start_s"] * fps for s in segments[1:]]
                        routine_jumps = seam_jumps(frames, fps, starts)
                        jumps += list(routine_jumps)
                        skating.append(foot_skating(frames, fps))
                        over += [
                            {
                                "song": song,
                                "style": style,
                                "level": level,
                                "seed": seed,
                                "jump_m_s": round(float(routine_jumps[k]), 3),
                                "phrases": [segments[k]["phrase_id"], segments[k + 1]["phrase_id"]],
                            }
                            for k in np.flatnonzero(routine_jumps > bound)
                        ]
        jumps = np.array(jumps)
        summary[name] = {
            "routines": len(skating),
            "seams": len(jumps),
            "within_bound": round(float(np.mean(jumps <= bound)), 4),
            "jump_max_m_s": round(float(jumps.max()), 3),
            "jump_p95_m_s": round(float(np.percentile(jumps, 95)), 3),
            "foot_skating_m_s": round(float(np.mean(skating)), 4),
            "over_bound": over,
        }
    result = {
        "songs": list(songs),
        "styles": list(choreographer.styles),
        "seeds": list(range(args.seeds)),
        "model": choreographer.name,
        "seam_bound_m_s": round(bound, 4),
        "summary": summary,
    }
    print(json.dumps(result, indent=1))
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
