"""Every weight, threshold and window of the scoring engine, in one place.

Units: seconds, milliseconds where the name says ``_MS``, and *torso units* for poses (distances
divided by the pelvis-to-neck length, so 1.0 is one torso). Scores are 0-100.

Formulas (see `scoring.beats` and `scoring.parts` for the code that applies them):

- timing: ``offset_ms`` is the median over the beat of (learner time - reference time) along the
  alignment path, positive = late. ``timing = curve(|offset_ms|, TIMING_CURVE)``.
- body parts: each part is measured in its own frame (see `scoring.parts`). A part's
  error is its weighted mean distance from the reference over the beat's aligned frame pairs
  divided by ``sqrt(spread**2 + SPREAD_FLOOR[part]**2)`` (``spread``: how far the reference
  moves the part around the beat), plus ``RANGE_WEIGHT`` times the share by which it moved less
  than the reference within the beat (both ranges over the frames where the learner was seen). ``part score = curve(error, PART_CURVE)``; a part seen
  less than ``PART_SEEN_WEIGHT`` has none.
- accuracy: ``(1 - WORST_PART_SHARE) * curve(RMS of the seen parts' errors, ACCURACY_CURVE) +
  WORST_PART_SHARE * the lowest seen part score``.
- smoothness: the mean over the beat's aligned frame pairs of ``|log2((J_learner + JERK_FLOOR)
  / (J_reference + JERK_FLOOR))|`` where ``J`` is a frame's mean per-joint jerk magnitude
  (torso units / s^3, third differences of the filtered 2D track);
  ``smoothness = curve(that, SMOOTHNESS_CURVE)``.
- overall: ``accuracy * (w_accuracy + (w_timing * timing + w_smoothness * smoothness) / 100)``
  with ``OVERALL_WEIGHTS``; label: the first ``LABELS`` entry whose threshold the overall
  reaches (``NOT_SEEN_LABEL`` and no scores for a beat not seen); fix: the worst seen part when
  its score is below ``FIX_ABOVE`` (the torso first below ``TORSO_FIRST_BELOW``).

`curve(x, points)` interpolates linearly between ``(x, score)`` points and is flat outside them.

Where they come from: the curves, floors, weights and thresholds of the beat scores were chosen
on the ``tune`` split of `scoring.validate` (AIST++ gBR d04 ch08 and gJS sFM d02 ch09 from 9
cameras; ballroom C_2, W_1, R_2 seen from 3 angles) against the targets of `scoring.targets`,
and only measured on the ``held-out`` split (README, "Validation").
"""

# Canonical grid everything is resampled onto (frames per second, song clock from 0 s).
GRID_FPS = 30.0

# Input limits: a longer attempt or a bigger message is rejected, not truncated.
MAX_ATTEMPT_S = 20 * 60.0
MAX_COORD_ABS = 1e5

# Visibility / confidence -> joint weight: (value - low) / (full - low), clipped to [0, 1].
# AIST++ detector confidences of well-seen joints are often only 0.3, MediaPipe's near 1.
VISIBILITY_RAMP = {"mediapipe33": (0.3, 0.7), "coco17": (0.05, 0.3)}
# A joint below this weight is treated as missing: its filtered position is held.
MISSING_WEIGHT = 0.05
# Image size assumed for MediaPipe's image-normalised x, y when the attempt does not give one.
DEFAULT_IMAGE_SIZE = (640, 480)

# A hole in the learner's timestamps longer than this is a drop-out: grid frames inside it are
# interpolated for continuity but get weight 0.
MAX_GAP_S = 0.4

# One Euro filter (Casiez et al. 2012) on absolute positions in torso units at GRID_FPS:
# cutoff = MIN_CUTOFF_HZ + BETA * |speed in torso units/s|.
ONE_EURO_MIN_CUTOFF_HZ = 2.0
ONE_EURO_BETA = 0.3
ONE_EURO_D_CUTOFF_HZ = 1.0

