"""Validation of the scores on real recordings from the shared data (AIST++, ballroom).

``python -m scoring.validate`` prints the README table; `tests/scoring/test_validation.py`
asserts bounds on the same figures. ``python -m scoring.validate --emit-delays`` prints how
far streamed beats are from offline ones for several emit delays (`emit_delay_agreement`).
The reference is a sequence's 3D keypoints (a routine in metres); the learner is one camera's
2D COCO-17 detections of a dance, as a tracker gives them.
"""

import json
import sys

import numpy as np

from scoring.attempt import score_attempt
from scoring.reference import Reference
from scoring.shared import shared_dir
from scoring.skeleton import JOINTS, to_canonical
from scoring.stream import StreamingScorer

# COCO-17 left/right pairs (eyes, ears, shoulders, elbows, wrists, hips, knees, ankles).
_COCO_MIRROR = np.array([0, 2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14, 13, 16, 15])
_IMAGE_WIDTH_PX = 1920

SAME_BPM = (
    "gBR_sBM_cAll_d04_mBR2_ch08",
    "gBR_sBM_cAll_d06_mBR2_ch06",
    "gJS_sBM_cAll_d03_mJS2_ch07",
)
LONG = "gJS_sFM_cAll_d02_mJS4_ch09"


def _aist(name: str):
    return np.load(shared_dir() / "datasets" / "aistpp" / "annotations" / f"{name}.npz")


def aist_routine(name: str) -> dict:
    """Routine dict from a sequence's ``keypoints3d_optim`` (cm, 60 fps) with its beat grid
    (basic sequences start on a beat; the music id fixes the tempo)."""
    data = _aist(name)
    frames = to_canonical(data["keypoints3d_optim"], "coco17") / 100.0
    fps = float(data["fps"])
    period = 60.0 / float(data["bpm"])
    duration = (len(frames) - 1) / fps
    beats = np.arange(0.0, duration - period / 2, period)
    return {"fps": fps, "joints": list(JOINTS), "frames": frames.tolist(), "beats": beats.tolist()}


def aist_attempt(
    name: str,
    camera: int,
    offset_ms: float = 0.0,
    jitter_px: float = 0.0,
    mirrored: bool = False,
    seed: int = 0,
) -> dict:
    """ATTEMPT dict (coco17) from camera ``camera`` (0-8) of a sequence: its 2D detections at
    60 fps, shifted ``offset_ms`` later, with Gaussian jitter of ``jitter_px`` pixels, or
    mirrored (image flipped and left/right exchanged)."""
    data = _aist(name)
    keypoints = np.array(data["keypoints2d"][camera], dtype=np.float64)
    undetected = ~np.isfinite(keypoints).all(axis=-1)
    keypoints[undetected] = 0.0
    if jitter_px:
        rng = np.random.default_rng(seed)
        keypoints[..., :2] += rng.normal(scale=jitter_px, size=keypoints[..., :2].shape)
    if mirrored:
        keypoints = keypoints[:, _COCO_MIRROR]
        keypoints[..., 0] = _IMAGE_WIDTH_PX - keypoints[..., 0]
    times_ms = data["timestamps_us"] / 1000.0 + offset_ms
    return {"format": "coco17", "timestamps_ms": times_ms.tolist(), "frames": keypoints.tolist()}


def torso_px(name: str, camera: int) -> float:
    """Median 2D torso length in pixels of a camera's detections."""
    k = _aist(name)["keypoints2d"][camera]
    neck, pelvis = k[:, [5, 6], :2].mean(axis=1), k[:, [11, 12], :2].mean(axis=1)
    return float(np.nanmedian(np.linalg.norm(neck - pelvis, axis=-1)))


def ballroom_routine(sequence: str, beats: list[float]) -> dict:
    """Routine dict from a ballroom capture (25 fps, cm), scored on the given beats."""
    data = np.load(shared_dir() / "datasets" / "ballroom" / "motion" / f"{sequence}.npz")
    frames = to_canonical(data["positions"], "ballroom23") / 100.0
    return {
        "fps": float(data["fps"]),
        "joints": list(JOINTS),
        "frames": frames.tolist(),
        "beats": beats,
    }


