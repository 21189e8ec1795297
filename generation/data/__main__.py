"""Print the minutes of dance data per style and split: ``python -m generation.data``."""

import time

from generation.data.clips import SPLITS, load_clips, style_minutes
from generation.styles import STYLES


def main() -> None:
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


if __name__ == "__main__":
    main()
