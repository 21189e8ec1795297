"""The phrase family: routines made of real training phrases (after ChoreoMaster and Bailando's
choreographic memory), chosen for the music by the learned matcher and a beam search.

For a song: its beats give 8-count slots (`compose.song_slots`). Every phrase of the style
whose difficulty *as danced at the slot's tempo* (its score plus the log of the warp ratio:
speed and jerk grow with it) lies in the level's third is scored against every slot: matcher
cosine + its own beat alignment - tempo mismatch + a pull toward easy, typical or hard phrases.
The seed adds small Gumbel noise to those scores, so it picks among near-best sequences, and the
same seed gives the same routine. `search.beam_search` adds the seam cost (pose and velocity in
the body's frame at the join), the level's repeats (`PHRASE_PLANS`: A A B B for beginners,
A B A C intermediate, none for advanced), a cost for other reuse and, below advanced, a bonus
for giving a repeated chorus its block's phrases again. The chosen phrases are warped onto the
beat grid and joined by `compose`. Half time (an option, meant for beginners) lays each phrase's
8 counts on 16 beats of the song: the same moves at half the speed, still on the beat.

`PhraseChoreographer` has the interface of `generation.choreograph.Choreographer`
(``generate`` gives frames and segments); each segment names its phrase (``phrase_id``).
A learner's history (`generation.phrases.personalise`) adds `Preferences`.
"""

from dataclasses import dataclass

import numpy as np
import torch

from generation.choreograph import PHRASE_PLANS, Progress, validate_request
from generation.difficulty import motion_beats
from generation.features import ClipMusic
from generation.metrics import beat_align_score
from generation.phrases.compose import attach, plant_feet, slot_ranges, song_slots, warp
from generation.phrases.matcher import (
    BEATS,
    MatcherConfig,
    MusicMotionMatcher,
    beat_spectrum,
    music_input,
)
from generation.phrases.memory import PART_NAMES, facing_normalised, memory_from_dict
from generation.phrases.search import beam_search
from generation.styles import LEVELS

# Weights of the search score (the matcher's cosine is in [-1, 1]).
TEMPO_WEIGHT = 2.0
# Per unit of a phrase's own beat-align score (0-1): phrases that move on their beats.
ON_BEAT_WEIGHT = 1.0
POSE_WEIGHT = 6.0  # per metre of mean joint distance at the seam
VELOCITY_WEIGHT = 1.0  # per metre-per-beat of mean joint velocity difference at the seam
REPEAT_BONUS = 0.3
# Dancing a phrase again outside the plan's repeats; advanced: only when the style has fewer
# phrases in that third than the song has slots.
REUSE_PENALTY = {"beginner": 1.0, "intermediate": 1.0, "advanced": 100.0}
SEED_NOISE = 0.15
# Pull toward easy (beginner), typical (intermediate) or hard (advanced) phrases as danced at
# the song's tempo, on top of the level's third of the style's phrases.
LEVEL_WEIGHT = 2.0
# Slots whose music (standardised spectral features on the beat grid) correlates this much are
# heard as a repeat.
MUSIC_REPEAT_CORRELATION = 0.9
KNOWN_BONUS = 1.0
LEAN_WEIGHT = 0.5
BEAM = 16
# Half time: a phrase's beat lands on every second beat of the song, its 8 counts on 16 beats.
HALF_TIME_STRIDE = 2


@dataclass(frozen=True)
class Preferences:
    """What a learner's history asks of the next routine (`personalise.preferences_from_history`):
    phrase ids they dance well, the body part to lean toward, and at most one new phrase in
    ``new_every`` distinct ones (at least one)."""

    known: tuple[str, ...] = ()
    lean_part: str | None = None
    new_every: int = 4


