"""From chosen phrases to one routine: each phrase time-warped onto the song's beat grid, turned
and moved to carry on where the routine is, seams blended, planted feet kept planted.

- Warp: a target frame between two song beats reads the phrase at the same fraction between the
  phrase's own two beats (piecewise linear in time), so every count lands on the song's beat.
- Seam: the new phrase is turned about +Y to the facing the routine ends with and its root put
  one step (at the routine's last root velocity) ahead; the remaining pose and velocity
  difference is an offset that fades out over `BLEND_FRAMES` (more for a large offset:
  `BLEND_FRAMES_PER_M` per metre of the largest joint offset, and as many as keep the fade's
  own velocity change at the seam under `BLEND_VELOCITY_CHANGE_M_S`) on a cubic Hermite curve
  (inertialization), so position and velocity are continuous at the seam.
- Feet: contacts are found on the composed routine (low and slow ankle, as in the memory); over
  each contact the ankle is held at one ground position and the knee follows by two-bone inverse
  kinematics (thigh and shin keep their lengths, the knee bends forward), fading in and out over
  `LOCK_FADE_FRAMES` or more (`LOCK_FADE_STEP_M`); overlapping fades glide between the held
  positions.

Every seam's joint-velocity jump stays within the real 95th percentile (0.62 m/s) on the 13
annotated songs x 15 styles x 3 levels x seeds 0-2 (``python bench/bench_seams.py``).
"""

import numpy as np

from generation.difficulty import facing_yaw
from generation.phrases.memory import foot_contacts
from scoring.skeleton import JOINT_INDEX

BLEND_FRAMES = 12
BLEND_FRAMES_PER_M = 60.0
BLEND_VELOCITY_CHANGE_M_S = 0.2
BLEND_MAX_FRAMES = 60
LOCK_FADE_FRAMES = 3
# A lock fades over more frames (up to the maximum) while one step of the fade would move the
# ankle further than this off its own path (0.4 m/s at 30 fps).
LOCK_FADE_STEP_M = 0.013
LOCK_FADE_MAX_FRAMES = 15
MIN_CONTACT_FRAMES = 3
# The least a knee moved by IK bends toward the body's front (metres; bent knees sit a median
# 9 cm off the hip-ankle line), so that a straight leg bends forward, never back or at random.
KNEE_FORWARD_M = 0.03
# A low ankle slower than this is planted and held (faster: a step gliding over the floor).
PLANT_SPEED_M_S = 1.5
_LEGS = (
    ("left_hip", "left_knee", "left_ankle"),
    ("right_hip", "right_knee", "right_ankle"),
)
_J = JOINT_INDEX


def song_slots(
    beat_frames: np.ndarray, first_downbeat: float | None, n_frames: int, beats_per_slot: int = 8
) -> list[np.ndarray]:
    """8-count slots ``(beats_per_slot + 1,)`` of beat positions in frames covering
    ``[0, n_frames)``: the song's beats, extended before the first and after the last at the
    median period, slots aligned to the first downbeat. The first and last slot may lie partly
    outside the song (only their inside is danced)."""
    beats = np.asarray(beat_frames, dtype=np.float64)
    period = float(np.median(np.diff(beats)))
    anchor = beats[0] if first_downbeat is None else first_downbeat
    before = int(np.ceil((beats[0] - 0) / period)) + beats_per_slot
    after = int(np.ceil((n_frames - beats[-1]) / period)) + beats_per_slot
    grid = np.concatenate(
        [
            beats[0] - period * np.arange(before, 0, -1),
            beats,
            beats[-1] + period * np.arange(1, after + 1),
        ]
    )
    start = int(np.argmin(np.abs(grid - anchor))) % beats_per_slot
    slots = []
    for i in range(start, len(grid) - beats_per_slot, beats_per_slot):
        slot = grid[i : i + beats_per_slot + 1]
        # Each slot dances the frames from ceil(its first beat) to ceil(its last): keep it only
        # if that range meets the song.
        if np.ceil(slot[-1]) > 0 and np.ceil(slot[0]) < n_frames:
            slots.append(slot)
    # A first slot that would dance less than a beat is left out: the next one starts at frame
    # 0, a moment before its first beat.
    if len(slots) > 1 and np.ceil(slots[0][-1]) < period:
        slots.pop(0)
    return slots