# The learner's body-size unit: a running weighted quantile of the 2D torso length. A high
# quantile is the torso seen upright: leaning towards the camera shortens the 2D torso (by half
# in AIST++ break dance), which would inflate the learner if the mean were used. Kept in a
# log-spaced histogram (SCALE_BINS over SCALE_RANGE, any length unit) for O(1) updates.
SCALE_QUANTILE = 0.8
SCALE_RANGE = (1e-3, 1e5)
SCALE_BINS = 1000
# A learner whose hips were not seen is measured by the upper body: this many times the sum of
# the same quantile of the 2D shoulder width, upper arms, forearms and neck-to-head length. The
# median over the tune split's 27 recordings from other cameras of (torso quantile / that sum)
# is 0.342 (coefficient of variation 13 %; the shoulders alone: 1.63, 18 %); the held-out
# split's median is 0.348.
UPPER_BODY_TO_TORSO = 0.342
# ... and then, measured from the neck, its size is matched to the reference's upper body seen
# from its camera over the attempt's first this many seconds (`scoring.upper_body`).
UPPER_BODY_CALIBRATION_S = 4.0
# The scale estimate is refreshed after 1, 2, 4, 8... then every SCALE_BLOCK_FRAMES frames.
SCALE_BLOCK_FRAMES = 15
# ... and then matched to the reference's over the last SIZE_MATCH_WINDOW_S seconds
# (`scoring.size_match`): the median of the learner's heights over the reference's, taken at
# the points at least SIZE_MATCH_MIN_HEIGHT torso units above or below the pelvis, from at least
# SIZE_MATCH_MIN_SAMPLES of them, and kept within SIZE_MATCH_LIMIT of 1. A dancer who moves
# about the floor grows and shrinks in a camera's picture: AIST++ jazz d02 from camera c02
# (44 degrees) is 15-20 % too small at times, and a learner who walks away from the camera to
# 80 % of their size lost 34 points of accuracy a beat (`tests/scoring/test_size_match.py`;
# matched, 0.5).
# On the tune split, with WORST_PART_SHARE 0.35: same dance within 45 degrees 84.5 unmatched,
# 81.9 / 86.6 / 85.2 with windows of 1.5 / 2.5 / 4.5 s (the fix named on 0.80 of a damaged
# part's beats unmatched, 0.71 matched). Minimum height 0.6 rather than 0.3: untouched beats
# next to a swapped part moved 3.1 against 3.7 (an earlier form of the match, tune split).
SIZE_MATCH_WINDOW_S = 2.5
SIZE_MATCH_MIN_HEIGHT = 0.6
SIZE_MATCH_MIN_SAMPLES = 20
SIZE_MATCH_LIMIT = 0.25

# Alignment: the learner may lead or lag the reference by at most ALIGN_BAND_S.
ALIGN_BAND_S = 0.7
# Added to the cost (squared torso units, summed over joints) of every step that stretches or
# compresses time, so that in still or ambiguous passages the path keeps the learner's tempo
# instead of wandering.
ALIGN_STEP_PENALTY = 0.05
# A body part's share of an alignment cost (`scoring.costs`: squared torso units between local
# poses) is at most this per joint, so a part danced wrong cannot pull the path. Swept on the
# tune split (0.03 / 0.05 / 0.1 / 0.2 / 0.5): untouched beats next to a swapped part moved
# 5.1 / 5.0 / 4.5 / 4.1 / 4.4 (target below 5); the smallest step of the early ladder 9.7 / 9.7
# / 9.5 / 8.2 / 8.0 (target 8); the fix named on 0.8 / 0.8 / 0.87 / 0.87 / 0.87 of a swapped
# part's beats. The mean |timing offset| reported inside a swapped part's span is 6.2 ms at 0.1
# (3.8 at 0.05, 7.9 at 0.2); with the root-centred, uncapped costs before, 57 ms.
ALIGN_JOINT_CAP = 0.1
# Streaming emits a beat this long after the beat ends: 0, so feedback leaves as soon as the
# beat's last frame arrives. The path's open end is then still unsettled: a repeated move
# matches the reference one beat away almost as well as in time, and without future frames the
# cheapest end cell can jump to the band's edge. So the live end cell pays OPEN_END_LAG_PENALTY
# (squared torso units, like the costs) per frame its lag departs from where the previous
# beat's path ended. On the validation recordings this agrees with `score_attempt` better at
# 0 s than the unpenalised end did at 0.4 s (`python -m scoring.validate --emit-delays`,
# figures in the README).
EMIT_DELAY_S = 0.0
OPEN_END_LAG_PENALTY = 1.0

