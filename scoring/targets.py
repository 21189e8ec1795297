"""The targets the scorer's verdicts must meet on the validation set (`scoring.validate`).

Each check reads the rows of `scoring.validate.figures` and returns one line per target and
split: the figure measured, the bound, and whether it holds. The tests in
``tests/scoring/test_validation.py`` assert them; ``python -m scoring.validate`` prints them.
"""

import numpy as np

from scoring import params

SAME_DANCE_MIN = 85.0  # same dance from a camera within CAMERA_WITHIN_DEG of the front
CAMERA_WITHIN_DEG = 45.0
MIRROR_WITHIN = 6.0  # a mirrored learner, mirror on/auto, against the unmirrored
LADDER_STEP_MIN = 8.0  # each severity step lowers the overall by at least this
PART_ACCURACY_FALL_MIN = 20.0
# A part from another dance that stays this close to the learner's own (mean distance in torso
# lengths over the span) is no mistake: such cases are listed, not held to the part targets.
PART_DAMAGE_MIN = 0.3
PART_FIX_SHARE_MIN = 0.7
UNTOUCHED_MOVE_MAX = 5.0
DIFFERENT_OVERALL_MAX = 35.0
DIFFERENT_LOW_SHARE_MIN = 0.8  # beats labelled OK or Miss
OFFSET_BIAS_MAX_MS = 1000.0 / params.GRID_FPS  # one grid frame
UNSEEN_WITHIN = 5.0  # parts out of frame: each part still seen, against the full view
DRIFT_ERROR_MAX_MS = 1000.0 / 30.0  # timing that drifts: one grid frame, on average
UPPER_BODY_WITHIN = 5.0  # legs and hips out of frame: the median overall, against the full view
# A recorded (2D) reference: a learner filmed from within this many degrees of the recording's
# side scores like the same dance; from further than RECORDING_FLAGGED_DEG the result says it
# cannot tell (between the two, either).
RECORDING_SAME_DEG = 15.0
RECORDING_FLAGGED_DEG = 35.0
RELIABLE_RATES_FPS = (30.0, 15.0, 10.0)
UNRELIABLE_RATES_FPS = (5.0,)

# A part swap names one of these parts as the fix.
PART_FIX_NAMES = {"torso": ("torso", "head")}
_LOW_LABELS = ("OK", "Miss")
_HIGH_LABELS = ("Perfect", "Great")


def _by(rows, **match):
    return [r for r in rows if all(r.get(k) == v for k, v in match.items())]


def _undamaged(rows, split, source):
    """The source's undamaged learner: the first rung of its range-of-motion ladder."""
    return _by(rows, split=split, source=source, kind="motion", step=0.0)[0]


def _line(target, split, value, bound, passed, detail=""):
    return {
        "target": target, "split": split, "value": value, "bound": bound,
        "passed": bool(passed), "detail": detail,
    }  # fmt: skip


def check_targets(rows: list[dict]) -> list[dict]:
    """Every target on every split present in ``rows``."""
    out = []
    for split in sorted({r["split"] for r in rows}):
        mine = [r for r in rows if r["split"] == split]
        out += _same_dance(mine, split)
        out += _mirror(mine, split)
        out += _ladders(mine, split)
        out += _parts(mine, split)
        out += _different(mine, split)
        out += _offsets(mine, split)
        out += _drifts(mine, split)
        out += _wrong_part_timing(mine, split)
        out += _arms_only(mine, split)
        out += _unseen(mine, split)
        out += _no_pelvis(mine, split)
        out += _rates(mine, split)
        out += _recordings(mine, split)
    return out


def _same_dance(rows, split):
    near = [r for r in _by(rows, kind="camera") if r["step"] <= CAMERA_WITHIN_DEG]
    worst = min(near, key=lambda r: r["overall"])
    return [
        _line(f"same dance within {CAMERA_WITHIN_DEG:.0f} deg >= {SAME_DANCE_MIN:.0f}", split,
              worst["overall"], SAME_DANCE_MIN, worst["overall"] >= SAME_DANCE_MIN,
              f"lowest of {len(near)}: {worst['case']}")
    ]  # fmt: skip


def _mirror(rows, split):
    worst, detail = 0.0, ""
    for r in _by(rows, kind="mirror"):
        if r["mode"] == "off":
            continue
        gap = abs(r["overall"] - _undamaged(rows, split, r["source"])["overall"])
        if gap >= worst:
            worst, detail = gap, r["case"]
    return [
        _line(f"mirrored learner, mirror on/auto, within {MIRROR_WITHIN:.0f}", split,
              round(worst, 1), MIRROR_WITHIN, worst <= MIRROR_WITHIN, detail)
    ]  # fmt: skip