class PhraseChoreographer:
    """A loaded phrase checkpoint, ready to generate."""

    def __init__(self, checkpoint: dict):
        self.model = MusicMotionMatcher(MatcherConfig(**checkpoint["config"]))
        self.model.load_state_dict(checkpoint["state_dict"])
        self.model.eval()
        self.memory = memory_from_dict(checkpoint["memory"])
        self.embeddings = checkpoint["motion_embeddings"].float().numpy()
        self.fps = float(checkpoint["fps"])
        self.styles = list(checkpoint["styles"])
        # The styles it can dance (the neural families' seed-bank keys play this part).
        self.seed_bank = {style: None for style in self.styles}
        self.difficulty_reference = checkpoint["difficulty_reference"]
        self.name = f"{checkpoint['architecture']}@{checkpoint['code_version']}"
        self.checkpoint = checkpoint
        self._clips: dict[int, np.ndarray] = {}
        self._by_style: dict[str, dict] = {}
        self.phrase_ids = [self.memory.phrase_id(p) for p in range(len(self.memory))]

    def clip_frames(self, c: int) -> np.ndarray:
        if c not in self._clips:
            self._clips[c] = self.memory.clip_frames(c).astype(np.float64)
        return self._clips[c]

    def _endpoint(self, p: int, which: int) -> np.ndarray:
        """Pose and velocity per beat ``(2, 15, 3)`` in the body's frame at phrase ``p``'s first
        (``which=0``) or last beat."""
        frames = self.clip_frames(int(self.memory.phrase_clip[p]))
        beats = self.memory.beat_frames[p]
        i = int(np.clip(round(float(beats[which])), 1, len(frames) - 2))
        local = facing_normalised(frames[i - 1 : i + 2])
        frames_per_beat = float(np.diff(beats).mean())
        return np.stack([local[1], (local[2] - local[0]) / 2 * frames_per_beat])

    def _beat_alignment(self, p: int) -> float:
        """The beat-align score of phrase ``p``'s motion beats against its own beats (the warp
        keeps it: both move together)."""
        frames = self.clip_frames(int(self.memory.phrase_clip[p]))
        beats = self.memory.beat_frames[p].astype(np.float64)
        first, last = int(np.floor(beats[0])), int(np.ceil(beats[-1])) + 1
        motion = motion_beats(frames[first:last], self.fps) + first / self.fps
        return beat_align_score(motion, beats / self.fps)

    def style_data(self, style: str) -> dict:
        """Per style (cached): its phrase indices and ids, seam costs ``(P, P)``, each phrase's
        beat alignment and its z-scored body-part shares ``(P, 6)``."""
        if style not in self._by_style:
            idx = np.flatnonzero(self.memory.phrase_styles == style)
            starts = np.stack([self._endpoint(p, 0) for p in idx])
            ends = np.stack([self._endpoint(p, -1) for p in idx])
            pose = np.linalg.norm(ends[:, None, 0] - starts[None, :, 0], axis=-1).mean(-1)
            velocity = np.linalg.norm(ends[:, None, 1] - starts[None, :, 1], axis=-1).mean(-1)
            on_beat = np.array([self._beat_alignment(p) for p in idx])
            share = self.memory.part_share[idx]
            lean = (share - share.mean(0)) / (share.std(0) + 1e-9)
            self._by_style[style] = {
                "idx": idx,
                "transition": POSE_WEIGHT * pose + VELOCITY_WEIGHT * velocity,
                "lean": lean,
                "on_beat": on_beat,
                "ids": [self.phrase_ids[p] for p in idx],
            }
        return self._by_style[style]

    def _slots(
        self, clip_music: ClipMusic, n_frames: int, style: str, beats_per_slot: int
    ) -> list[np.ndarray]:
        beats = np.asarray(clip_music.beat_times, dtype=np.float64) * self.fps
        downbeats = np.asarray(clip_music.downbeat_times, dtype=np.float64) * self.fps
        if len(beats) < 2:
            # No music known (salsa data, a silent test): the style's typical tempo from frame 0.
            bpm = float(np.median(self.memory.tempo_bpm[self.style_data(style)["idx"]]))
            period = 60.0 * self.fps / bpm
            beats = np.arange(0.0, n_frames + period, period)
            downbeats = beats[:1]
        first_downbeat = downbeats[0] if len(downbeats) else None
        return song_slots(beats, first_downbeat, n_frames, beats_per_slot)

    def generate(
        self,
        clip_music: ClipMusic,
        n_frames: int,
        style: str,
        level: str,
        seed: int = 0,
        phrase_times: np.ndarray | None = None,
        progress: Progress | None = None,
        preferences: Preferences | None = None,
        half_time: bool = False,
    ) -> tuple[np.ndarray, list[dict]]:
        """Frames ``(n_frames, 15, 3)`` float32 (metres, +Y up, starting at the origin) and one
        segment per slot ``{"start_s", "end_s", "label", "repeat_of", "phrase_id"}`` (plus
        ``"known"`` with preferences). ``phrase_times`` is accepted for the common interface;
        the slots come from the beats.

        ``half_time``: each phrase is chosen as for an 8-count of the song (its first 8 beats
        give the music and the tempo) but danced over 16 beats, its counts on every other beat,
        so every move takes twice as long (`HALF_TIME_STRIDE`)."""
        validate_request(style, level)
        if style not in self.seed_bank:
            raise ValueError(f"The model has no training data for style {style!r}.")
        data = self.style_data(style)
        idx = data["idx"]
        stride = HALF_TIME_STRIDE if half_time else 1
        # A slot's beats ``(8 * stride + 1,)``; the phrase's 9 beats land on every stride-th.
        song_beats = self._slots(clip_music, n_frames, style, BEATS * stride)
        slots = [s[::stride] for s in song_beats]
        heard = [s[: BEATS + 1] for s in song_beats]
        slot_bpm = np.array([60.0 * self.fps / np.diff(s).mean() for s in heard])
        music = np.stack(
            [
                music_input(clip_music.features, clip_music.known, s, bpm)
                for s, bpm in zip(heard, slot_bpm, strict=True)
            ]
        )
        with torch.no_grad():
            music_embedding = self.model.embed_music(torch.from_numpy(music)).numpy()
        match = music_embedding @ self.embeddings[idx].T
        match += ON_BEAT_WEIGHT * data["on_beat"][None]
        match -= TEMPO_WEIGHT * np.abs(np.log(self.memory.tempo_bpm[idx][None] / slot_bpm[:, None]))
        # Difficulty as danced: speed and jerk scale with the warp, about +log(ratio) in score.
        danced = self.memory.difficulty[idx][None] + np.log(
            slot_bpm[:, None] / self.memory.tempo_bpm[idx][None]
        )
        centre = float(np.median(self.memory.difficulty[idx]))
        match += (
            LEVEL_WEIGHT
            * {
                "beginner": -danced,
                "intermediate": -np.abs(danced - centre),
                "advanced": danced,
            }[level]
        )
        rng = np.random.default_rng(int(seed))
        match += SEED_NOISE * rng.gumbel(size=match.shape)

        known = np.zeros(len(idx), dtype=bool)
        bonus = np.zeros(len(idx))
        budget = None
        # The level's third of the style's phrases as danced at each slot's tempo.
        low, high = np.quantile(danced, [1 / 3, 2 / 3], axis=1, keepdims=True)
        tier = (danced > low).astype(int) + (danced > high)
        allowed = tier == LEVELS.index(level)
        if preferences is not None:
            wanted = set(preferences.known)
            known = np.array([i in wanted for i in data["ids"]])
            if preferences.lean_part is not None:
                bonus += LEAN_WEIGHT * data["lean"][:, PART_NAMES.index(preferences.lean_part)]
            if known.any():
                bonus += KNOWN_BONUS * known
                allowed |= known[None, :]
        match[~allowed] = -np.inf

        # The level's plan counts from the first whole slot (a partial first slot is an intro).
        ranges = slot_ranges(slots, n_frames)
        lengths = np.array([last - first for first, last in ranges], dtype=np.float64)
        intro = int(slots[0][0] < -0.5 * np.diff(slots[0]).mean())
        plan = PHRASE_PLANS[level]
        forced: list[int | None] = []
        for k in range(len(slots)):
            position = k - intro
            if position < 0:
                forced.append(None)
                continue
            block, letter = divmod(position, len(plan))
            first = plan.index(plan[letter])
            source = None if first == letter else intro + block * len(plan) + first
            # Only a slot of about the same length repeats (not a last, partial one).
            if source is not None and not 0.8 <= lengths[k] / lengths[source] <= 1.25:
                source = None
            forced.append(source)
        # Advanced routines stay varied: no repeats, not even where the music repeats.
        similar = (
            [None] * len(slots)
            if level == "advanced"
            else self._music_repeats(
                np.stack([beat_spectrum(clip_music.features, clip_music.known, s) for s in heard]),
                forced,
                intro,
                len(plan),
            )
        )
        if preferences is not None and known.any():
            free = sum(f is None for f in forced)
            budget = max(1, free // preferences.new_every)
        sequence = beam_search(
            match,
            data["transition"],
            forced,
            similar,
            bonus=bonus,
            repeat_bonus=REPEAT_BONUS,
            # Known phrases pay the level's reuse penalty too, or their bonus makes the whole
            # routine one known phrase over and over.
            reuse_penalty=REUSE_PENALTY[level],
            is_new=~known if known.any() else None,
            new_budget=budget,
            beam=BEAM,
        )
        frames, segments = self._compose(slots, [int(idx[i]) for i in sequence], n_frames)
        for k, i in enumerate(sequence):
            first_k = sequence.index(i)
            same_length = 0.8 <= lengths[k] / lengths[first_k] <= 1.25
            segments[k]["repeat_of"] = first_k + 1 if first_k != k and same_length else None
            if preferences is not None:
                segments[k]["known"] = bool(known[i])
        if progress is not None:
            progress(0.95, f"{len(slots)} phrases placed")
        return frames, segments

    def _music_repeats(
        self, spectrum: np.ndarray, forced: list[int | None], intro: int, block: int
    ) -> list[int | None]:
        """For each free slot, the slot at the same place of an earlier block of the plan whose
        music (``spectrum (K, S, C)``, `beat_spectrum` per slot) it repeats most, if any (a
        repeated chorus gets its block's phrases again)."""
        spectral = spectrum.reshape(len(spectrum), -1)
        if not np.any(spectral):
            return [None] * len(spectrum)
        centred = spectral - spectral.mean(axis=0)
        centred /= np.linalg.norm(centred, axis=1, keepdims=True) + 1e-9
        correlation = centred @ centred.T
        similar: list[int | None] = []
        for k in range(len(spectrum)):
            earlier = [
                j
                for j in range(intro, k)
                if forced[j] is None and (j - intro) % block == (k - intro) % block
            ]
            if forced[k] is not None or not earlier:
                similar.append(None)
                continue
            j = max(earlier, key=lambda e: correlation[k, e])
            similar.append(j if correlation[k, j] >= MUSIC_REPEAT_CORRELATION else None)
        return similar

    def _compose(self, slots, phrases: list[int], n_frames: int) -> tuple[np.ndarray, list]:
        routine = np.zeros((0, 15, 3))
        segments = []
        ranges = slot_ranges(slots, n_frames)
        for slot, p, (first, last) in zip(slots, phrases, ranges, strict=True):
            clip = self.clip_frames(int(self.memory.phrase_clip[p]))
            target = np.arange(first, last, dtype=np.float64)
            phrase = warp(clip, self.memory.beat_frames[p].astype(np.float64), slot, target)
            if len(routine) >= 2:
                phrase = attach(routine, phrase, self.fps)
            elif len(routine) == 0:
                phrase = phrase.copy()
                phrase[..., 0] -= phrase[0, 0, 0]
                phrase[..., 2] -= phrase[0, 0, 2]
            routine = np.concatenate([routine, phrase])
            segments.append(
                {
                    "start_s": round(first / self.fps, 3),
                    "end_s": round(last / self.fps, 3),
                    "label": f"phrase {len(segments) + 1}",
                    "repeat_of": None,
                    "phrase_id": self.phrase_ids[p],
                }
            )
        return plant_feet(routine, self.fps).astype(np.float32), segments