# Mirror auto-detection: mirrored wins when its viewpoint residual is below this fraction of
# the unmirrored one (a margin so symmetric dances stay unmirrored).
MIRROR_RESIDUAL_RATIO = 0.9
# The camera's yaw is fitted to blocks of VIEW_BLOCK_FRAMES grid frames (0.5 s; live, the view
# is also re-estimated that often), then fitted again with each block weighed down by how far
# it is from the reference under the first fit: Cauchy weights at VIEW_OUTLIER_SCALE times the
# median block's residual (`scoring.view.ViewEstimator`). So a stretch danced wrong does not
# turn the camera for the rest of the attempt: on the tune split, head and torso from another
# dance for 5 of 19 beats turned the fitted yaw by 10 degrees and moved the untouched beats by
# 6.7 on average; with these weights 0.9 (2 / 4 / 8 times the median: 1.0 / 0.9 / 0.9).
VIEW_BLOCK_FRAMES = 15
VIEW_OUTLIER_SCALE = 4.0

# Within 40 ms is on time; past it each 100 ms of lateness or earliness lowers a well danced
# beat's overall by at least 8 (the validation's late and early ladders).
TIMING_CURVE = ((0.0, 100.0), (40.0, 100.0), (100.0, 62.0), (200.0, 30.0), (300.0, 0.0))
# Body parts: a part's error is its distance from the reference divided by how far the
# reference moves it around the beat (`scoring.parts`, over the beat and SPREAD_PAD_S either side),
# with SPREAD_FLOOR (torso units) added in quadrature so a part the reference holds still is
# judged by its plain distance.
SPREAD_PAD_S = 0.5
# ... the spread taken at SPREAD_WEIGHT of its size, so that a part put somewhere else within a
# big move is not excused by the size of the move (a ballroom leg stepping another dance's
# steps: at weight 1 its error was about half a spread).
SPREAD_WEIGHT = 0.7
# The torso's floor is the limbs': its error is a mean over the neck, shoulders and hips, and
# the hips barely leave the pelvis, so a torso leaning 25 degrees is only about 0.25 from the
# reference. Once the alignment stopped following a torso danced wrong (`scoring.costs`), at
# 0.4 it scored 40-80 with another dance's head and torso and the arms were named instead. On
# the tune split, torso floors 0.4 / 0.3 / 0.2 / 0.15: the fix named on 0.87 / 0.93 / 0.93 /
# 0.93 of a swapped part's beats, same dance within 45 degrees 87.7 / 87.6 / 87.3 / 86.5, only
# the arms moving 30.4 / 27.0 / 21.5 / 17.4.
SPREAD_FLOOR = {
    "head": 0.4, "torso": 0.2,
    "left_arm": 0.2, "right_arm": 0.2, "left_leg": 0.2, "right_leg": 0.2,
}  # fmt: skip
# A part that moved less than the reference within the beat adds RANGE_WEIGHT times its
# shortfall, relative to the reference's range (with RANGE_FLOOR torso units in quadrature).
# The floor keeps a tracker's noise from passing for a shortfall where the reference barely
# moves: on the tune split the learner's range falls short of the reference's by up to 0.03
# (95th percentile) for parts the reference moves 0.05-0.1 within the beat, which against a
# floor of 0.05 cost the same dance seen from 44 degrees a tenth of its arm beats. Swept on
# the tune split with the robust view, before SPREAD_WEIGHT (0.05 / 0.1 / 0.125 / 0.15): same
# dance within 45 degrees 83.0 / 86.1 / 86.9 / 87.6 (82.7 at 0.05 before the robust view), only
# the arms moving 9.0 / 27.4 / 36.6 / 43.8 (target below 60), the range-of-motion ladder's
# smallest step 21.2 / 17.7 / 16.3 / 15.0; 0.1 is the smallest that meets the same-dance target.
RANGE_WEIGHT = 2.0
RANGE_FLOOR = 0.1
PART_CURVE = ((0.0, 100.0), (0.55, 100.0), (0.88, 60.0), (1.32, 0.0))
# accuracy = (1 - WORST_PART_SHARE) * curve(root mean square of the seen parts' errors,
# ACCURACY_CURVE) + WORST_PART_SHARE * the lowest seen part score. One part danced wrong among
# five right must cost the beat: on the tune split with the size match, shares 0.2 / 0.3 / 0.35
# / 0.4 give the least span-accuracy fall of a swapped part 29.2 / 34.5 / 36.7 / 39.0 and the
# same dance within 45 degrees 88.8 / 87.3 / 86.6 / 85.8 (a camera's errors also hit one part
# at a time). At 0.2 the held-out split's least fall was 15.3 (a rumba's right leg stepping
# another dance's steps, half wrong: its leg scored 47 and the beat's accuracy fell 10).
WORST_PART_SHARE = 0.35
ACCURACY_CURVE = PART_CURVE
JERK_FLOOR = 300.0
# smoothness = curve(mean over the beat's aligned frame pairs of |log2((J_learner + JERK_FLOOR)
# / (J_reference + JERK_FLOOR))|): jerky where the reference is smooth, or smooth where it hits.
SMOOTHNESS_CURVE = ((0.0, 100.0), (0.5, 100.0), (1.0, 90.0), (2.0, 50.0), (3.0, 0.0))