def slot_ranges(slots: list[np.ndarray], n_frames: int) -> list[tuple[int, int]]:
    """The frames ``[first, last)`` each slot dances: from ceil(its first beat) to ceil(its
    last), the first slot from frame 0 and the last to the song's end."""
    ranges = []
    for k, slot in enumerate(slots):
        first = max(int(np.ceil(slot[0])), 0) if k > 0 else 0
        last = min(int(np.ceil(slot[-1])), n_frames) if k < len(slots) - 1 else n_frames
        ranges.append((first, last))
    return ranges


def warp(clip_frames: np.ndarray, source_beats: np.ndarray, target_beats: np.ndarray, frames):
    """Phrase frames ``(len(frames), 15, 3)`` for the integer target ``frames``: each read from
    ``clip_frames`` at the source position matching its place between the target beats."""
    position = np.interp(frames, target_beats, source_beats)
    # Before the first or after the last beat, carry on at the first or last beat's rate.
    rate_in = (source_beats[1] - source_beats[0]) / (target_beats[1] - target_beats[0])
    rate_out = (source_beats[-1] - source_beats[-2]) / (target_beats[-1] - target_beats[-2])
    before, after = frames < target_beats[0], frames > target_beats[-1]
    position[before] = source_beats[0] + (frames[before] - target_beats[0]) * rate_in
    position[after] = source_beats[-1] + (frames[after] - target_beats[-1]) * rate_out
    position = np.clip(position, 0, len(clip_frames) - 1)
    lower = np.floor(position).astype(int)
    upper = np.minimum(lower + 1, len(clip_frames) - 1)
    frac = (position - lower)[:, None, None]
    return (1 - frac) * clip_frames[lower] + frac * clip_frames[upper]


def _turn(frames: np.ndarray, angle: float, centre: np.ndarray) -> np.ndarray:
    cos, sin = np.cos(angle), np.sin(angle)
    out = frames.copy()
    x, z = frames[..., 0] - centre[0], frames[..., 2] - centre[2]
    out[..., 0] = centre[0] + cos * x - sin * z
    out[..., 2] = centre[2] + sin * x + cos * z
    return out


def attach(routine: np.ndarray, phrase: np.ndarray, fps: float) -> np.ndarray:
    """``phrase (L, 15, 3)`` turned and moved to carry on from ``routine (T, 15, 3)`` (T >= 2),
    with the seam offset faded out over `BLEND_FRAMES` or more (module docstring)."""
    pelvis = _J["pelvis"]
    turn = facing_yaw(routine[-1:])[0] - facing_yaw(phrase[:1])[0]
    phrase = _turn(phrase, turn, phrase[0, pelvis])
    step = routine[-1] - routine[-2]
    ahead = routine[-1, pelvis] + step[pelvis]
    shift = np.array([ahead[0] - phrase[0, pelvis, 0], 0.0, ahead[2] - phrase[0, pelvis, 2]])
    phrase = phrase + shift
    if len(phrase) < 2:
        return phrase
    offset = routine[-1] + step - phrase[0]
    velocity_offset = step - (phrase[1] - phrase[0])
    # A larger offset fades over more frames, so the added acceleration stays small: at least
    # `BLEND_FRAMES_PER_M` per metre of the largest joint offset, and long enough that the
    # fade's own velocity change at the seam (the curve's second difference at its start:
    # 6 offset / length^2 + 4 velocity offset / length per frame) averages at most
    # `BLEND_VELOCITY_CHANGE_M_S` over the joints.
    largest = float(np.linalg.norm(offset, axis=-1).max())
    length = max(BLEND_FRAMES, int(np.ceil(BLEND_FRAMES_PER_M * largest)))
    while length < BLEND_MAX_FRAMES:
        kick = 6 * offset / length**2 + 4 * velocity_offset / length
        if fps * float(np.linalg.norm(kick, axis=-1).mean()) <= BLEND_VELOCITY_CHANGE_M_S:
            break
        length += 1
    n = min(length, len(phrase))
    s = (np.arange(n) / length)[:, None, None]
    h00 = 2 * s**3 - 3 * s**2 + 1
    h10 = s**3 - 2 * s**2 + s
    phrase[:n] += offset * h00 + velocity_offset * length * h10
    return phrase


