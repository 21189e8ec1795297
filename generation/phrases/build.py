"""Build the phrase family's checkpoint: cut the training clips into phrases and train the
music-motion matcher on their music/motion pairs.

    python -m generation.phrases.build [--steps 600] [--out generation/checkpoints/phrases.pt]

Validation clips are cut the same way only to measure retrieval (how high the true phrase ranks
among its style's validation phrases for its own music); they never enter the memory.
"""

import argparse
import time
from pathlib import Path

import numpy as np
import torch

from generation.data import load_clips
from generation.features import clip_music
from generation.phrases.matcher import (
    MatcherConfig,
    MusicMotionMatcher,
    motion_input,
    music_input,
)
from generation.phrases.memory import PhraseMemory, build_memory, memory_to_dict
from generation.training import code_version
from scoring.skeleton import mirror

ARCHITECTURE = "phrases"
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "checkpoints" / f"{ARCHITECTURE}.pt"


def phrase_pairs(memory: PhraseMemory, clips: dict, analyses: dict) -> tuple[np.ndarray, ...]:
    """Music inputs ``(P, S, C)``, motion inputs ``(P, S, C')`` and mirrored motion inputs of
    every phrase; ``clips`` maps clip names to `Clip`s."""
    music, motion, mirrored = [], [], []
    cached: dict[int, tuple] = {}
    for p in range(len(memory)):
        c = int(memory.phrase_clip[p])
        if c not in cached:
            clip = clips[memory.clip_names[c]]
            frames = memory.clip_frames(c)
            cached = {c: (clip_music(clip, analyses), frames, mirror(frames))}
        clip_music_, frames, flipped = cached[c]
        beats = memory.beat_frames[p].astype(np.float64)
        music.append(
            music_input(clip_music_.features, clip_music_.known, beats, memory.tempo_bpm[p])
        )
        motion.append(motion_input(frames, beats, memory.fps))
        mirrored.append(motion_input(flipped, beats, memory.fps))
    return np.stack(music), np.stack(motion), np.stack(mirrored)


def retrieval(model: MusicMotionMatcher, music, motion, styles: np.ndarray) -> dict:
    """Per phrase, the rank of its own motion among its style's phrases for its own music:
    the mean rank as a fraction (0 best, 0.5 chance), the share of phrases ranked in the top
    10 %, and recall at 1 and 5 (the own motion first, or among the first five) beside their
    chance levels (1 / n and min(5, n) / n for a style of n phrases)."""
    with torch.no_grad():
        a = model.embed_music(torch.from_numpy(music)).numpy()
        b = model.embed_motion(torch.from_numpy(motion)).numpy()
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
    phrase (``music``/``motion`` inputs, ``styles``, ``tempo_bpm``), the share of the memory's
    phrases of its style (other clips, other dancers; ``memory_motion`` their inputs) whose
    motion scores below its own for its music (ties count half; 0.5 = chance). That is the
    choice the search makes for a new song. Beside it: the same against only memory phrases
    within 5 % of its tempo (where tempo cannot help), and the search's explicit tempo term
    alone (-|log tempo ratio|) as a baseline; ``audio`` keys are over the phrases with audio."""
    with torch.no_grad():
        a = model.embed_music(torch.from_numpy(music)).numpy()
        b = model.embed_motion(torch.from_numpy(motion)).numpy()
        m = model.embed_motion(torch.from_numpy(memory_motion)).numpy()
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

    def mean(values: np.ndarray) -> float:
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
    mirrored: np.ndarray,
    styles: np.ndarray,
    steps: int,
    seed: int = 0,
    batch: int = 128,
    progress=print,
    clips: np.ndarray | None = None,
    within_clip_share: float = 0.0,
    temperature: float = MatcherConfig.temperature,
) -> MusicMotionMatcher:
    """InfoNCE with batches drawn within one style (the search only ever compares phrases of
    the song's style); a mirrored phrase stands in for its original half of the time.

    With ``within_clip_share`` > 0 (and each phrase's clip index in ``clips (P,)``), that share
    of the batches is made of whole clips of the style, so the negatives include the other
    phrases of the same song and dancer (hard negatives: telling clips apart is no longer
    enough). ``bench/bench_matcher.py`` measures both on the validation phrases."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = MusicMotionMatcher(MatcherConfig(temperature=temperature))
    flat_music = music.reshape(-1, music.shape[-1])
    flat_motion = np.concatenate([motion, mirrored]).reshape(-1, motion.shape[-1])
    model.music_mean.copy_(torch.from_numpy(flat_music.mean(0)))
    model.music_std.copy_(torch.from_numpy(flat_music.std(0) + 1e-3))
    model.motion_mean.copy_(torch.from_numpy(flat_motion.mean(0)))
    model.motion_std.copy_(torch.from_numpy(flat_motion.std(0) + 1e-3))
    optimiser = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
    by_style = {s: np.flatnonzero(styles == s) for s in dict.fromkeys(styles)}
    names = list(by_style)
    weights = np.array([len(by_style[s]) for s in names], dtype=np.float64) ** 0.5
    weights /= weights.sum()
    by_clip = {} if clips is None else {c: np.flatnonzero(clips == c) for c in np.unique(clips)}
    model.train()
    for step in range(steps):
        idx = by_style[names[rng.choice(len(names), p=weights)]]
        if by_clip and rng.random() < within_clip_share:
            whole = [by_clip[c] for c in rng.permutation(np.unique(clips[idx]))]
            idx = np.concatenate(whole)[:batch]
        else:
            idx = rng.choice(idx, size=min(batch, len(idx)), replace=False)
        flip = rng.random(len(idx)) < 0.5
        motion_batch = np.where(flip[:, None, None], mirrored[idx], motion[idx])
        loss = model.loss(torch.from_numpy(music[idx]), torch.from_numpy(motion_batch))
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        if step % 100 == 0:
            progress(f"step {step}: loss {loss.item():.3f}")
    return model.eval()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=600)
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
    pairs = phrase_pairs(memory, {c.name: c for c in train_clips}, analyses)
    val_pairs = phrase_pairs(validation, {c.name: c for c in val_clips}, analyses)
    styles = memory.phrase_styles
    val_styles = validation.phrase_styles
    model = train_matcher(*pairs, styles, args.steps, args.seed)
    report = {
        "steps": args.steps,
        "train_retrieval": retrieval(model, pairs[0], pairs[1], styles),
        "val_retrieval": retrieval(model, val_pairs[0], val_pairs[1], val_styles),
        "phrases": len(memory),
        "validation_phrases": len(validation),
        "wall_s": round(time.perf_counter() - started, 1),
        "device": "cpu",
    }
    print(report)
    with torch.no_grad():
        embeddings = model.embed_motion(torch.from_numpy(pairs[1])).to(torch.float16)
    checkpoint = {
        "architecture": ARCHITECTURE,
        "config": model.config_dict(),
        "state_dict": model.state_dict(),
        "memory": memory_to_dict(memory),
        "motion_embeddings": embeddings,
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