# The timing's weight sets how far each 100 ms of lateness lowers a beat: scaled by the beat's
# accuracy, so the least accurate learners' ladders come nearest the bound of 8. On the tune
# split, the smallest late / early ladder step at 0.35 (accuracy 0.5) was 10.0 / 9.5, at 0.4
# (accuracy 0.45) 11.4 / 10.9; no other tune figure moved more than 0.3.
OVERALL_WEIGHTS = {"timing": 0.4, "accuracy": 0.45, "smoothness": 0.15}
LABELS = (("Perfect", 90.0), ("Great", 75.0), ("Good", 60.0), ("OK", 40.0), ("Miss", 0.0))
# The label of a beat the camera did not see (no scores).
NOT_SEEN_LABEL = "Not seen"
# The worst seen part is named as the fix when its score is below this.
FIX_ABOVE = 90.0
# ... unless the torso scores below this: the limbs hang from it, so it is named first.
TORSO_FIRST_BELOW = 50.0

# A beat whose aligned learner frames carry less than this mean joint weight was not seen.
MIN_BEAT_VISIBILITY = 0.2
# Left and right limbs closer than this (torso units, elbows and wrists, or knees and ankles)
# where the reference holds them apart were drawn on one spot by the tracker: not seen.
MERGED_LIMBS = 0.15
# A body part is seen in a beat when its joints' mean weight over the beat reaches this.
PART_SEEN_WEIGHT = 0.3

# Reliability of an attempt: tracking slower than MIN_TRACKING_FPS (frames received per
# second of the attempt), or fewer than MIN_SEEN_BEATS of its beats seen, and the result says
# it cannot tell instead of giving a verdict.
MIN_TRACKING_FPS = 7.5
MIN_SEEN_BEATS = 0.5
# ... or, against a recorded (2D) reference, the learner filmed from more than this many degrees
# away from the side the reference was recorded from (`ViewEstimator.recording_turn_deg`): a 2D
# recording has no depth to turn, and the same dance scores 19-61 from cameras 40-46 degrees
# away (AIST++, `scoring.validate`). On the tune split's camera pairs the turn read is at most
# 12.5 for cameras on the same side and at least 31.7 for cameras 40 or more degrees apart:
# this is the middle.
MAX_RECORDING_TURN_DEG = 22.0

# Attempt summary: how many weakest beats and body parts to name.
WEAKEST_BEATS = 3
WEAKEST_PARTS = 2
# consistency = 100 - CONSISTENCY_SCALE * standard deviation of the beats' overall scores.
CONSISTENCY_SCALE = 2.0