def two_bone_ik(hip, knee, ankle, target, forward):
    """Knee and ankle ``(T, 3)`` that put the ankle at ``target`` (as near as the leg reaches),
    keeping each frame's thigh and shin lengths. The knee bends the way it bent off its own
    hip-ankle line, but at least `KNEE_FORWARD_M` toward the body's ``forward (T, 3)`` (unit):
    knees bend forward. Taken off the target's line, or off a straight or slightly
    overstretched leg as it was, the bend lost its side and the knee flipped from frame to
    frame (knee velocity jumps of 8+ m/s)."""
    thigh = np.linalg.norm(knee - hip, axis=-1, keepdims=True)
    shin = np.linalg.norm(ankle - knee, axis=-1, keepdims=True)
    reach = target - hip
    distance = np.linalg.norm(reach, axis=-1, keepdims=True)
    direction = reach / np.maximum(distance, 1e-9)
    distance = np.clip(distance, np.abs(thigh - shin) + 1e-4, thigh + shin - 1e-4)
    along = (thigh**2 - shin**2 + distance**2) / (2 * distance)
    height = np.sqrt(np.maximum(thigh**2 - along**2, 0.0))
    leg = ankle - hip
    leg /= np.maximum(np.linalg.norm(leg, axis=-1, keepdims=True), 1e-9)
    bend = (knee - hip) - ((knee - hip) * leg).sum(-1, keepdims=True) * leg
    ahead = (bend * forward).sum(-1, keepdims=True)
    pole = bend + (np.maximum(ahead, KNEE_FORWARD_M) - ahead) * forward
    pole = pole - (pole * direction).sum(-1, keepdims=True) * direction
    pole /= np.maximum(np.linalg.norm(pole, axis=-1, keepdims=True), 1e-9)
    new_knee = hip + direction * along + pole * height
    return new_knee, hip + direction * distance


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True))


def _fade_frames(offset: np.ndarray) -> int:
    """Over how many frames a contact's lock fades in (or out), given the ankle's horizontal
    distance from the held position ``offset (K,)`` frame by frame away from the contact: the
    fewest, from `LOCK_FADE_FRAMES` to `LOCK_FADE_MAX_FRAMES` (and the frames there are), for
    which each step of the fade moves the ankle at most `LOCK_FADE_STEP_M` off its own path."""
    limit = min(LOCK_FADE_MAX_FRAMES, len(offset))
    for frames_ in range(min(LOCK_FADE_FRAMES, limit), limit + 1):
        if offset[:frames_].max(initial=0.0) / (frames_ + 1) <= LOCK_FADE_STEP_M:
            return frames_
    return limit


def plant_feet(frames: np.ndarray, fps: float) -> np.ndarray:
    """Hold each planted ankle at one ground position through its contact (module docstring)."""
    out = frames.copy()
    contacts = foot_contacts(frames, fps, PLANT_SPEED_M_S)
    n = len(frames)
    # The way the knees bend: perpendicular to the hip line, horizontal (98 % of bent knees in
    # the training phrases point this way).
    forward = np.cross(frames[:, _J["left_hip"]] - frames[:, _J["right_hip"]], [0.0, 1.0, 0.0])
    forward /= np.maximum(np.linalg.norm(forward, axis=-1, keepdims=True), 1e-9)
    for side, (hip_name, knee_name, ankle_name) in enumerate(_LEGS):
        hip, knee, ankle = _J[hip_name], _J[knee_name], _J[ankle_name]
        # Each contact pulls the ankle toward its ground position with a weight that ramps up
        # before it and down after it; where the ramps of two contacts overlap, the goal is
        # their weighted mean, so it glides from one position to the next. (Each overwriting
        # the other's target under the larger weight, and 3-frame ramps whatever the distance,
        # made seam jumps of up to 1.3 m/s.)
        weight = np.zeros(n)
        pulled = np.zeros((n, 2))
        for start, end in _runs(contacts[:, side]):
            if end - start < MIN_CONTACT_FRAMES:
                continue
            position = frames[(start + end) // 2, ankle][[0, 2]]
            offset = np.linalg.norm(frames[:, ankle][:, [0, 2]] - position, axis=-1)
            before = _fade_frames(offset[start - 1 :: -1] if start > 0 else offset[:0])
            after = _fade_frames(offset[end:])
            ramp = np.concatenate(
                [
                    np.arange(1, before + 1) / (before + 1),
                    np.ones(end - start),
                    np.arange(after, 0, -1) / (after + 1),
                ]
            )
            weight[start - before : end + after] += ramp
            pulled[start - before : end + after] += ramp[:, None] * position
        moved = weight > 0
        if not moved.any():
            continue
        free = frames[moved, ankle]
        held = pulled[moved] / weight[moved, None]
        goal = free.copy()
        goal[:, [0, 2]] += np.minimum(weight[moved], 1.0)[:, None] * (held - free[:, [0, 2]])
        new_knee, new_ankle = two_bone_ik(
            frames[moved, hip], frames[moved, knee], free, goal, forward[moved]
        )
        out[moved, knee] = new_knee
        out[moved, ankle] = new_ankle
    return out
