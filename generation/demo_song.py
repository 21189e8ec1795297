"""The product's own demo song, synthesised from scratch with numpy: nothing is downloaded.

A steady four-on-the-floor groove in A minor: kick, snare on 2 and 4, hi-hats, a bassline and
an electric-piano chord loop (Am - F - C - G, one chord per bar). It is arranged in 8-bar
sections (four 8-counts each) so a dancer hears the phrases: a sparse intro, then verse,
chorus (open hats, busier bass, chord stabs) and a lighter break in turn, a cymbal on every
section start and a snare fill leading into it. The tempo never changes, so the beat grid is
known exactly: beat ``k`` is at ``k * 60 / bpm`` seconds and every 4th beat, from 0, is a
downbeat (`music.beat_grid` gives the same grid).

``python -m generation.demo_song demo.wav`` writes it to a file.
"""

import argparse
import os
from pathlib import Path

import numpy as np
import soundfile
from scipy import signal

from generation import audio

BARS_PER_SECTION = 8
BEATS_PER_BAR = 4
_STEPS_PER_BEAT = 4  # sixteenth notes
# (bass root, chord notes) as MIDI note numbers, one bar each: Am, F, C, G.
_PROGRESSION = (
    (33, (57, 60, 64)),
    (29, (57, 60, 65)),
    (36, (55, 60, 64)),
    (31, (55, 59, 62)),
)
# Bassline: (sixteenth step, semitones above the root) within a bar.
_BASS_VERSE = ((0, 0), (3, 0), (6, 12), (8, 0), (11, 0), (14, 7))
_BASS_CHORUS = ((0, 0), (2, 12), (3, 0), (6, 12), (8, 0), (10, 7), (11, 0), (14, 12))
# Level of each instrument in the mix.
_LEVELS = {
    "kick": 0.9,
    "snare": 0.45,
    "hat": 0.12,
    "open_hat": 0.1,
    "crash": 0.12,
    "bass": 0.32,
    "keys": 0.09,
}


def synthesise(
    duration_s: float = 60.0,
    bpm: float = 110.0,
    seed: int = 0,
    sample_rate: int = audio.SAMPLE_RATE,
) -> audio.DecodedAudio:
    """Render the demo song: ``round(duration_s * sample_rate)`` mono float32 samples in [-1, 1].

    `seed` varies the hi-hat velocities and the noise of the drums, never the timing.
    """
    if duration_s <= 0 or not 40 <= bpm <= 240:
        raise ValueError("duration_s must be positive and bpm between 40 and 240")
    rng = np.random.default_rng(seed)
    n_samples = round(duration_s * sample_rate)
    mix = np.zeros(n_samples + sample_rate * 3, dtype=np.float64)
    step_s = 60.0 / bpm / _STEPS_PER_BEAT
    bar_s = step_s * _STEPS_PER_BEAT * BEATS_PER_BAR
    drums = _drum_kit(sample_rate, rng)
    rendered_notes: dict[tuple, np.ndarray] = {}

    def note(midi: int, length_s: float, brightness: float, decay_s: float) -> np.ndarray:
        key = (midi, length_s, brightness, decay_s)
        if key not in rendered_notes:  # the loop repeats: render each distinct note once
            rendered_notes[key] = _note(midi, length_s, sample_rate, brightness, decay_s)
        return rendered_notes[key]

    def place(sound: np.ndarray, time_s: float, level: float) -> None:
        start = round(time_s * sample_rate)
        end = min(start + len(sound), len(mix))
        mix[start:end] += level * sound[: end - start]

    n_bars = int(np.ceil(duration_s / bar_s))
    for bar in range(n_bars):
        bar_start = bar * bar_s
        section = _section(bar)
        root, chord = _PROGRESSION[bar % len(_PROGRESSION)]
        last_bar_of_section = bar % BARS_PER_SECTION == BARS_PER_SECTION - 1
        if bar % BARS_PER_SECTION == 0 and bar > 0:
            place(drums["crash"], bar_start, _LEVELS["crash"])
        for step in range(_STEPS_PER_BEAT * BEATS_PER_BAR):
            time_s = bar_start + step * step_s
            on_beat = step % _STEPS_PER_BEAT == 0
            if on_beat and (section != "break" or step % 8 == 0):
                place(drums["kick"], time_s, _LEVELS["kick"])
            fill = last_bar_of_section and step >= 12 and section != "intro"
            if (step in (4, 12) and section != "intro") or fill:
                place(
                    drums["snare"],
                    time_s,
                    _LEVELS["snare"] * (0.6 + 0.1 * (step - 12) if fill else 1.0),
                )
            if step % 2 == 0 and not fill:
                accent = 1.0 if step % 4 == 2 else 0.55
                if section == "chorus" and step % 4 == 2:
                    place(drums["open_hat"], time_s, _LEVELS["open_hat"])
                else:
                    hat = drums["hat"][rng.integers(len(drums["hat"]))]
                    place(hat, time_s, _LEVELS["hat"] * accent * rng.uniform(0.8, 1.1))
        if section != "intro":
            pattern = _BASS_CHORUS if section == "chorus" else _BASS_VERSE
            for step, interval in pattern:
                bass_note = note(root + interval, 1.8 * step_s, brightness=0.5, decay_s=0.25)
                place(bass_note, bar_start + step * step_s, _LEVELS["bass"])
        for pitch in chord:
            place(note(pitch, bar_s, brightness=0.25, decay_s=1.2), bar_start, _LEVELS["keys"])
            if section == "chorus":
                for step in (6, 14):  # off-beat stabs push the groove forward
                    stab = note(pitch + 12, 1.5 * step_s, brightness=0.3, decay_s=0.1)
                    place(stab, bar_start + step * step_s, 0.5 * _LEVELS["keys"])

    samples = _master(mix[:n_samples], sample_rate)
    return audio.DecodedAudio(samples=samples, sample_rate=sample_rate)