def _row(kind: str, case: str, result: dict, **extra) -> dict:
    s = result["summary"]
    keys = ("overall", "timing", "accuracy", "smoothness", "timing_offset_ms", "mirrored")
    return {"kind": kind, "case": case, **{k: s[k] for k in keys}, **extra}


def cases(cameras=(0, 4, 8)):
    """The validation cases: ``(kind, case, attempt, reference, mirror mode, extra)`` with
    ``kind`` same / different / offset / jitter / mirror; the offset, jitter and mirror cases
    alter camera c01 of ``SAME_BPM[0]``, whose unaltered case is the first ``same`` one."""
    references = {name: Reference.from_routine(aist_routine(name)) for name in (*SAME_BPM, LONG)}
    for name in (*SAME_BPM, LONG):
        for cam in cameras:
            case = f"same dance, camera c0{cam + 1}: {name}"
            yield "same", case, aist_attempt(name, cam), references[name], "off", {}
    pairs = ((SAME_BPM[0], SAME_BPM[1]), (SAME_BPM[1], SAME_BPM[2]), (SAME_BPM[2], SAME_BPM[0]))
    for learner, ref in pairs:
        case = f"different dance: {learner} vs {ref}"
        yield "different", case, aist_attempt(learner, 0), references[ref], "off", {}
    ballroom = Reference.from_routine(
        ballroom_routine("DANCE_W_1", references[LONG].beats.tolist())
    )
    case = f"different dance: {LONG} vs ballroom waltz DANCE_W_1"
    yield "different", case, aist_attempt(LONG, 0), ballroom, "off", {}
    name = SAME_BPM[0]
    for offset in (-200.0, 150.0, 300.0):
        case = f"learner {offset:+.0f} ms late, c01: {name}"
        attempt = aist_attempt(name, 0, offset_ms=offset)
        yield "offset", case, attempt, references[name], "off", {"shift_ms": offset}
    jitter = 0.05 * torso_px(name, 0)
    case = f"jitter {jitter:.1f} px (5% of torso), c01: {name}"
    yield "jitter", case, aist_attempt(name, 0, jitter_px=jitter), references[name], "off", {}
    for mode in ("on", "auto", "off"):
        case = f"mirrored learner, mirror {mode}, c01: {name}"
        attempt = aist_attempt(name, 0, mirrored=True)
        yield "mirror", case, attempt, references[name], mode, {"mode": mode}


def figures(cameras=(0, 4, 8)) -> list[dict]:
    """The validation table: one row per case of `cases`, attempt summaries of real
    recordings."""
    return [
        _row(kind, case, score_attempt(attempt, reference, mirror), **extra)
        for kind, case, attempt, reference, mirror, extra in cases(cameras)
    ]


# Validation kinds grouped for `emit_delay_agreement`: a learner dancing the routine, possibly
# late, jittery or mirrored (and told so), against a learner whose path is ambiguous.
AGREEMENT_GROUPS = {
    "same dance": ("same",),
    "offset, jitter, mirror on/auto": ("offset", "jitter", "mirror-known"),
    "different dance, mirror off": ("different", "mirror-off"),
}


def streamed(attempt: dict, reference: Reference, mirror: str, emit_delay_s: float, batch=6):
    """`StreamingScorer` result of an attempt pushed ``batch`` frames at a time (100 ms at the
    recordings' 60 fps; results do not depend on it)."""
    scorer = StreamingScorer(reference, mirror, emit_delay_s=emit_delay_s)
    times, frames = np.array(attempt["timestamps_ms"]), np.array(attempt["frames"])
    for i in range(0, len(times), batch):
        scorer.push(times[i : i + batch], frames[i : i + batch], attempt["format"])
    return scorer.finish()


