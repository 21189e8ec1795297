"""Seconds to generate a 3-minute routine with the shipped model (or another family's), and
peak memory.

    python bench/bench_generation.py [--seconds 180] [--style waltz] [--level advanced]
                                     [--arch NAME] [--song PATH]

Prints JSON: music analysis time, generation time (model only), seconds per 1024 frames and
the peak resident memory of the process. The song is synthesised here (a click track over a
chord pad at 120 BPM), so the benchmark needs no data and can be shared; ``--song`` times a
real file instead, decoding included (``decode_s``, part of ``total_s``). Each phase is timed
once in a fresh process, as a worker's first request would be: imports are not warmed up.
Published figures for comparison, per 1024 frames on an A100 GPU: EDGE 8.6 s, Bailando 5.5 s.
"""

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generation import music  # noqa: E402
from generation.audio import SAMPLE_RATE, DecodedAudio, decode  # noqa: E402
from generation.choreograph import load_choreographer  # noqa: E402
from generation.features import music_from_analysis  # noqa: E402
from generation.models import FAMILIES  # noqa: E402


def synthetic_song(seconds: float, bpm: float = 120.0) -> DecodedAudio:
    """A steady song: a decaying click on every beat, louder on the downbeat, over a soft chord."""
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    beat = 60.0 / bpm
    phase = t % beat
    accent = np.where((t // beat) % 4 == 0, 1.0, 0.5)
    click = accent * np.exp(-phase * 40) * np.sin(2 * np.pi * 1000 * phase)
    pad = 0.1 * sum(np.sin(2 * np.pi * f * t) for f in (220.0, 277.2, 329.6))
    return DecodedAudio(samples=(0.5 * click + pad).astype(np.float32), sample_rate=SAMPLE_RATE)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument("--style", default="waltz")
    parser.add_argument("--level", default="advanced", help="advanced repeats no phrase")
    parser.add_argument("--arch", choices=list(FAMILIES), help="default: the shipped model")
    parser.add_argument(
        "--song", help="an audio file to decode and use instead of the synthetic song"
    )
    args = parser.parse_args()

    started = time.perf_counter()
    song = decode(args.song) if args.song else synthetic_song(args.seconds)
    decode_s = time.perf_counter() - started if args.song else 0.0
    started = time.perf_counter()
    choreographer = load_choreographer(architecture=args.arch)
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    analysis = music.analyse(song)
    analyse_s = time.perf_counter() - started
    started = time.perf_counter()
    frames, segments = choreographer.generate(
        music_from_analysis(analysis),
        analysis.n_frames,
        args.style,
        args.level,
        seed=0,
        phrase_times=analysis.phrase_times,
    )
    generate_s = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "song_s": round(song.duration_s, 3),
                "frames": len(frames),
                "style": args.style,
                "level": args.level,
                "model": choreographer.name,
                "load_model_s": round(load_s, 3),
                "decode_s": round(decode_s, 3),
                "analyse_music_s": round(analyse_s, 3),
                "generate_s": round(generate_s, 3),
                "total_s": round(decode_s + analyse_s + generate_s, 3),
                "generate_s_per_1024_frames": round(generate_s / len(frames) * 1024, 3),
                "peak_rss_mb": round(peak_kib / 1024, 1),
                "cpu_count": os.cpu_count(),
                "torch_threads": __import__("torch").get_num_threads(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