def write_wav(song: audio.DecodedAudio, path) -> None:
    """Write 16-bit PCM WAV; the file appears at `path` only once it is complete."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    soundfile.write(partial, song.samples, song.sample_rate, format="WAV", subtype="PCM_16")
    os.replace(partial, path)


def _section(bar: int) -> str:
    """The part of the arrangement a bar belongs to; the first 4 bars are the intro."""
    if bar < BARS_PER_SECTION // 2:
        return "intro"
    return ("verse", "chorus", "verse", "break")[(bar // BARS_PER_SECTION) % 4]


def _drum_kit(sample_rate: int, rng: np.random.Generator) -> dict:
    """One-shot drum sounds, each a float64 array starting at its hit."""
    t = np.arange(int(0.5 * sample_rate)) / sample_rate
    # Kick: a sine whose pitch falls from ~150 Hz to 50 Hz, plus a short click for attack.
    pitch = 50 + 100 * np.exp(-t / 0.03)
    kick = np.sin(2 * np.pi * np.cumsum(pitch) / sample_rate) * np.exp(-t / 0.18)
    kick[:64] += np.hanning(128)[64:] * 0.3

    def noise(seconds: float, low_hz: float, high_hz: float | None) -> np.ndarray:
        n = int(seconds * sample_rate)
        band = [low_hz, high_hz] if high_hz else low_hz
        sos = signal.butter(
            4, band, btype="bandpass" if high_hz else "highpass", fs=sample_rate, output="sos"
        )
        return signal.sosfilt(sos, rng.standard_normal(n))

    ts = t[: int(0.25 * sample_rate)]
    snare = 0.7 * noise(0.25, 1500, 7000) * np.exp(-ts / 0.07) + np.sin(
        2 * np.pi * 185 * ts
    ) * np.exp(-ts / 0.05)
    th = t[: int(0.08 * sample_rate)]
    hats = [noise(0.08, 7000, None) * np.exp(-th / 0.018) for _ in range(4)]
    to = t[: int(0.4 * sample_rate)]
    open_hat = noise(0.4, 6500, None) * np.exp(-to / 0.12)
    tc = np.arange(int(1.8 * sample_rate)) / sample_rate
    crash = noise(1.8, 4000, None) * np.exp(-tc / 0.6)
    kit = {"kick": kick, "snare": snare, "hat": hats, "open_hat": open_hat, "crash": crash}
    # Level each sound to peak 1 so the mix levels above mean what they say.
    return {
        name: [s / np.abs(s).max() for s in sound]
        if isinstance(sound, list)
        else sound / np.abs(sound).max()
        for name, sound in kit.items()
    }


def _note(
    midi: float, length_s: float, sample_rate: int, brightness: float, decay_s: float
) -> np.ndarray:
    """A plucked, slightly detuned additive-synth note (electric piano / synth bass), peak ~1.

    `brightness` is the amplitude ratio between successive harmonics; additive synthesis keeps
    every partial below Nyquist, so nothing aliases.
    """
    freq = 440.0 * 2 ** ((midi - 69) / 12)
    t = np.arange(int((length_s + 0.05) * sample_rate)) / sample_rate
    tone = np.zeros_like(t)
    for harmonic in range(1, 9):
        if freq * harmonic * 1.003 >= sample_rate / 2:
            break
        weight = brightness ** (harmonic - 1)
        for detune in (0.997, 1.003):  # two voices a few cents apart: a gentle chorus
            tone += weight * np.sin(2 * np.pi * freq * harmonic * detune * t)
    envelope = np.minimum(t / 0.005, 1.0) * np.exp(-t / decay_s)
    release = np.clip((length_s + 0.05 - t) / 0.05, 0.0, 1.0)  # fade out, no click at the end
    return tone * envelope * release / 2.0


def _master(mix: np.ndarray, sample_rate: int) -> np.ndarray:
    """Gentle saturation and a level of -1 dBFS peak, float32."""
    mix = np.tanh(1.5 * mix / (np.abs(mix).max() + 1e-9))
    fade = min(len(mix), int(0.02 * sample_rate))
    mix[len(mix) - fade :] *= np.linspace(1.0, 0.0, fade)
    return (0.89 * mix / (np.abs(mix).max() + 1e-9)).astype(np.float32)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the synthesised demo song as WAV.")
    parser.add_argument("path", type=Path)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--bpm", type=float, default=110.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    write_wav(synthesise(args.seconds, args.bpm, args.seed), args.path)


if __name__ == "__main__":
    main()
