"""The choreographic memory's data: training clips cut into 8-count phrases on their beat grids.

Every trainable clip (`generation.data.is_trainable`: the train list and AIST++ sequences on no
list; never a validation or test clip) gets a beat grid:

- ballroom: the beats and downbeats `generation.music.analyse` finds in its own music;
- AIST++: its music's known tempo; basic (sBM) sequences start on a beat, and advanced ones get
  the phase of that tempo that best fits their motion beats;
- CMU salsa (no music): kinematic beats, a tempo from the autocorrelation of motion-beat pulses
  (dance octave, 60-140 BPM) tracked with the music's beat tracker (`track_beats`).

A phrase is 8 beats from a downbeat (4 for a grid without downbeats), and phrases start every
4 beats, so a phrase's second half is the next phrase's first half and the memory also holds
4-count seams between real moves. Each phrase has its style, tempo, a difficulty score
(`generation.difficulty` against the phrases of its style), start and end pose and velocity in
the body's own frame, and its foot contacts. Motion is stored once per clip (millimetres,
int16), phrases as beat frames into it.
"""

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import gaussian_filter1d

from generation.beat_tracking import track_beats
from generation.data import Clip, is_trainable
from generation.difficulty import (
    difficulty_components,
    difficulty_score,
    facing_yaw,
    motion_beats,
    style_medians,
)
from generation.features import ClipMusic, clip_music
from generation.music import TEMPO_RANGE_BPM, beat_grid
from scoring.skeleton import BODY_PART_INDEX, JOINT_INDEX, split_root

BEATS_PER_PHRASE = 8
BEATS_PER_HALF = 4
# A grid gap longer than this many median beats ends the run of phrases (a tracking break).
MAX_BEAT_GAP = 1.5
# Foot contact: the ankle within this height of its clip's lowest and slower than this.
CONTACT_HEIGHT_M = 0.05
CONTACT_SPEED_M_S = 0.6
# Kinematic beats: Gaussian pulses at motion beats, tracked with the music tracker's tightness.
KINEMATIC_PULSE_SIGMA_S = 0.05
KINEMATIC_TIGHTNESS = 100.0
MM = 1000.0
PART_NAMES = tuple(BODY_PART_INDEX)
_J = JOINT_INDEX


@dataclass
class PhraseMemory:
    """All phrases of the training clips.

    ``motion`` ``(N, 15, 3)`` int16 millimetres holds every clip once, clip ``c`` at rows
    ``clip_offsets[c]:clip_offsets[c + 1]``; ``contacts`` ``(N, 2)`` bool (left, right ankle).
    Per phrase ``p`` (``P`` phrases): ``phrase_clip (P,)`` clip index, ``beat_frames (P, 9)``
    float32 beat positions in frames on the clip's clock, ``tempo_bpm (P,)``, ``difficulty
    (P,)`` (score against the style's median components), ``part_share (P, 6)`` each body
    part's share of the root-relative motion (`PART_NAMES` order). Per clip: ``clip_names``,
    ``clip_styles``. ``difficulty_reference`` is the per-style ``{"median": components}``.
    """

    motion: np.ndarray
    contacts: np.ndarray
    clip_offsets: np.ndarray
    clip_names: list[str]
    clip_styles: list[str]
    clip_splits: list[str]
    phrase_clip: np.ndarray
    beat_frames: np.ndarray
    tempo_bpm: np.ndarray
    difficulty: np.ndarray
    part_share: np.ndarray
    difficulty_reference: dict
    fps: float

    def __len__(self) -> int:
        return len(self.phrase_clip)

    @property
    def phrase_styles(self) -> np.ndarray:
        return np.array(self.clip_styles, dtype=object)[self.phrase_clip]

    def phrase_id(self, p: int) -> str:
        """A stable name for phrase ``p``: its clip and its first beat's frame."""
        return f"{self.clip_names[self.phrase_clip[p]]}@{int(round(self.beat_frames[p, 0]))}"

    def clip_frames(self, c: int) -> np.ndarray:
        """Clip ``c``'s frames ``(T, 15, 3)`` float32 metres."""
        return self.motion[self.clip_offsets[c] : self.clip_offsets[c + 1]].astype(np.float32) / MM

    def phrase_frames(self, p: int) -> np.ndarray:
        """Phrase ``p``'s frames at its own tempo, first beat to last, ``(L, 15, 3)``."""
        first, last = self.beat_frames[p, 0], self.beat_frames[p, -1]
        return self.clip_frames(self.phrase_clip[p])[int(np.floor(first)) : int(np.ceil(last)) + 1]