def _ladders(rows, split):
    out = []
    for kind in ("motion", "freeze", "late", "early"):
        smallest, detail = np.inf, ""
        for source in sorted({r["source"] for r in _by(rows, kind=kind)}):
            ladder = sorted(_by(rows, kind=kind, source=source), key=lambda r: r["step"])
            for a, b in zip(ladder, ladder[1:], strict=False):
                drop = a["overall"] - b["overall"]
                if drop < smallest:
                    smallest, detail = drop, f"{a['case']} -> {b['step']:g}"
        out.append(
            _line(f"{kind} ladder: every step lowers the overall >= {LADDER_STEP_MIN:.0f}",
                  split, round(float(smallest), 1), LADDER_STEP_MIN,
                  smallest >= LADDER_STEP_MIN, f"smallest step: {detail}")
        )  # fmt: skip
    return out


def _parts(rows, split):
    falls, shares, moves = [], [], []
    parts = _by(rows, kind="part")
    alike = [r["case"] for r in parts if r["damage_torso"] < PART_DAMAGE_MIN]
    for r in parts:
        if r["damage_torso"] < PART_DAMAGE_MIN:
            continue
        clean = {b["index"]: b for b in _undamaged(rows, split, r["source"])["beats"]}
        first, end = r["span"]
        inside = [b for b in r["beats"] if first <= b["index"] < end and b["accuracy"] is not None]
        outside = [b for b in r["beats"] if not first <= b["index"] < end]
        fall = np.mean([clean[b["index"]]["accuracy"] - b["accuracy"] for b in inside])
        names = PART_FIX_NAMES.get(r["part"], (r["part"],))
        # Named on the beats where the camera saw it: a part not seen is never blamed (the
        # swapped part keeps the donor's detector confidences, so it is sometimes not seen).
        named = [b["fix"] in names for b in inside if set(names) & set(b["seen"])]
        share = np.mean(named) if named else 0.0
        move = np.mean(
            [abs(clean[b["index"]]["overall"] - b["overall"]) for b in outside
             if b["overall"] is not None and clean[b["index"]]["overall"] is not None]
        )  # fmt: skip
        falls.append((fall, r["case"]))
        shares.append((share, r["case"]))
        moves.append((move, r["case"]))
    fall, fall_case = min(falls)
    share, share_case = min(shares)
    move, move_case = max(moves)
    return [
        _line(f"damaged part: span accuracy falls >= {PART_ACCURACY_FALL_MIN:.0f}", split,
              round(float(fall), 1), PART_ACCURACY_FALL_MIN, fall >= PART_ACCURACY_FALL_MIN,
              f"least: {fall_case}; {len(alike)} of {len(parts)} swaps left out as no mistake "
              f"(within {PART_DAMAGE_MIN} torso of the learner's own): {'; '.join(alike)}"),
        _line(f"damaged part: fix names it on >= {PART_FIX_SHARE_MIN:.0%} of its beats seen", split,
              round(float(share), 2), PART_FIX_SHARE_MIN, share >= PART_FIX_SHARE_MIN,
              f"least: {share_case}"),
        _line(f"damaged part: untouched beats move < {UNTOUCHED_MOVE_MAX:.0f} (mean)", split,
              round(float(move), 1), UNTOUCHED_MOVE_MAX, move < UNTOUCHED_MOVE_MAX,
              f"most: {move_case}"),
    ]  # fmt: skip


def _different(rows, split):
    different = _by(rows, kind="different")
    worst = max(different, key=lambda r: r["overall"])
    high = sum(b["label"] in _HIGH_LABELS for r in different for b in r["beats"])
    low_share = min(
        (np.mean([b["label"] in _LOW_LABELS for b in r["beats"]]), r["case"]) for r in different
    )
    return [
        _line(f"different dance: overall <= {DIFFERENT_OVERALL_MAX:.0f}", split,
              worst["overall"], DIFFERENT_OVERALL_MAX, worst["overall"] <= DIFFERENT_OVERALL_MAX,
              f"highest of {len(different)}: {worst['case']}"),
        _line("different dance: no Perfect or Great beat", split, high, 0, high == 0,
              f"{len(different)} cases"),
        _line(f"different dance: >= {DIFFERENT_LOW_SHARE_MIN:.0%} of beats OK or Miss", split,
              round(float(low_share[0]), 2), DIFFERENT_LOW_SHARE_MIN,
              low_share[0] >= DIFFERENT_LOW_SHARE_MIN, f"least: {low_share[1]}"),
    ]  # fmt: skip


