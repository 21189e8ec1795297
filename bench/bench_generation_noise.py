"""The generation noise of the neural families, chosen on the VALIDATION split under the foot
skating constraint (issue 15, item 5).

    python bench/bench_generation_noise.py [--seeds 2] [--families lstm gru ...]
                                           [--out bench/results/generation_noise.json]

For each neural family and each candidate noise (`CANDIDATES`: the fed-back rollout noise
``sampling_noise`` of the autoregressive families, the starting-noise scale ``start_noise`` of
diffusion; both times the level temperature), one intermediate routine per validation clip
with seeds ``0 .. seeds - 1`` (`generation.evaluation.model_evaluation` without the level
comparison), FID_k, FID_g and foot skating averaged over the seeds. The choice per family: the
lowest FID_k + FID_g among the values whose skating is at most the real validation dances'
+ 10 % (`SKATING_MARGIN`); when none is, the value with the least skating (``meets_skating``
false). `generation.choreograph.GENERATION_NOISE` holds the choices.
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generation.choreograph import Choreographer, generation_noise_field  # noqa: E402
from generation.evaluation import baseline_rows, held_out_set, model_evaluation  # noqa: E402
from generation.families import ARCHITECTURE_NAMES, checkpoint_path  # noqa: E402
from generation.models import load_checkpoint, model_from_checkpoint  # noqa: E402

SKATING_MARGIN = 0.10
CANDIDATES = {
    "sampling_noise": (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.7, 1.0),
    "start_noise": (0.5, 0.6, 0.75, 1.0, 1.25),
}


def choose(values: dict[float, dict], skating_limit: float) -> tuple[float, bool]:
    """The noise with the lowest FID_k + FID_g whose skating is within ``skating_limit``."""
    allowed = [v for v, m in values.items() if m["foot_skating_m_s"] <= skating_limit]
    if allowed:
        return min(allowed, key=lambda v: values[v]["fid_k"] + values[v]["fid_g"]), True
    return min(values, key=lambda v: values[v]["foot_skating_m_s"]), False


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--families", nargs="+", default=list(ARCHITECTURE_NAMES))
    parser.add_argument("--out", default="")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    checkpoints = {name: load_checkpoint(checkpoint_path(name)) for name in args.families}
    styles = sorted(set.intersection(*(set(c["seed_bank"]) for c in checkpoints.values())))
    held_out = held_out_set("val", styles=styles)
    real = [baseline_rows(held_out, seed)["real"] for seed in range(args.seeds)]
    real_skating = float(np.mean([r["foot_skating_m_s"] for r in real]))
    limit = real_skating * (1 + SKATING_MARGIN)
    families = {}
    for name, checkpoint in checkpoints.items():
        field = generation_noise_field(name)
        values = {}
        for noise in CANDIDATES[field]:
            started = time.perf_counter()
            choreographer = Choreographer(checkpoint, generation_noise=noise)
            rows = [
                model_evaluation(
                    choreographer, held_out, "intermediate", seed, lambda m: None, False
                )["row"]
                for seed in range(args.seeds)
            ]
            values[noise] = {
                key: round(float(np.mean([r[key] for r in rows])), 3)
                for key in ("fid_k", "fid_g", "foot_skating_m_s", "beat_align_score")
            }
            values[noise]["wall_s"] = round(time.perf_counter() - started, 1)
            print(name, field, noise, values[noise], flush=True)
        chosen, meets = choose(values, limit)
        families[name] = {
            "field": field,
            "checkpoint_value": getattr(model_from_checkpoint(checkpoint).config, field),
            "by_noise": {str(v): m for v, m in values.items()},
            "chosen": chosen,
            "meets_skating": meets,
        }
        print(name, "chosen", chosen, "meets skating" if meets else "NO value meets skating")
    result = {
        "split": "val",
        "level": "intermediate",
        "seeds": list(range(args.seeds)),
        "clips": len(held_out.clips),
        "styles": styles,
        "real_foot_skating_m_s": round(real_skating, 3),
        "skating_limit_m_s": round(limit, 3),
        "criterion": "lowest FID_k + FID_g with foot skating <= real + 10 %",
        "families": families,
    }
    print(json.dumps({n: (f["chosen"], f["meets_skating"]) for n, f in families.items()}))
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