def kinematic_beats(frames: np.ndarray, fps: float) -> tuple[np.ndarray, np.ndarray]:
    """Beats from motion alone: ``(beat_times (B,), downbeat_times (D,))`` in seconds.

    Motion beats (minima of joint speed) become Gaussian pulses weighted by how deep each minimum
    is; the tempo is the autocorrelation peak within the dance octave, and the beats are tracked
    on the pulses with `track_beats`. Every fourth beat is taken as a downbeat.
    """
    from generation.difficulty import motion_speed

    speed = motion_speed(frames, fps)
    times = motion_beats(frames, fps)
    envelope = np.zeros(len(frames))
    local = gaussian_filter1d(speed, sigma=fps * 0.25)
    for t in times:
        frame = int(round(t * fps))
        envelope[frame] += max(local[frame] - speed[frame], 0.0) + 1e-3
    envelope = gaussian_filter1d(envelope, sigma=KINEMATIC_PULSE_SIGMA_S * fps)
    centred = envelope - envelope.mean()
    autocorrelation = np.correlate(centred, centred, mode="full")[len(centred) - 1 :]
    lags = np.arange(len(autocorrelation))
    low, high = TEMPO_RANGE_BPM
    allowed = (lags >= 60.0 * fps / high) & (lags <= 60.0 * fps / low)
    if not allowed.any() or not envelope.any():
        return np.zeros(0), np.zeros(0)
    lag = lags[allowed][np.argmax(autocorrelation[allowed])]
    bpm = 60.0 * fps / lag
    beat_frames = track_beats(envelope, fps, bpm, KINEMATIC_TIGHTNESS)
    beat_times = beat_frames / fps
    return beat_times, beat_times[::BEATS_PER_HALF].copy()


def fitted_phase_grid(clip: Clip) -> tuple[np.ndarray, np.ndarray]:
    """A known tempo without a known first beat (AIST++ advanced): the grid phase whose beats lie
    closest to the clip's motion beats (the beat-align score), on a 10 ms search."""
    period = 60.0 / clip.bpm
    motion = motion_beats(clip.frames, clip.fps)
    best, best_score = 0.0, -1.0
    for phase in np.arange(0.0, period, 0.01):
        beats, _ = beat_grid(clip.duration_s, clip.bpm, phase)
        if len(beats) == 0 or len(motion) == 0:
            continue
        d = np.abs(motion[:, None] - beats[None, :]).min(axis=1)
        score = float(np.exp(-(d**2) / (2 * 0.1**2)).mean())
        if score > best_score:
            best, best_score = phase, score
    return beat_grid(clip.duration_s, clip.bpm, best)


