"""Choosing a routine's phrase sequence: a beam search over the song's 8-count slots.

The score of a sequence ``p_0 .. p_{K-1}`` is the sum over slots of

    match[k, p_k] + bonus[p_k] - transition[p_{k-1}, p_k]
    + repeat_bonus   if p_k == p_j for the earlier slot j whose music slot k repeats
    - reuse_penalty  if p_k was danced before and slot k is not a repeat

Slots the level's plan repeats (`forced[k] = j`) take slot j's phrase. ``is_new`` marks phrases
a learner has not danced; at most ``new_budget`` different ones may appear. The beam keeps the
`beam` best partial sequences; the best complete one is returned. Randomness (the seed) enters
only through the ``match`` scores the caller perturbs, so the search itself is deterministic.
"""

import numpy as np


def beam_search(
    match: np.ndarray,
    transition: np.ndarray,
    forced: list[int | None],
    similar: list[int | None],
    bonus: np.ndarray | None = None,
    repeat_bonus: float = 0.5,
    reuse_penalty: float = 1.0,
    is_new: np.ndarray | None = None,
    new_budget: int | None = None,
    beam: int = 16,
) -> list[int]:
    """Phrase index per slot; ``match (K, P)``, ``transition (P, P)``, ``bonus (P,)``."""
    n_slots, n_phrases = match.shape
    bonus = np.zeros(n_phrases) if bonus is None else bonus
    is_new = np.zeros(n_phrases, dtype=bool) if is_new is None else is_new
    budget = n_phrases if new_budget is None else new_budget
    scores = np.zeros(1)
    sequences = np.zeros((1, 0), dtype=np.int64)
    used = np.zeros((1, n_phrases), dtype=bool)
    for k in range(n_slots):
        if forced[k] is not None:
            choice = sequences[:, forced[k]]
            step = match[k, choice] + bonus[choice]
            if k > 0:
                step = step - transition[sequences[:, -1], choice]
            scores = scores + step
            sequences = np.concatenate([sequences, choice[:, None]], axis=1)
            continue
        total = scores[:, None] + match[k][None, :] + bonus[None, :]
        if k > 0:
            total = total - transition[sequences[:, -1]]
        total = total - reuse_penalty * used
        if similar[k] is not None:
            earlier = sequences[:, similar[k]]
            total[np.arange(len(total)), earlier] += repeat_bonus + reuse_penalty
        new_count = (used & is_new[None, :]).sum(axis=1)
        over = (new_count[:, None] >= budget) & is_new[None, :] & ~used
        total[over] = -np.inf
        flat = total.ravel()
        keep = min(beam, int(np.isfinite(flat).sum()))
        if keep == 0:
            raise ValueError("no phrase sequence satisfies the constraints")
        best = np.argpartition(-flat, keep - 1)[:keep]
        best = best[np.argsort(-flat[best], kind="stable")]
        rows, phrases = np.divmod(best, n_phrases)
        scores = flat[best]
        sequences = np.concatenate([sequences[rows], phrases[:, None]], axis=1)
        used = used[rows].copy()
        used[np.arange(len(rows)), phrases] = True
    return [int(p) for p in sequences[int(np.argmax(scores))]]
