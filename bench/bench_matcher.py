"""The phrase family's music-motion matcher on the validation phrases, for the shipped training
recipe and for variants of it, over several training seeds (issue 15).

    python bench/bench_matcher.py [--seeds 3] [--steps 1500] [--variant NAME ...] [--out FILE]

The phrases are cut as `python -m generation.phrases.build` cuts them (training clips for the
memory, validation clips only to measure; never a test clip). For each variant and seed a
matcher is trained on the training phrases (`train_matcher`) and measured on the validation
phrases two ways: `retrieval` (each phrase's music ranks its style's validation phrases: mean
rank fraction, 0.5 = chance; recall at 1 and 5 beside their chance levels) and `cross_clip_auc`
(each phrase's own motion against the memory's phrases of its style: 0.5 = chance; also
against only those within 5 % of its tempo, and the search's tempo term alone as a baseline).
Variants: the shipped recipe, and each of its choices changed (early stopping, one member instead
of an ensemble of three, no whole-beat shifts, a larger encoder, hard negatives from the same
clip, a softer temperature), and an untrained matcher as the chance reference.
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
    training_holdout,
)
from generation.phrases.matcher import MatcherConfig  # noqa: E402
from generation.phrases.memory import build_memory  # noqa: E402

# Options of `train_matcher`: "config" holds `MatcherConfig` fields; "holdout" True stops each
# member early on `training_holdout` (left out of its training); "steps" 0 is an untrained
# matcher, the measures' chance level with their real spread.
VARIANTS = {
    "shipped (ensemble of 3)": {},
    "ensemble of 3, early stopping on a training-clip hold-out": {"holdout": True},
    "one member": {"config": {"members": 1}},
    "one member, no beat shifts": {"shifts": False, "config": {"members": 1}},
    "one member, larger (hidden 16, 4 per step, kernel 5)": {
        "config": {"members": 1, "hidden": 16, "step_embedding": 4, "kernel": 5}
    },
    "one member, hard negatives 0.5": {"within_clip_share": 0.5, "config": {"members": 1}},
    "one member, temperature 0.5": {"config": {"members": 1, "temperature": 0.5}},
    "untrained (chance reference)": {"steps": 0},
}
KEYS = ("mean_rank_fraction", "recall_at_1", "recall_at_5")
AUC_KEYS = ("auc", "auc_tempo_matched", "auc_audio", "auc_tempo_matched_audio")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=1500)
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
    styles = memory.phrase_styles
    holdout = training_holdout(memory)
    rows = {}
    for name in args.variant or list(VARIANTS):
        options = VARIANTS[name]
        runs = []
        for seed in range(args.seeds):
            started = time.perf_counter()
            model = train_matcher(
                *pairs,
                styles,
                options.get("steps", args.steps),
                seed,
                progress=quiet,
                holdout=holdout if options.get("holdout") else None,
                clips=memory.phrase_clip,
                within_clip_share=options.get("within_clip_share", 0.0),
                shifts=options.get("shifts", True),
                config=MatcherConfig(**options.get("config", {})),
            )
            trained = ~holdout if options.get("holdout") else np.ones(len(styles), bool)
            runs.append(
                {
                    "seed": seed,
                    "val": retrieval(
                        model, val_pairs[0][0], val_pairs[1][0], validation.phrase_styles
                    ),
                    "val_cross_clip": cross_clip_auc(
                        model,
                        val_pairs[0][0],
                        val_pairs[1][0],
                        validation.phrase_styles,
                        validation.tempo_bpm,
                        pairs[1][0],
                        memory,
                    ),
                    "train_mean_rank_fraction": retrieval(
                        model, pairs[0][0, trained], pairs[1][0, trained], styles[trained]
                    )["mean_rank_fraction"],
                    "stopped_at_steps": model.stopped_at_steps,
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
        "holdout_phrases": int(holdout.sum()),
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
