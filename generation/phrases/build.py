"""Build the phrase family's checkpoint: cut the training clips into phrases and train the
music-motion matcher on their music/motion pairs.

    python -m generation.phrases.build [--steps 1500] [--out generation/checkpoints/phrases.pt]

Training, for each member of the matcher's ensemble on its own: InfoNCE on batches drawn within
one style (the search only ever compares phrases of the song's style), each batch cut at one of
the four whole-beat shifts of the phrases (a phrase and the next one of its clip overlap by 4
beats, so 8-count windows starting 1, 2 or 3 beats later exist too: four times the pairs),
mirrored motion for half of it, weight decay and dropout, for `DEFAULT_STEPS`. Early stopping on
a hold-out of the *training* clips (`training_holdout`, checked every `EVAL_EVERY` steps by its
retrieval) is an option the shipped recipe does without: on validation it did no better
(`bench/bench_matcher.py`).

Validation clips are cut the same way only to measure, never stored. Two measures
(`bench/bench_matcher.py` runs both over seeds and variants): `retrieval`, the rank of a
validation phrase's own motion among its style's validation phrases for its own music (most of
those are phrases of the same clip: same song, dancer and tempo), and `cross_clip_auc`, how
often its own motion scores above the memory's phrases of its style for its music (the choice
the search makes for a new song).
"""

import argparse
import time
from pathlib import Path

import numpy as np
import torch

from generation.data import load_clips
from generation.features import clip_music
from generation.phrases.matcher import (
    MOTION_CHANNELS,
    MUSIC_CHANNELS,
    MUSIC_STEPS,
    MatcherConfig,
    MusicMotionMatcher,
    mirror_motion_input,
    motion_input,
    motion_tracks,
    music_input,
)
from generation.phrases.memory import BEATS_PER_HALF, PhraseMemory, build_memory, memory_to_dict
from generation.training import code_version

ARCHITECTURE = "phrases"
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "checkpoints" / f"{ARCHITECTURE}.pt"
DEFAULT_STEPS = 1500
SHIFTS = 4
EVAL_EVERY = 50
# Every HOLDOUT_EVERY-th clip of a style with at least 3 clips (by name) is held out of
# training to choose the step to stop at.
HOLDOUT_EVERY = 6


def _windows(memory: PhraseMemory, p: int) -> list[np.ndarray]:
    """Phrase ``p``'s 9 beat frames and, where the next phrase of its clip carries on from its
    5th beat, the 8-count windows starting 1, 2 and 3 beats later."""
    rows = [memory.beat_frames[p].astype(np.float64)]
    q = p + 1
    if (
        q < len(memory)
        and memory.phrase_clip[q] == memory.phrase_clip[p]
        and abs(memory.beat_frames[q, 0] - memory.beat_frames[p, BEATS_PER_HALF]) < 1e-3
    ):
        grid = np.concatenate([memory.beat_frames[p], memory.beat_frames[q, BEATS_PER_HALF + 1 :]])
        rows += [grid[s : s + len(rows[0])].astype(np.float64) for s in range(1, SHIFTS)]
    return rows


def phrase_pairs(memory: PhraseMemory, clips: dict, analyses: dict) -> tuple[np.ndarray, ...]:
    """Music inputs ``(SHIFTS, P, S, C)``, motion inputs ``(SHIFTS, P, S, C')`` and which exist
    ``(SHIFTS, P)`` bool: shift 0 is each phrase itself, shift ``k`` its window ``k`` beats
    later (zeros where the clip has none). ``clips`` maps clip names to `Clip`s."""
    shape = (SHIFTS, len(memory))
    music = np.zeros((*shape, MUSIC_STEPS, MUSIC_CHANNELS), dtype=np.float32)
    motion = np.zeros((*shape, MUSIC_STEPS, MOTION_CHANNELS), dtype=np.float32)
    available = np.zeros(shape, dtype=bool)
    cached: dict[int, tuple] = {}
    for p in range(len(memory)):
        c = int(memory.phrase_clip[p])
        if c not in cached:
            clip = clips[memory.clip_names[c]]
            frames = memory.clip_frames(c)
            cached = {c: (clip_music(clip, analyses), motion_tracks(frames, memory.fps))}
        song, tracks = cached[c]
        for shift, beats in enumerate(_windows(memory, p)):
            bpm = 60.0 * memory.fps / float(np.diff(beats).mean())
            music[shift, p] = music_input(song.features, song.known, beats, bpm)
            motion[shift, p] = motion_input(tracks, beats)
            available[shift, p] = True
    return music, motion, available


