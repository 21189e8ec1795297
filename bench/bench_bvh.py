"""Seconds and bytes of the BVH export of a 3-minute routine, and how closely it re-imports.

    python bench/bench_bvh.py [--seconds 180] [--style salsa] [--level advanced]

Generates the routine with the shipped model for the synthesised demo song, exports it
(`generation.bvh_export.routine_bvh`, what the download answers with), re-imports the text with
`generation.data.bvh` and prints JSON: export seconds, megabytes, the largest joint-position
error of the re-import and the largest bone-length change over the routine (what a rigid
skeleton without the stretch channels would miss).
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generation import bvh_export, choreograph, demo_song  # noqa: E402
from generation.data.bvh import node_positions, parse_bvh  # noqa: E402
from scoring.skeleton import BONE_INDEX  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument("--style", default="salsa")
    parser.add_argument("--level", default="advanced")
    args = parser.parse_args()

    routine = choreograph.generate_routine(
        demo_song.synthesise(duration_s=args.seconds), args.style, args.level
    )
    frames = routine["frames"]
    started = time.perf_counter()
    text = bvh_export.routine_bvh(frames, routine["fps"], routine["joints"])
    export_s = time.perf_counter() - started

    bvh = parse_bvh(text)
    positions = node_positions(bvh) / bvh_export.CENTIMETRES_PER_METRE
    reimported = positions[:, [bvh.nodes.index(name) for name in routine["joints"]]]
    lengths = np.linalg.norm(frames[:, BONE_INDEX[:, 1]] - frames[:, BONE_INDEX[:, 0]], axis=-1)
    print(
        json.dumps(
            {
                "frames": len(frames),
                "model": routine["model"],
                "export_s": round(export_s, 3),
                "megabytes": round(len(text.encode()) / 1e6, 2),
                "reimport_max_error_mm": round(
                    1000 * float(np.linalg.norm(reimported - frames, axis=-1).max()), 4
                ),
                "bone_length_change_max_cm": round(
                    100 * float(np.abs(lengths - np.median(lengths, axis=0)).max()), 1
                ),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
