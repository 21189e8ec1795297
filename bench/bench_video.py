"""Seconds to export a 3-minute routine as an MP4 (drawing, H.264/AAC encoding, muxing).

    nice -n 10 python bench/bench_video.py [--seconds 180] [--size 640x360] [--preset veryfast]

Prints JSON: the export time (`generation.video.write_video`, as the `cpu`-queue task runs it),
the drawing time alone, seconds per minute of routine, frames per second and the file size. The
song is the product's synthesised demo song (`generation.demo_song`, beats known exactly); the
motion is real: the ballroom waltz captures of `../shared`, one after another, to fill the song.
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generation import demo_song  # noqa: E402
from generation.data.ballroom import ballroom_index, load_ballroom  # noqa: E402
from generation.video import FrameRenderer, write_video  # noqa: E402
from scoring.skeleton import CANONICAL_FPS, JOINTS  # noqa: E402

BPM = 110.0


def waltz_frames(n_frames: int) -> np.ndarray:
    """(n_frames, 15, 3) metres: real waltz captures back to back."""
    pieces, total = [], 0
    for entry in (e for e in ballroom_index() if e["style"] == "waltz"):
        pieces.append(load_ballroom(entry).frames)
        total += len(pieces[-1])
        if total >= n_frames:
            return np.concatenate(pieces)[:n_frames]
    raise SystemExit("not enough waltz capture in ../shared for that many seconds")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument("--size", default="640x360")
    parser.add_argument("--preset", default="veryfast")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))

    n_frames = int(args.seconds * CANONICAL_FPS)
    beats = np.arange(0.0, args.seconds, 60.0 / BPM)
    routine = {
        "fps": CANONICAL_FPS, "joints": list(JOINTS), "frames": waltz_frames(n_frames),
        "beats": beats.tolist(), "downbeats": beats[::4].tolist(),
        "segments": [{"start_s": float(t)} for t in beats[::8]], "style": "waltz", "level": "intermediate",
    }  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        song = Path(folder) / "demo.wav"
        demo_song.write_wav(demo_song.synthesise(args.seconds, bpm=BPM), song)

        renderer = FrameRenderer(routine, width, height, title="Demo song")
        started = time.perf_counter()
        for _ in renderer.frames():
            pass
        draw_s = time.perf_counter() - started

        out = Path(folder) / "routine.mp4"
        started = time.perf_counter()
        info = write_video(
            routine, out, song, title="Demo song", size=(width, height), preset=args.preset
        )
        export_s = time.perf_counter() - started
        size_mb = out.stat().st_size / 1e6

    print(json.dumps({
        "routine_s": args.seconds, "frames": n_frames, "size": f"{width}x{height}", "preset": args.preset,
        "export_s": round(export_s, 2), "draw_only_s": round(draw_s, 2),
        "export_s_per_minute": round(export_s / (args.seconds / 60), 2),
        "frames_per_s": round(n_frames / export_s, 1), "file_mb": round(size_mb, 2),
        "video_duration_s": info.duration_s, "fps": info.fps,
    }, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