def _offsets(rows, split):
    worst, detail = 0.0, ""
    for r in _by(rows, kind="late") + _by(rows, kind="early"):
        error = abs(r["timing_offset_ms"] - r["shift_ms"])
        if error >= worst:
            worst, detail = error, r["case"]
    return [
        _line("lateness and earliness reported within one frame", split, round(worst, 1),
              round(OFFSET_BIAS_MAX_MS, 1), worst <= OFFSET_BIAS_MAX_MS, f"worst: {detail}")
    ]  # fmt: skip


def drift_ms(time_s, amplitude_ms: float, period_s: float):
    """How late (ms) a `drift` learner is at song time ``time_s``."""
    return amplitude_ms * np.sin(2.0 * np.pi * np.asarray(time_s) / period_s)


def _drifts(rows, split):
    """A learner whose timing drifts (late, then early, smoothly): each beat's reported offset
    follows how late the learner was at that beat, within a frame on average."""
    errors = []
    for r in _by(rows, kind="drift"):
        amplitude_ms, period_s = r["drift"]
        for b in r["beats"]:
            if b["timing_offset_ms"] is not None:
                truth = drift_ms(b["time_s"], amplitude_ms, period_s)
                errors.append((abs(b["timing_offset_ms"] - truth), r["case"]))
    mean = float(np.mean([e for e, _ in errors]))
    worst = max(errors)
    return [
        _line(f"timing that drifts: beat offsets within {DRIFT_ERROR_MAX_MS:.0f} ms on average", split,
              round(mean, 1), round(DRIFT_ERROR_MAX_MS, 1), mean <= DRIFT_ERROR_MAX_MS,
              f"{len(errors)} beats; worst {worst[0]:.0f} ms: {worst[1]}"),
    ]  # fmt: skip


def _wrong_part_timing(rows, split):
    """A part danced wrong in time with the music (another dance's part, or the head and
    torso leaning): the beats it spans are on time, so their reported offsets stay within a
    frame of 0 on average; a path pulled towards where the wrong part fits better reports
    lateness that is not there."""
    errors, worst = [], (0.0, "")
    for r in _by(rows, kind="part") + _by(rows, kind="lean"):
        first, end = r["span"]
        inside = [abs(b["timing_offset_ms"]) for b in r["beats"]
                  if first <= b["index"] < end and b["timing_offset_ms"] is not None]  # fmt: skip
        errors += inside
        worst = max(worst, (float(np.mean(inside)), r["case"]))
    mean = float(np.mean(errors))
    return [
        _line(f"a part danced wrong: beat offsets within {DRIFT_ERROR_MAX_MS:.0f} ms on average",
              split, round(mean, 1), round(DRIFT_ERROR_MAX_MS, 1), mean <= DRIFT_ERROR_MAX_MS,
              f"{len(errors)} beats; worst case {worst[0]:.0f} ms on average: {worst[1]}"),
    ]  # fmt: skip


def _arms_only(rows, split):
    good = params.LABELS[2][1]
    worst = max(_by(rows, kind="arms-only"), key=lambda r: r["overall"])
    return [
        _line("only the arms move: overall below Good", split, worst["overall"], good,
              worst["overall"] < good, worst["case"])
    ]  # fmt: skip


def _part_means(beats: list[dict]) -> dict[str, float]:
    means = {}
    for part in beats[0]["parts"] if beats else ():
        values = [b["parts"][part] for b in beats if b["parts"].get(part) is not None]
        if values:
            means[part] = float(np.mean(values))
    return means


def _unseen(rows, split):
    """Parts out of frame: the parts still seen score as they do in the full view (they are
    not dragged down by the unseen ones), and the unseen ones are never scored or blamed."""
    gaps, blamed, scored = [], 0, 0
    for r in _by(rows, kind="unseen"):
        clean = _part_means(_undamaged(rows, split, r["source"])["beats"])
        mine = _part_means(r["beats"])
        shared = [p for p in mine if p in clean and p not in r["unseen"]]
        gap = max(abs(mine[p] - clean[p]) for p in shared) if shared else np.inf
        gaps.append((gap, r["case"]))
        for b in r["beats"]:
            blamed += b["fix"] in r["unseen"]
            scored += any(b["parts"].get(p) is not None for p in r["unseen"])
    gap, case = max(gaps)
    return [
        _line(f"parts out of frame: each part still seen scores within {UNSEEN_WITHIN:.0f} of the full view",
              split, round(float(gap), 1), UNSEEN_WITHIN, gap <= UNSEEN_WITHIN, f"worst: {case}"),
        _line("parts out of frame: never blamed, never scored", split, blamed + scored, 0,
              blamed + scored == 0, f"{blamed} beats blamed, {scored} scored"),
    ]  # fmt: skip


