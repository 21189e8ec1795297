"""Validation of the scores on real recordings from the shared data (AIST++, ballroom).

``python -m scoring.validate`` prints the README table; `tests/scoring/test_validation.py`
asserts bounds on the same figures. The reference is a sequence's 3D keypoints (a routine in
metres); the learner is one camera's 2D COCO-17 detections of a dance, as a tracker gives them.
"""

import json

import numpy as np

from generation.data.paths import shared_dir
from generation.skeleton import JOINTS, to_canonical
from scoring.attempt import score_attempt
from scoring.reference import Reference

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


def figures(cameras=(0, 4, 8)) -> list[dict]:
    """The validation table: one row per case, attempt summaries of real recordings.

    ``kind`` is same / different / offset / jitter / mirror; the offset, jitter and mirror rows
    alter camera c01 of ``SAME_BPM[0]``, whose unaltered row is the first ``same`` row.
    """
    rows = []
    references = {name: Reference.from_routine(aist_routine(name)) for name in (*SAME_BPM, LONG)}
    for name in (*SAME_BPM, LONG):
        for cam in cameras:
            result = score_attempt(aist_attempt(name, cam), references[name], "off")
            rows.append(_row("same", f"same dance, camera c0{cam + 1}: {name}", result))
    pairs = ((SAME_BPM[0], SAME_BPM[1]), (SAME_BPM[1], SAME_BPM[2]), (SAME_BPM[2], SAME_BPM[0]))
    for learner, ref in pairs:
        result = score_attempt(aist_attempt(learner, 0), references[ref], "off")
        rows.append(_row("different", f"different dance: {learner} vs {ref}", result))
    ballroom = Reference.from_routine(
        ballroom_routine("DANCE_W_1", references[LONG].beats.tolist())
    )
    result = score_attempt(aist_attempt(LONG, 0), ballroom, "off")
    rows.append(_row("different", f"different dance: {LONG} vs ballroom waltz DANCE_W_1", result))
    name = SAME_BPM[0]
    for offset in (-200.0, 150.0, 300.0):
        result = score_attempt(aist_attempt(name, 0, offset_ms=offset), references[name], "off")
        rows.append(
            _row("offset", f"learner {offset:+.0f} ms late, c01: {name}", result, shift_ms=offset)
        )
    jitter = 0.05 * torso_px(name, 0)
    result = score_attempt(aist_attempt(name, 0, jitter_px=jitter), references[name], "off")
    rows.append(_row("jitter", f"jitter {jitter:.1f} px (5% of torso), c01: {name}", result))
    for mode in ("on", "auto", "off"):
        result = score_attempt(aist_attempt(name, 0, mirrored=True), references[name], mode)
        rows.append(
            _row("mirror", f"mirrored learner, mirror {mode}, c01: {name}", result, mode=mode)
        )
    return rows


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
    table = figures()
    print(markdown(table))
    print(json.dumps(table))
