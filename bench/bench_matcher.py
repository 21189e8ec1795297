"""Retrieval of the phrase family's music-motion matcher on the validation phrases, for the
shipped training recipe and for variants of it, over several training seeds (issue 15).

    python bench/bench_matcher.py [--seeds 3] [--steps 600] [--out bench/results/matcher_retrieval.json]

The phrases are cut as `python -m generation.phrases.build` cuts them (training clips for the
memory, validation clips only to measure; never a test clip). For each variant and seed a
matcher is trained on the training phrases (`train_matcher`) and each validation phrase's
music ranks its style's validation phrases (`retrieval`: mean rank fraction, 0.5 = chance;
recall at 1 and 5 beside their chance levels). Variants: the shipped recipe (random batches
within a style, temperature 0.1), hard negatives (half or all of the batches whole clips of the
style, so the other phrases of the same song and dancer are negatives) and a softer temperature.
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generation.data import load_clips  # noqa: E402
from generation.phrases.build import (  # noqa: E402
    cross_clip_auc,
    phrase_pairs,
    retrieval,
    train_matcher,
)
from generation.phrases.memory import build_memory  # noqa: E402

VARIANTS = {
    "shipped (temperature 0.1, random batches)": {},
    "hard negatives 0.5": {"within_clip_share": 0.5},
    "temperature 0.5": {"temperature": 0.5},
    "hard negatives 0.5, temperature 0.5": {"within_clip_share": 0.5, "temperature": 0.5},
    "hard negatives 1.0, temperature 0.5": {"within_clip_share": 1.0, "temperature": 0.5},
}
KEYS = ("mean_rank_fraction", "recall_at_1", "recall_at_5")
AUC_KEYS = ("auc", "auc_tempo_matched", "auc_audio", "auc_tempo_matched_audio")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=600)
    parser.add_argument("--out", default="")
    parser.add_argument(
        "--variant", action="append", choices=list(VARIANTS), help="only this one (repeatable)"
    )
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    train_clips, val_clips = load_clips("train"), load_clips("val")
    quiet = lambda message: None  # noqa: E731
    memory = build_memory(train_clips, progress=quiet)
    validation = build_memory(val_clips, progress=quiet, held_out_for_validation=True)
    analyses: dict = {}
    pairs = phrase_pairs(memory, {c.name: c for c in train_clips}, analyses)
    val_pairs = phrase_pairs(validation, {c.name: c for c in val_clips}, analyses)
    rows = {}
    for name in args.variant or list(VARIANTS):
        options = VARIANTS[name]
        runs = []
        for seed in range(args.seeds):
            started = time.perf_counter()
            clips = memory.phrase_clip if options.get("within_clip_share") else None
            model = train_matcher(
                *pairs,
                memory.phrase_styles,
                args.steps,
                seed,
                progress=quiet,
                clips=clips,
                **options,
            )
            runs.append(
                {
                    "seed": seed,
                    "val": retrieval(model, val_pairs[0], val_pairs[1], validation.phrase_styles),
                    "val_cross_clip": cross_clip_auc(
                        model,
                        val_pairs[0],
                        val_pairs[1],
                        validation.phrase_styles,
                        validation.tempo_bpm,
                        pairs[1],
                        memory,
                    ),
                    "train_mean_rank_fraction": retrieval(
                        model, pairs[0], pairs[1], memory.phrase_styles
                    )["mean_rank_fraction"],
                    "train_s": round(time.perf_counter() - started, 1),
                }
            )
        rows[name] = {
            "options": options,
            "val_mean": {k: round(float(np.mean([r["val"][k] for r in runs])), 3) for k in KEYS},
            "val_cross_clip_mean": {
                k: round(float(np.mean([r["val_cross_clip"][k] for r in runs])), 3)
                for k in AUC_KEYS
            },
            "runs": runs,
        }
        print(name, rows[name]["val_mean"], rows[name]["val_cross_clip_mean"], flush=True)
    chance = {k: runs[0]["val"][f"{k}_chance"] for k in ("recall_at_1", "recall_at_5")}
    result = {
        "steps": args.steps,
        "seeds": args.seeds,
        "train_phrases": len(memory),
        "val_phrases": len(validation),
        "val_clips": len(validation.clip_names),
        "chance": {"mean_rank_fraction": 0.5, **chance, "auc": 0.5},
        "auc_tempo_term": runs[0]["val_cross_clip"]["auc_tempo_term"],
        "variants": rows,
    }
    print(json.dumps({k: v for k, v in result.items() if k != "variants"}, indent=1))
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
