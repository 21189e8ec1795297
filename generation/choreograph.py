"""The generation service: a song, a style, a level and a seed in, a whole routine out.

A routine is generated phrase by phrase (8-counts from the music analysis). Each new phrase is
rolled out by the model from the last `SEED_FRAMES` frames of the routine so far (initial-pose
chaining: the phrase starts exactly where the last one ended), the first one from a real start
of that style and level. Learners need repetition, so phrases follow a plan per block of four
(`PHRASE_PLANS`): beginners dance A A B B, intermediate learners A B A C, advanced dancers four
new phrases. A repeated phrase is the earlier one stretched to the new phrase's length, entered
through `TRANSITION_FRAMES` frames of model continuation blended into it, so the seam is smooth.

`generate_routine` returns::

    {"fps": 30.0, "joints": [15 names], "frames": ndarray (T, 15, 3) float32 metres +Y up,
     "beats": [s], "downbeats": [s], "segments": [{"start_s", "end_s", "label", "repeat_of"}],
     "style", "level", "seed", "model": "gru@<code version>", "tempo_bpm", "duration_s"}

`routine_to_json` turns it into plain JSON (frames as nested lists).
"""

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import torch
from scipy.ndimage import gaussian_filter1d

from generation import music
from generation.audio import DecodedAudio
from generation.features import (
    SEED_FRAMES,
    ClipMusic,
    Normaliser,
    frames_from_pose_vectors,
    music_from_analysis,
)
from generation.models import checkpoint_path as architecture_checkpoint
from generation.models import load_checkpoint, model_from_checkpoint
from generation.styles import LEVELS, STYLES
from scoring.skeleton import JOINTS

if TYPE_CHECKING:
    from generation.phrases.family import PhraseChoreographer, Preferences

PHRASE_PLANS = {"beginner": "AABB", "intermediate": "ABAC", "advanced": "ABCD"}
# Sampling noise per level, as a multiple of the model's `sampling_noise`: a calmer rollout for
# beginners, a livelier one for advanced dancers, on top of the model's level conditioning.
LEVEL_TEMPERATURE = {"beginner": 0.75, "intermediate": 1.0, "advanced": 1.25}
TRANSITION_FRAMES = 8
# The generation noise of each neural family, the config field it sets: noise fed back into an
# autoregressive rollout (`sampling_noise`), the diffusion family's starting-noise scale
# (`start_noise`); both are multiplied by the level temperature. A checkpoint's own value is
# used unless the family has one in `GENERATION_NOISE`.
GENERATION_NOISE_FIELD = {"diffusion": "start_noise"}
# Chosen on the validation split (14 clips, level intermediate, seeds 0-1): the lowest
# FID_k + FID_g whose foot skating is at most the real validation dances' 0.314 m/s + 10 %
# (0.345). `python bench/bench_generation_noise.py --out bench/results/generation_noise.json`;
# per family: chosen value (checkpoint value before), val FID_k / FID_g / skating m/s.
GENERATION_NOISE = {
    "lstm": 0.15,  # (0.2) 72.0 / 29.1 / 0.307
    "gru": 0.25,  # (0.2) 68.2 / 28.4 / 0.318
    "cnn": 0.2,  # (0.2) 71.6 / 27.3 / 0.302
    "transformer": 0.35,  # (0.2) 66.6 / 25.3 / 0.322
    "adversarial": 0.2,  # (0.7: 24.3 / 36.7 / 0.632, over the limit) 67.8 / 27.6 / 0.324
    "diffusion": 0.6,  # (1.0: 54.8 / 18.6 / 0.532, over the limit) 75.6 / 30.3 / 0.343
}
# Phrase length when the music gives no beats (salsa data without music, silent tests), s.
DEFAULT_PHRASE_S = 4.0
# Longer phrases are split: the model was trained on 4 s windows.
MAX_PHRASE_FRAMES = 300
# The sampled rollout carries frame-to-frame noise; a Gaussian filter of this width (frames,
# about 50 ms) removes it without blurring moves, which last several frames.
OUTPUT_SMOOTHING_FRAMES = 1.5
Progress = Callable[[float, str], None]