def clip_beat_grid(clip: Clip, music: ClipMusic | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(beat_times, downbeat_times)`` in seconds on the clip's clock (module docstring)."""
    if clip.source == "ballroom":
        music = music if music is not None else clip_music(clip)
        return np.asarray(music.beat_times), np.asarray(music.downbeat_times)
    if clip.source == "aistpp" and clip.bpm is not None:
        if clip.first_beat_s is not None:
            return beat_grid(clip.duration_s, clip.bpm, clip.first_beat_s)
        return fitted_phase_grid(clip)
    return kinematic_beats(clip.frames, clip.fps)


def phrase_beats(beat_times: np.ndarray, downbeat_times: np.ndarray, fps: float, n_frames: int):
    """Beat frames ``(P, 9)`` of the phrases on a grid: 8 beats each, starting at the first
    downbeat and every 4 beats after it, inside the clip and without a gap in the grid."""
    beats = np.asarray(beat_times, dtype=np.float64)
    if len(beats) < BEATS_PER_PHRASE + 1:
        return np.zeros((0, BEATS_PER_PHRASE + 1), dtype=np.float32)
    first = downbeat_times[0] if len(downbeat_times) else beats[0]
    beats = beats[beats >= first - 1e-6] * fps
    median = np.median(np.diff(beats)) if len(beats) > 1 else 0.0
    rows = []
    for start in range(0, len(beats) - BEATS_PER_PHRASE, BEATS_PER_HALF):
        row = beats[start : start + BEATS_PER_PHRASE + 1]
        if row[0] < 0 or row[-1] > n_frames - 2:
            continue
        if np.diff(row).max() > MAX_BEAT_GAP * median:
            continue
        rows.append(row)
    return np.array(rows, dtype=np.float32).reshape(-1, BEATS_PER_PHRASE + 1)


def foot_contacts(
    frames: np.ndarray, fps: float, max_speed_m_s: float = CONTACT_SPEED_M_S
) -> np.ndarray:
    """``(T, 2)`` bool: left and right ankle planted (within `CONTACT_HEIGHT_M` of its lowest,
    slower than ``max_speed_m_s``)."""
    out = np.zeros((len(frames), 2), dtype=bool)
    for k, ankle in enumerate(("left_ankle", "right_ankle")):
        track = frames[:, _J[ankle]].astype(np.float64)
        velocity = np.gradient(track, axis=0) * fps
        speed = np.hypot(velocity[:, 0], velocity[:, 2])
        out[:, k] = (track[:, 1] < track[:, 1].min() + CONTACT_HEIGHT_M) & (speed < max_speed_m_s)
    return out


def part_share(frames: np.ndarray, fps: float) -> np.ndarray:
    """``(6,)``: each body part's share of the summed root-relative joint speed."""
    _root, relative = split_root(frames.astype(np.float64))
    speed = np.linalg.norm(np.diff(relative, axis=0), axis=-1).mean(axis=0) * fps
    total = np.array([speed[BODY_PART_INDEX[p]].sum() for p in PART_NAMES])
    return (total / max(total.sum(), 1e-9)).astype(np.float32)


def facing_normalised(frames: np.ndarray) -> np.ndarray:
    """Root-relative joints ``(T, 15, 3)`` turned about +Y so that each frame's hip line points
    along +x (the body's own frame)."""
    _root, relative = split_root(np.asarray(frames, dtype=np.float64))
    yaw = facing_yaw(frames)
    cos, sin = np.cos(yaw)[:, None], np.sin(yaw)[:, None]
    out = relative.copy()
    out[..., 0] = cos * relative[..., 0] + sin * relative[..., 2]
    out[..., 2] = -sin * relative[..., 0] + cos * relative[..., 2]
    return out


def build_memory(
    clips: list[Clip], progress=print, held_out_for_validation: bool = False
) -> PhraseMemory:
    """Cut the trainable ``clips`` into phrases; a validation or test clip is refused unless
    ``held_out_for_validation`` (only to measure the matcher on validation clips: such a memory
    is never saved or generated from)."""
    refused = [c.name for c in clips if not is_trainable(c)]
    if refused and not held_out_for_validation:
        raise ValueError(f"the phrase memory takes training clips only, not {refused[:3]}")
    analyses: dict = {}
    motion, contacts, offsets = [], [], [0]
    names, styles, splits = [], [], []
    phrase_clip, beat_rows, components = [], [], []
    for clip in clips:
        music = clip_music(clip, analyses) if clip.source == "ballroom" else None
        beats, downbeats = clip_beat_grid(clip, music)
        rows = phrase_beats(beats, downbeats, clip.fps, len(clip.frames))
        if len(rows) == 0:
            progress(f"{clip.name}: no whole phrase on its beat grid, left out")
            continue
        c = len(names)
        names.append(clip.name)
        styles.append(clip.style)
        splits.append(clip.split)
        motion.append(np.round(clip.frames * MM).astype(np.int16))
        contacts.append(foot_contacts(clip.frames, clip.fps))
        offsets.append(offsets[-1] + len(clip.frames))
        for row in rows:
            first, last = int(np.floor(row[0])), int(np.ceil(row[-1])) + 1
            frames = clip.frames[first:last]
            local_beats = (row - first) / clip.fps
            phrase_clip.append(c)
            beat_rows.append(row)
            components.append(
                (
                    difficulty_components(frames, clip.fps, local_beats),
                    part_share(frames, clip.fps),
                )
            )
    phrase_styles = np.array(styles, dtype=object)[np.array(phrase_clip)]
    reference = {
        style: {
            "median": style_medians(
                [components[i][0] for i in np.flatnonzero(phrase_styles == style)]
            )
        }
        for style in dict.fromkeys(styles)
    }
    difficulty = [
        difficulty_score(row, reference[style]["median"])
        for (row, _share), style in zip(components, phrase_styles, strict=True)
    ]
    beat_frames = np.array(beat_rows, dtype=np.float32)
    fps = clips[0].fps
    return PhraseMemory(
        motion=np.concatenate(motion),
        contacts=np.concatenate(contacts),
        clip_offsets=np.array(offsets, dtype=np.int64),
        clip_names=names,
        clip_styles=styles,
        clip_splits=splits,
        phrase_clip=np.array(phrase_clip, dtype=np.int64),
        beat_frames=beat_frames,
        tempo_bpm=(60.0 * fps / np.diff(beat_frames, axis=1).mean(axis=1)).astype(np.float32),
        difficulty=np.array(difficulty, dtype=np.float32),
        part_share=np.stack([share for _row, share in components]),
        difficulty_reference=reference,
        fps=fps,
    )


_ARRAYS = (
    "motion",
    "contacts",
    "clip_offsets",
    "phrase_clip",
    "beat_frames",
    "tempo_bpm",
    "difficulty",
    "part_share",
)
_LISTS = ("clip_names", "clip_styles", "clip_splits")


def memory_to_dict(memory: PhraseMemory) -> dict:
    """The memory as tensors and plain types (for a ``weights_only`` checkpoint)."""
    import torch

    out = {name: torch.from_numpy(np.ascontiguousarray(getattr(memory, name))) for name in _ARRAYS}
    out.update({name: list(getattr(memory, name)) for name in _LISTS})
    out["difficulty_reference"] = memory.difficulty_reference
    out["fps"] = float(memory.fps)
    return out


def memory_from_dict(stored: dict) -> PhraseMemory:
    return PhraseMemory(
        **{name: stored[name].numpy() for name in _ARRAYS},
        **{name: list(stored[name]) for name in _LISTS},
        difficulty_reference=stored["difficulty_reference"],
        fps=float(stored["fps"]),
    )