def training_holdout(memory: PhraseMemory) -> np.ndarray:
    """``(P,)`` bool: the phrases of every `HOLDOUT_EVERY`-th clip (by name, from the
    fourth) of each style with at least 3 clips: held out of training to stop it early."""
    held = np.zeros(len(memory), dtype=bool)
    for style in dict.fromkeys(memory.clip_styles):
        clips = sorted(
            (c for c, s in enumerate(memory.clip_styles) if s == style),
            key=lambda c: memory.clip_names[c],
        )
        if len(clips) >= 3:
            for c in clips[HOLDOUT_EVERY // 2 :: HOLDOUT_EVERY]:
                held |= memory.phrase_clip == c
    return held


def _embed(
    model: MusicMotionMatcher, music, motion, member: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    with torch.no_grad():
        a = model.embed_music(torch.from_numpy(np.ascontiguousarray(music)), member).numpy()
        b = model.embed_motion(torch.from_numpy(np.ascontiguousarray(motion)), member).numpy()
    return a, b


def retrieval(
    model: MusicMotionMatcher, music, motion, styles: np.ndarray, member: int | None = None
) -> dict:
    """Per phrase, the rank of its own motion among its style's phrases for its own music
    (inputs ``(P, S, C)``): the mean rank as a fraction (0 best, 0.5 chance), the share of
    phrases ranked in the top 10 %, and recall at 1 and 5 (the own motion first, or among the
    first five) beside their chance levels (1 / n and min(5, n) / n for a style of n
    phrases). ``member``: one member's embedding instead of the ensemble's."""
    a, b = _embed(model, music, motion, member)
    ranks, counts, sizes = [], [], []
    for style in dict.fromkeys(styles):
        idx = np.flatnonzero(styles == style)
        if len(idx) < 2:
            continue
        scores = a[idx] @ b[idx].T
        better = (scores > np.diag(scores)[:, None]).sum(axis=1)
        ranks += list(better / (len(idx) - 1))
        counts += list(better)
        sizes += [len(idx)] * len(idx)
    ranks, counts, sizes = np.array(ranks), np.array(counts), np.array(sizes)
    return {
        "mean_rank_fraction": round(float(ranks.mean()), 3),
        "top10_share": round(float((ranks <= 0.1).mean()), 3),
        "recall_at_1": round(float((counts < 1).mean()), 3),
        "recall_at_1_chance": round(float((1 / sizes).mean()), 3),
        "recall_at_5": round(float((counts < 5).mean()), 3),
        "recall_at_5_chance": round(float((np.minimum(5, sizes) / sizes).mean()), 3),
        "phrases": len(ranks),
    }


def cross_clip_auc(
    model: MusicMotionMatcher,
    music: np.ndarray,
    motion: np.ndarray,
    styles: np.ndarray,
    tempo_bpm: np.ndarray,
    memory_motion: np.ndarray,
    memory: PhraseMemory,
) -> dict:
    """How the matcher tells a held-out phrase's own motion from the memory's: per held-out
    phrase (``music``/``motion`` inputs ``(P, S, C)``, ``styles``, ``tempo_bpm``), the share of
    the memory's phrases of its style (other clips, other dancers; ``memory_motion`` their
    inputs) whose motion scores below its own for its music (ties count half; 0.5 = chance).
    That is the choice the search makes for a new song. Beside it: the same against only memory
    phrases within 5 % of its tempo (where tempo cannot help), and the search's explicit tempo
    term alone (-|log tempo ratio|) as a baseline; ``audio`` keys are over the phrases with
    audio."""
    a, b = _embed(model, music, motion)
    _, m = _embed(model, music[:1], memory_motion)
    memory_styles = memory.phrase_styles
    has_audio = music[:, 0, -2] > 0
    rows = []
    for i in range(len(a)):
        idx = np.flatnonzero(memory_styles == styles[i])
        own, others = float(a[i] @ b[i]), m[idx] @ a[i]
        distance = np.abs(np.log(memory.tempo_bpm[idx] / tempo_bpm[i]))
        near = distance < np.log(1.05)
        rows.append(
            (
                _auc(own, others),
                _auc(own, others[near]) if near.any() else np.nan,
                _auc(0.0, -distance),
            )
        )
    rows = np.array(rows)

    def mean(values: np.ndarray) -> float | None:
        return round(float(np.nanmean(values)), 3) if np.isfinite(values).any() else None

    return {
        "auc": mean(rows[:, 0]),
        "auc_tempo_matched": mean(rows[:, 1]),
        "auc_tempo_term": mean(rows[:, 2]),
        "auc_audio": mean(rows[has_audio, 0]),
        "auc_tempo_matched_audio": mean(rows[has_audio, 1]),
        "phrases": len(rows),
        "phrases_with_tempo_matched": int(np.isfinite(rows[:, 1]).sum()),
    }


def _auc(own: float, others: np.ndarray) -> float:
    return float((others < own).mean() + 0.5 * (others == own).mean())


def train_matcher(
    music: np.ndarray,
    motion: np.ndarray,
    available: np.ndarray,
    styles: np.ndarray,
    steps: int,
    seed: int = 0,
    batch: int = 128,
    progress=print,
    holdout: np.ndarray | None = None,
    clips: np.ndarray | None = None,
    within_clip_share: float = 0.0,
    shifts: bool = True,
    config: MatcherConfig | None = None,
    weight_decay: float = 1e-2,
) -> MusicMotionMatcher:
    """InfoNCE on the pairs of `phrase_pairs` (module docstring), each member of the ensemble
    on its own (its own batches from seed ``seed * members + member``). With ``holdout (P,)``
    those phrases are left out of training and each member keeps its weights of the step
    (every `EVAL_EVERY`) at which their `retrieval` ranked best; without it, the last step's.
    ``model.stopped_at_steps`` lists the steps kept.

    Variants for `bench/bench_matcher.py`: ``shifts=False`` trains on the phrases alone;
    ``within_clip_share`` > 0 (with each phrase's clip index in ``clips (P,)``) makes that share
    of the batches whole clips of the style, so the other phrases of the same song and dancer
    are the negatives."""
    config = config or MatcherConfig()
    torch.manual_seed(seed)
    model = MusicMotionMatcher(config)
    train = np.ones(len(styles), dtype=bool) if holdout is None else ~holdout
    flat_music = music[0, train].reshape(-1, music.shape[-1])
    flat_motion = motion[0, train].reshape(-1, motion.shape[-1])
    model.music_mean.copy_(torch.from_numpy(flat_music.mean(0)))
    model.music_std.copy_(torch.from_numpy(flat_music.std(0) + 1e-3))
    model.motion_mean.copy_(torch.from_numpy(flat_motion.mean(0)))
    model.motion_std.copy_(torch.from_numpy(flat_motion.std(0) + 1e-3))
    by_style = {s: np.flatnonzero((styles == s) & train) for s in dict.fromkeys(styles[train])}
    names = list(by_style)
    weights = np.array([len(by_style[s]) for s in names], dtype=np.float64) ** 0.5
    weights /= weights.sum()
    by_clip = {} if clips is None else {c: np.flatnonzero((clips == c) & train) for c in set(clips)}
    model.stopped_at_steps = []
    for member in range(config.members):
        rng = np.random.default_rng(seed * config.members + member)
        optimiser = torch.optim.AdamW(
            model.member_parameters(member), lr=2e-3, weight_decay=weight_decay
        )
        best = (np.inf, None, steps)
        for step in range(steps):
            model.train()
            shift = int(rng.integers(SHIFTS)) if shifts else 0
            idx = by_style[names[rng.choice(len(names), p=weights)]]
            if by_clip and rng.random() < within_clip_share:
                whole = [by_clip[c] for c in rng.permutation(np.unique(clips[idx]))]
                idx = np.concatenate(whole)[:batch]
            idx = idx[available[shift, idx]]
            if len(idx) < 2:
                continue
            idx = rng.choice(idx, size=min(batch, len(idx)), replace=False)
            flip = rng.random(len(idx)) < 0.5
            motion_batch = np.where(
                flip[:, None, None], mirror_motion_input(motion[shift, idx]), motion[shift, idx]
            )
            loss = model.loss(
                torch.from_numpy(music[shift, idx]), torch.from_numpy(motion_batch), member
            )
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            if step % 500 == 0:
                progress(f"member {member} step {step}: loss {loss.item():.3f}")
            if holdout is not None and (step + 1) % EVAL_EVERY == 0:
                model.eval()
                held = retrieval(
                    model, music[0, holdout], motion[0, holdout], styles[holdout], member
                )["mean_rank_fraction"]
                if held < best[0]:
                    state = [
                        {k: v.clone() for k, v in part.state_dict().items()}
                        for part in (model.music[member], model.motion[member])
                    ]
                    best = (held, state, step + 1)
        if best[1] is not None:
            model.music[member].load_state_dict(best[1][0])
            model.motion[member].load_state_dict(best[1][1])
        model.stopped_at_steps.append(best[2])
    return model.eval()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=DEFAULT_STEPS)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=str(DEFAULT_OUT))
    args = parser.parse_args()
    started = time.perf_counter()
    torch.set_num_threads(max(1, torch.get_num_threads()))
    train_clips = load_clips("train")
    val_clips = load_clips("val")
    analyses: dict = {}
    memory = build_memory(train_clips)
    validation = build_memory(val_clips, held_out_for_validation=True)
    print(f"memory: {len(memory)} phrases, validation: {len(validation)}")
    music, motion, available = phrase_pairs(memory, {c.name: c for c in train_clips}, analyses)
    val_music, val_motion, _ = phrase_pairs(validation, {c.name: c for c in val_clips}, analyses)
    styles = memory.phrase_styles
    model = train_matcher(music, motion, available, styles, args.steps, args.seed)
    report = {
        "steps": args.steps,
        "members": model.config.members,
        "train_retrieval": retrieval(model, music[0], motion[0], styles),
        "val_retrieval": retrieval(model, val_music[0], val_motion[0], validation.phrase_styles),
        "val_cross_clip": cross_clip_auc(
            model,
            val_music[0],
            val_motion[0],
            validation.phrase_styles,
            validation.tempo_bpm,
            motion[0],
            memory,
        ),
        "phrases": len(memory),
        "validation_phrases": len(validation),
        "wall_s": round(time.perf_counter() - started, 1),
        "device": "cpu",
    }
    print(report)
    _, embeddings = _embed(model, music[0, :1], motion[0])
    checkpoint = {
        "architecture": ARCHITECTURE,
        "config": model.config_dict(),
        "state_dict": model.state_dict(),
        "memory": memory_to_dict(memory),
        "motion_embeddings": torch.from_numpy(embeddings).to(torch.float16),
        "fps": memory.fps,
        "styles": list(dict.fromkeys(memory.clip_styles)),
        "difficulty_reference": memory.difficulty_reference,
        "training": report,
        "trained_on": list(memory.clip_names),
        "validated_on": list(validation.clip_names),
        "code_version": code_version(),
    }
    out = Path(args.out)
    tmp = out.with_suffix(".tmp")
    torch.save(checkpoint, tmp)
    tmp.replace(out)
    print(f"wrote {out} ({out.stat().st_size / 2**20:.1f} MB)")


if __name__ == "__main__":
    main()