def _no_pelvis(rows, split):
    """With the hips out of frame too (a webcam that sees the upper body) the attempt gets an
    upper-body score, measured from the neck and said so; the legs and the torso (measured
    from the pelvis) are never scored or blamed. Its overall stays near the full view's: the
    body size, taken from the upper body's lengths instead of the torso, is the uncertain part
    (13 % spread across recordings), so the median gap is the target and the worst is shown."""
    cases = _by(rows, kind="no-pelvis")
    unmeasured = ("torso", "left_leg", "right_leg")
    wrong = [
        r["case"] for r in cases
        if not r["reliable"] or r["scope"] != "upper body"
        or any(b["fix"] in unmeasured or any(b["parts"].get(p) is not None for p in unmeasured)
               for b in r["beats"])
    ]  # fmt: skip
    gaps = sorted(
        (abs(_undamaged(rows, split, r["source"])["overall"] - (r["overall"] or 0.0)), r["case"])
        for r in cases
    )
    median = float(np.median([g for g, _ in gaps]))
    return [
        _line("legs and hips out of frame: an upper-body score, torso and legs never scored",
              split, len(wrong), 0, not wrong, "; ".join(wrong) or f"{len(cases)} cases"),
        _line(f"legs and hips out of frame: median overall within {UPPER_BODY_WITHIN:.0f} of the full view",
              split, round(median, 1), UPPER_BODY_WITHIN, median <= UPPER_BODY_WITHIN,
              f"worst: {gaps[-1][1]} ({gaps[-1][0]:.1f} below)"),
    ]  # fmt: skip


def _rates(rows, split):
    rates = _by(rows, kind="rate")
    wrong_reliable = [
        r["case"] for r in rates if r["step"] in UNRELIABLE_RATES_FPS and r["reliable"]
    ]
    wrong_unreliable = [
        r["case"] for r in rates if r["step"] in RELIABLE_RATES_FPS and not r["reliable"]
    ]
    low = [r for r in rates if r["step"] in RELIABLE_RATES_FPS and r["overall"] < SAME_DANCE_MIN]
    return [
        _line("tracking at 5 fps is unreliable, at 10-30 fps reliable", split,
              len(wrong_reliable) + len(wrong_unreliable), 0,
              not wrong_reliable and not wrong_unreliable,
              "; ".join(wrong_reliable + wrong_unreliable)),
        _line(f"tracking at 10-30 fps scores >= {SAME_DANCE_MIN:.0f}", split, len(low), 0, not low,
              "; ".join(r["case"] for r in low)),
    ]  # fmt: skip


def _recordings(rows, split):
    """Against a recorded (2D) reference, which has no depth to turn to the learner's camera:
    filmed from the recording's side, the same dance scores as such; filmed from well to the
    side, the result is flagged unreliable instead of failing the learner."""
    cases = _by(rows, kind="recording")
    if not cases:
        return []
    near = [r for r in cases if r["step"] <= RECORDING_SAME_DEG]
    low = [r for r in near if not r["reliable"] or r["overall"] < SAME_DANCE_MIN]
    far = [r for r in cases if r["step"] > RECORDING_FLAGGED_DEG]
    judged = [r for r in far if r["reliable"]]
    return [
        _line(f"recorded reference, filmed within {RECORDING_SAME_DEG:.0f} deg of its side: "
              f"reliable and >= {SAME_DANCE_MIN:.0f}", split, len(low), 0, not low,
              "; ".join(f"{r['case']}: {r['overall']}" for r in low) or f"{len(near)} cases"),
        _line(f"recorded reference, filmed over {RECORDING_FLAGGED_DEG:.0f} deg from its side: "
              "unreliable, no verdict", split, len(judged), 0, not judged,
              "; ".join(f"{r['case']}: {r['overall']}" for r in judged) or f"{len(far)} cases"),
    ]  # fmt: skip


def targets_markdown(lines: list[dict]) -> str:
    out = ["| target | split | measured | bound | met | detail |", "|---|---|---:|---:|---|---|"]
    for t in lines:
        out.append(
            f"| {t['target']} | {t['split']} | {t['value']} | {t['bound']} "
            f"| {'yes' if t['passed'] else 'NO'} | {t['detail']} |"
        )
    return "\n".join(out)
