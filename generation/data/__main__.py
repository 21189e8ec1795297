"""Print the minutes of dance data per style and split: ``python -m generation.data``.

``--cleaning`` also prints how many frames pose cleaning replaced in each source.
"""

import argparse
import time

from generation.data.aistpp import aistpp_dir, annotation_frames, retargeted_frames
from generation.data.ballroom import ballroom_index, load_ballroom_frames
from generation.data.clips import SPLITS, load_clips, style_minutes
from generation.data.cmu import cmu_frames, cmu_index
from generation.styles import STYLES


def print_minutes() -> None:
    started = time.perf_counter()
    clips = load_clips()
    elapsed = time.perf_counter() - started
    by_split = {split: [c for c in clips if c.split == split] for split in SPLITS}
    minutes = {split: style_minutes(by_split[split]) for split in SPLITS}
    total = style_minutes(clips)
    header = f"{'style':<14} {'source':<9}" + "".join(f"{s:>8}" for s in SPLITS)
    print(header + f"{'total':>8} {'clips':>6}  (minutes at 30 fps)")
    for style, all_minutes in total.items():
        row = "".join(f"{minutes[s].get(style, 0.0):8.2f}" for s in SPLITS)
        count = sum(c.style == style for c in clips)
        print(f"{style:<14} {STYLES[style][1]:<9}{row}{all_minutes:8.2f} {count:6d}")
    row = "".join(f"{sum(minutes[s].values()):8.2f}" for s in SPLITS)
    print(f"{'all':<24}{row}{sum(total.values()):8.2f} {len(clips):6d}")
    print("clips per split: " + ", ".join(f"{s} {len(by_split[s])}" for s in SPLITS))
    aist = [c for c in clips if c.source == "aistpp"]
    advanced = [c for c in aist if c.advanced]
    print(
        f"AIST++: {len(aist) - len(advanced)} basic (sBM) "
        f"{sum(c.duration_s for c in aist if not c.advanced) / 60:.2f} min, "
        f"{len(advanced)} advanced (sFM) {sum(c.duration_s for c in advanced) / 60:.2f} min"
    )
    print(f"loaded {len(clips)} clips in {elapsed:.1f} s")


def print_cleaning() -> None:
    """Frames replaced by cleaning, counted at each source's own rate before resampling."""
    counts = {
        "ballroom (25 fps)": [load_ballroom_frames(e) for e in ballroom_index()],
        "aistpp keypoints (60 fps)": [
            annotation_frames(p) for p in sorted((aistpp_dir() / "annotations").glob("*.npz"))
        ],
        "aistpp retarget (30 fps)": [
            retargeted_frames(p) for p in sorted((aistpp_dir() / "retargeted_vrm19").glob("*.npz"))
        ],
        "cmu (60/120 fps)": [cmu_frames(e) for e in cmu_index()],
    }
    print(f"{'source':<27}{'files':>6}{'frames':>9}{'fixed':>7}{'files fixed':>13}{'max %':>7}")
    for source, results in counts.items():
        frames = sum(len(f) for f, _ in results)
        fixed = sum(n for _, n in results)
        worst = max(100.0 * n / len(f) for f, n in results)
        files_fixed = sum(n > 0 for _, n in results)
        print(f"{source:<27}{len(results):6d}{frames:9d}{fixed:7d}{files_fixed:13d}{worst:7.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m generation.data", description=__doc__)
    parser.add_argument("--cleaning", action="store_true", help="count frames cleaning replaced")
    args = parser.parse_args()
    print_minutes()
    if args.cleaning:
        print_cleaning()


if __name__ == "__main__":
    main()