def emit_delay_agreement(delays_s=(0.4, 0.3, 0.2, 0.1, 0.0), cameras=(0, 4, 8)) -> list[dict]:
    """How far streamed beat results are from `score_attempt`'s on the validation cases, per
    emit delay and `AGREEMENT_GROUPS` group: mean and max absolute per-beat difference of
    overall, timing, accuracy and timing offset, the share of beats within the tolerances of
    ``tests/scoring/test_streaming.py`` (overall within 5, offset within 34 ms), the largest
    difference of an attempt's mean overall, and how many attempts' median offsets changed."""
    runs = []
    for kind, _, attempt, reference, mirror, _ in cases(cameras):
        if kind == "mirror":
            kind = "mirror-off" if mirror == "off" else "mirror-known"
        group = next(g for g, kinds in AGREEMENT_GROUPS.items() if kind in kinds)
        runs.append((group, attempt, reference, mirror, score_attempt(attempt, reference, mirror)))
    rows = []
    for delay in delays_s:
        diffs = {group: [] for group in AGREEMENT_GROUPS}
        for group, attempt, reference, mirror, offline in runs:
            live = streamed(attempt, reference, mirror, delay)
            diffs[group].append((offline, live))
        for group, pairs in diffs.items():
            rows.append({"emit_delay_s": delay, "group": group, **_agreement(pairs)})
    return rows


def _agreement(pairs: list[tuple[dict, dict]]) -> dict:
    keys = ("overall", "timing", "accuracy", "timing_offset_ms")
    per_beat = {k: [] for k in keys}
    summary_overall, offsets_changed = [], 0
    for offline, live in pairs:
        a = {b["index"]: b for b in offline["beats"]}
        b = {b["index"]: b for b in live["beats"]}
        for i in a:
            for k in keys:
                per_beat[k].append(abs(a[i][k] - b[i][k]))
        summary_overall.append(abs(offline["summary"]["overall"] - live["summary"]["overall"]))
        offline_offset = offline["summary"]["timing_offset_ms"]
        offsets_changed += offline_offset != live["summary"]["timing_offset_ms"]
    d = {k: np.array(v) for k, v in per_beat.items()}
    return {
        "attempts": len(pairs),
        "beats": len(d["overall"]),
        **{f"{k}_mean": round(float(v.mean()), 2) for k, v in d.items()},
        **{f"{k}_max": round(float(v.max()), 1) for k, v in d.items()},
        "overall_within_5": round(float(np.mean(d["overall"] <= 5.0)), 3),
        "offset_within_34ms": round(float(np.mean(d["timing_offset_ms"] <= 34.0)), 3),
        "attempt_overall_max": round(max(summary_overall), 1),
        "attempt_offsets_changed": offsets_changed,
    }


def agreement_markdown(rows: list[dict]) -> str:
    header = (
        "| emit delay s | cases | beats | overall mean / max | timing mean / max "
        "| accuracy mean / max | offset ms mean / max | overall within 5 | offset within 34 ms "
        "| attempt overall max | attempt offsets changed |"
    )
    lines = [header, "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(
            f"| {r['emit_delay_s']} | {r['group']} | {r['beats']} "
            f"| {r['overall_mean']} / {r['overall_max']} | {r['timing_mean']} / {r['timing_max']} "
            f"| {r['accuracy_mean']} / {r['accuracy_max']} "
            f"| {r['timing_offset_ms_mean']} / {r['timing_offset_ms_max']} "
            f"| {r['overall_within_5']} | {r['offset_within_34ms']} "
            f"| {r['attempt_overall_max']} | {r['attempt_offsets_changed']} |"
        )
    return "\n".join(lines)


def markdown(rows: list[dict]) -> str:
    header = "| case | overall | timing | accuracy | smoothness | offset ms | mirrored |"
    lines = [header, "|---|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        lines.append(
            f"| {r['case']} | {r['overall']} | {r['timing']} | {r['accuracy']} | {r['smoothness']} "
            f"| {r['timing_offset_ms']} | {'yes' if r['mirrored'] else 'no'} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    if sys.argv[1:] == ["--emit-delays"]:
        table = emit_delay_agreement()
        print(agreement_markdown(table))
    else:
        table = figures()
        print(markdown(table))
    print(json.dumps(table))