def validate_request(style: str, level: str) -> None:
    """Raise ValueError with a clear message for an unknown style or level."""
    if style not in STYLES:
        raise ValueError(f"Unknown style {style!r}. Choose one of: {', '.join(STYLES)}.")
    if level not in LEVELS:
        raise ValueError(f"Unknown level {level!r}. Choose one of: {', '.join(LEVELS)}.")


def phrase_starts(n_frames: int, phrase_times: np.ndarray, fps: float) -> list[int]:
    """Start frames of the phrases covering ``n_frames``: frame 0 and each phrase time (every
    `DEFAULT_PHRASE_S` without phrase times), phrases longer than `MAX_PHRASE_FRAMES` split
    evenly, phrases shorter than a second merged into a neighbour."""
    cuts = sorted({int(round(t * fps)) for t in np.asarray(phrase_times) if 0 < t * fps < n_frames})
    if not cuts:
        cuts = list(
            range(int(round(DEFAULT_PHRASE_S * fps)), n_frames, int(round(DEFAULT_PHRASE_S * fps)))
        )
    bounds = [0, *cuts, n_frames]
    starts = []
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        parts = -(-(b - a) // MAX_PHRASE_FRAMES)
        starts.extend(a + (b - a) * k // parts for k in range(parts))
    ends = [*starts[1:], n_frames]
    keep = [0] + [s for s, e in zip(starts[1:], ends[1:], strict=True) if e - s >= fps]
    if len(keep) > 1 and keep[1] < fps:
        keep.pop(1)
    return keep


def phrase_times_from_beats(beat_times: np.ndarray, downbeat_times: np.ndarray) -> np.ndarray:
    """8-count phrase starts: every `music.BEATS_PER_PHRASE`-th beat from the first downbeat."""
    beat_times = np.asarray(beat_times)
    if len(beat_times) == 0:
        return beat_times
    first = downbeat_times[0] if len(downbeat_times) else beat_times[0]
    beat_times = beat_times[beat_times >= first - 1e-6]
    return beat_times[:: music.BEATS_PER_PHRASE]


def _stretch(vectors: np.ndarray, n_frames: int) -> np.ndarray:
    """Resample ``(L, P)`` to ``(n_frames, P)`` linearly in time."""
    source = np.linspace(0.0, len(vectors) - 1, n_frames)
    lower = np.floor(source).astype(int)
    upper = np.minimum(lower + 1, len(vectors) - 1)
    frac = (source - lower)[:, None]
    return ((1 - frac) * vectors[lower] + frac * vectors[upper]).astype(np.float32)


def generation_noise_field(architecture: str) -> str:
    """The config field that holds ``architecture``'s generation noise."""
    return GENERATION_NOISE_FIELD.get(architecture, "sampling_noise")


class Choreographer:
    """A loaded checkpoint, ready to generate; ``generation_noise`` (None: the family's
    `GENERATION_NOISE`, else the checkpoint's) sets the generation noise."""

    def __init__(self, checkpoint: dict, generation_noise: float | None = None):
        self.model = model_from_checkpoint(checkpoint)
        architecture = checkpoint["architecture"]
        if generation_noise is None:
            generation_noise = GENERATION_NOISE.get(architecture)
        if generation_noise is not None:
            setattr(self.model.config, generation_noise_field(architecture), generation_noise)
        self.fps = float(checkpoint["fps"])
        self.pose_normaliser = Normaliser(
            checkpoint["pose_normaliser"]["mean"].numpy(),
            checkpoint["pose_normaliser"]["std"].numpy(),
        )
        self.music_normaliser = Normaliser(
            checkpoint["music_normaliser"]["mean"].numpy(),
            checkpoint["music_normaliser"]["std"].numpy(),
        )
        self.styles = list(checkpoint["styles"])
        self.seed_bank = checkpoint["seed_bank"]
        self.difficulty_reference = checkpoint["difficulty_reference"]
        self.name = f"{checkpoint['architecture']}@{checkpoint['code_version']}"
        self.checkpoint = checkpoint

    def generate(
        self,
        clip_music: ClipMusic,
        n_frames: int,
        style: str,
        level: str,
        seed: int = 0,
        phrase_times: np.ndarray | None = None,
        progress: Progress | None = None,
    ) -> tuple[np.ndarray, list[dict]]:
        """Frames ``(n_frames, 15, 3)`` float32 (metres, +Y up, starting at the origin) and the
        phrase segments, for music on the routine's frame grid (``clip_music.features`` has at
        least ``n_frames`` rows)."""
        validate_request(style, level)
        if style not in self.seed_bank:
            raise ValueError(f"The model has no training data for style {style!r}.")
        if phrase_times is None:
            phrase_times = phrase_times_from_beats(clip_music.beat_times, clip_music.downbeat_times)
        generator = torch.Generator().manual_seed(int(seed))
        bank = self.seed_bank[style][level]
        pick = int(torch.randint(len(bank), (1,), generator=generator))
        seed_vectors = bank[pick].numpy()

        music_norm = self.music_normaliser.normalise(clip_music.features[:n_frames])
        padded = np.concatenate([np.repeat(music_norm[:1], SEED_FRAMES, axis=0), music_norm])
        known = torch.from_numpy(clip_music.known.astype(np.float32))[None]
        style_t = torch.tensor([self.styles.index(style)])
        level_t = torch.tensor([LEVELS.index(level)])

        def rollout(history: np.ndarray, start: int, end: int) -> np.ndarray:
            # `padded` row start + SEED_FRAMES is frame `start`; the seed covers the rows before.
            window = padded[start : end + SEED_FRAMES]
            return self.model.rollout(
                torch.from_numpy(history[-SEED_FRAMES:])[None],
                torch.from_numpy(window)[None],
                known,
                style_t,
                level_t,
                generator,
                noise_scale=LEVEL_TEMPERATURE[level],
            )[0].numpy()

        starts = phrase_starts(n_frames, phrase_times, self.fps)
        ends = [*starts[1:], n_frames]
        plan = PHRASE_PLANS[level]
        history = seed_vectors
        segments: list[dict] = []
        first_of_letter: dict[tuple[int, str], int] = {}
        # A short first phrase is the intro before the first downbeat: it stays out of the plan.
        intro = int(len(starts) > 1 and ends[0] - starts[0] < 0.8 * (ends[1] - starts[1]))
        for i, (start, end) in enumerate(zip(starts, ends, strict=True)):
            position = i - intro
            letter = (position // len(plan), plan[position % len(plan)]) if position >= 0 else None
            source = first_of_letter.get(letter)
            # Only a phrase of about the same length is repeated (not an intro or a last bar).
            if source is not None:
                ratio = (end - start) / (ends[source] - starts[source])
                source = source if 0.8 <= ratio <= 1.25 else None
            if source is None:
                first_of_letter[letter] = i
                phrase = rollout(history, start, end)
            else:
                # `history` holds the seed, then frame 0 onwards.
                earlier = history[SEED_FRAMES + starts[source] : SEED_FRAMES + ends[source]]
                phrase = _stretch(earlier, end - start)
                blend = min(TRANSITION_FRAMES, len(phrase))
                continuation = rollout(history, start, start + blend)
                weight = 0.5 - 0.5 * np.cos(np.pi * (np.arange(blend) + 1) / (blend + 1))
                phrase[:blend] = (1 - weight[:, None]) * continuation + weight[:, None] * phrase[
                    :blend
                ]
            history = np.concatenate([history, phrase])
            segments.append(
                {
                    "start_s": round(start / self.fps, 3),
                    "end_s": round(end / self.fps, 3),
                    "label": f"phrase {i + 1}",
                    "repeat_of": None if source is None else source + 1,
                }
            )
            if progress is not None:
                progress(0.1 + 0.85 * end / n_frames, f"phrase {i + 1} of {len(starts)}")
        vectors = self.pose_normaliser.denormalise(history[SEED_FRAMES:])
        vectors = gaussian_filter1d(vectors, OUTPUT_SMOOTHING_FRAMES, axis=0, mode="nearest")
        return frames_from_pose_vectors(vectors, self.fps), segments


# One model per checkpoint file (the site may use several families side by side).
_cache: dict[tuple[str, float], Choreographer] = {}
_cache_lock = threading.Lock()


def load_choreographer(
    checkpoint_path: str | Path | None = None, architecture: str | None = None
) -> "Choreographer | PhraseChoreographer":
    """The model at ``checkpoint_path``, else ``architecture``'s checkpoint
    (`generation.models.checkpoint_path`; empty or None: the default one), loaded once per
    process and reloaded when the file changes; a ``phrases`` checkpoint gives a
    `generation.phrases.family.PhraseChoreographer` (same interface). Raises ValueError for an
    unknown architecture and FileNotFoundError when its checkpoint is missing."""
    if checkpoint_path is not None:
        path = Path(checkpoint_path)
    else:
        path = architecture_checkpoint(architecture)
    key = (str(path.resolve()), path.stat().st_mtime if path.exists() else 0.0)
    with _cache_lock:
        if key not in _cache:
            for stale in [k for k in _cache if k[0] == key[0]]:
                del _cache[stale]
            checkpoint = load_checkpoint(path)
            if checkpoint["architecture"] == "phrases":
                from generation.phrases.family import PhraseChoreographer

                _cache[key] = PhraseChoreographer(checkpoint)
            else:
                _cache[key] = Choreographer(checkpoint)
        return _cache[key]


def generate_routine(
    audio: DecodedAudio,
    style: str,
    level: str,
    seed: int = 0,
    checkpoint_path: str | Path | None = None,
    progress: Progress | None = None,
    architecture: str | None = None,
    preferences: "Preferences | None" = None,
    half_time: bool = False,
) -> dict:
    """Generate a whole routine for a decoded song (format in the module docstring) with the
    model at ``checkpoint_path``, else ``architecture``'s (empty or None: the default model).

    ``preferences`` (`generation.phrases.personalise.preferences_from_history`) personalise a
    routine of the phrase family; the routine then also has ``"phrases": {"known", "new",
    "text"}`` (`phrase_summary`). ``half_time`` (phrase family): each phrase danced over 16
    beats instead of 8, at half the speed (`PhraseChoreographer.generate`); the routine then
    has ``"half_time": True``. Raises ValueError for an unknown style, level or architecture
    (or preferences or half time for a family without phrases), FileNotFoundError for a
    missing checkpoint and `audio.AudioError` for a song that cannot be analysed. Same song, style, level, seed,
    preferences, half time and model give the same routine.
    """
    validate_request(style, level)
    if checkpoint_path is None:
        architecture_checkpoint(architecture)  # an unknown family fails before the analysis
    report = progress or (lambda fraction, message: None)
    report(0.0, "analysing the music")
    analysis = music.analyse(audio)
    report(0.1, "loading the model")
    choreographer = load_choreographer(checkpoint_path, architecture)
    personal = {}
    if preferences is not None:
        if not hasattr(choreographer, "memory"):
            raise ValueError(f"{choreographer.name} has no phrases to personalise a routine with.")
        personal["preferences"] = preferences
    if half_time:
        if not hasattr(choreographer, "memory"):
            raise ValueError(f"{choreographer.name} has no phrases to dance in half time.")
        personal["half_time"] = True
    frames, segments = choreographer.generate(
        music_from_analysis(analysis),
        analysis.n_frames,
        style,
        level,
        seed,
        phrase_times=analysis.phrase_times,
        progress=report,
        **personal,
    )
    report(1.0, "done")
    extra = {}
    if preferences is not None:
        from generation.phrases.personalise import phrase_summary

        extra["phrases"] = phrase_summary(segments)
    if half_time:
        extra["half_time"] = True
    return {
        "fps": choreographer.fps,
        "joints": list(JOINTS),
        "frames": frames,
        "beats": [round(float(t), 3) for t in analysis.beat_times],
        "downbeats": [round(float(t), 3) for t in analysis.downbeat_times],
        "segments": segments,
        "style": style,
        "level": level,
        "seed": int(seed),
        "model": choreographer.name,
        "tempo_bpm": round(float(analysis.tempo_bpm), 2),
        "duration_s": round(float(analysis.duration_s), 3),
        **extra,
    }


def routine_to_json(routine: dict) -> dict:
    """The routine as plain JSON types: frames become nested lists rounded to 0.1 mm."""
    return {
        **routine,
        "frames": np.round(np.asarray(routine["frames"], dtype=np.float64), 4).tolist(),
    }
