"""Live scoring: frames arrive in small batches, beat results leave shortly after each beat.

Work per learner frame is bounded: resampling and filtering are O(J); the viewpoint sums are
O(J); one DTW row is O(band * J). Emitting a beat backtracks O(beat + band + delay) cells.

A push only checks and keeps its frames until they are needed: when a beat becomes due (its
results must leave with this push) or `MAX_WAITING_FRAMES` wait. Then they are mapped to
canonical joints, normalised and aligned together, which costs about as many numpy calls as a single small batch would; every
step gives the same results however frames are grouped, so beats and their timing are the
same as if each push were processed at once.
"""

import math

import numpy as np

from scoring import params
from scoring.align import StreamingAligner
from scoring.attempt import BAND_FRAMES, check_mirror, view_summary
from scoring.beats import reference_window, score_span
from scoring.costs import band_costs, learner_local, reference_local
from scoring.formats import CheckedFrames, check_pose_frames, map_to_canonical
from scoring.normalise import LearnerNormaliser
from scoring.reference import Reference
from scoring.size_match import SizeMatch
from scoring.skeleton import MIRROR
from scoring.summary import summarise, tracking_rate
from scoring.upper_body import (
    CALIBRATION_FRAMES,
    hung_from_neck,
    resized,
    seen_from_waist_up,
    size_ratio,
)
from scoring.view import ViewEstimator, project, view_turn

EMIT_DELAY_FRAMES = round(params.EMIT_DELAY_S * params.GRID_FPS)
# At most this many received frames wait to be normalised and aligned.
MAX_WAITING_FRAMES = 32


class StreamingScorer:
    """Score one learner's attempt while it happens.

    ``push`` returns the beats that became final; ``finish`` scores the rest and summarises.
    Emitted beats never change; at the end of an attempt they agree with `score_attempt`
    within the tolerances stated in ``tests/scoring/test_streaming.py``. ``emit_delay_s``: how
    long after a beat ends (song time) its result leaves; shorter delays agree less with
    `score_attempt` (``python -m scoring.validate --emit-delays`` measures by how much).
    """

    def __init__(
        self,
        reference: Reference,
        mirror: str = "auto",
        emit_delay_s: float = params.EMIT_DELAY_S,
    ):
        check_mirror(mirror)
        # Grid frames between a beat's last frame and the one whose arrival emits it.
        self.emit_delay_frames = round(emit_delay_s * params.GRID_FPS)
        self.reference = reference
        self.mirror = mirror
        self._normaliser = LearnerNormaliser()
        self._learner = np.zeros((256, *reference.joints.shape[1:2], 2), dtype=np.float32)
        self._weights = np.zeros((256, reference.joints.shape[1]), dtype=np.float32)
        self._frames = 0
        # The rows as aligned and scored: sized to the reference (`SizeMatch`) from the first
        # aligned row up to `_sized_rows`; the view is fitted on the rows as seen (`_learner`).
        self._sized = np.zeros_like(self._learner)
        self._size = SizeMatch()
        self._sized_rows = 0
        self._last_time: float | None = None
        self._first_time: float | None = None
        self._received = 0  # learner frames received
        self._view = ViewEstimator()
        self._view_rows = self._view_next = 0
        self._yaw, self._mirrored = 0.0, mirror == "on"
        self._aligner: StreamingAligner | None = None
        self._spans = reference.beat_spans()
        self._next_span = 0
        self._emitted: list[dict] = []
        self._waiting: list[CheckedFrames] = []  # checked, not yet mapped and normalised
        self._waiting_frames = 0
        self._lag = 0  # where the last emitted beat's path ended
        # Per joint, in how many of the first `_counted` learner rows the camera showed it.
        self._seen_counts = np.zeros(reference.joints.shape[1], dtype=np.int64)
        self._counted = 0
        # Whether the learner is measured from the neck (seen from the waist up), decided on
        # the frames received when alignment starts, as `score_attempt` decides on all of them.
        self._from_neck = False
        self._size_ratio = 1.0  # its size against the reference's (`_match_size`)
        self._size_final = False

    @property
    def first_frame(self) -> int | None:
        """Grid frame of the learner's first normalised frame (None before any)."""
        return self._normaliser.first_grid

    def push(
        self, timestamps_ms, frames, fmt: str, *, image_size=None, world_frames=None, weights=None
    ) -> list[dict]:
        """Add learner frames ``(N, J, C)`` at ``timestamps_ms`` ``(N,)`` (song clock) in format
        ``fmt``. Returns the beat results that became final. Raises `PoseInputError` on bad
        input and then leaves the scorer as it was. Checked frames may wait (see the module
        docstring) until a beat is due; `finish` takes in any still waiting."""
        checked = check_pose_frames(
            timestamps_ms, frames, fmt, image_size=image_size, world_frames=world_frames,
            weights=weights, after_s=self._last_time,
        )  # fmt: skip
        if len(checked.times_s) == 0:
            return []
        self._last_time = float(checked.times_s[-1])
        if self._first_time is None:
            self._first_time = float(checked.times_s[0])
        self._received += len(checked.times_s)
        self._waiting.append(checked)
        self._waiting_frames += len(checked.times_s)
        if self._waiting_frames < MAX_WAITING_FRAMES and not self._beat_due(self._last_time):
            return []
        return self._catch_up()

    def _beat_due(self, last_time_s: float) -> bool:
        """Whether the frames received up to ``last_time_s`` complete the grid frame at which
        the next beat is emitted (always, until alignment has started). A beat due at or past
        the reference's end is never emitted live: `finish` scores it."""
        if self._aligner is None:
            return True
        due = self._next_due_frame()
        if due is None or due >= self.reference.end:
            return False
        # The grid frames a batch completes, as `LearnerNormaliser` counts them.
        return math.floor(last_time_s * params.GRID_FPS + 1e-6) >= due

    def _catch_up(self) -> list[dict]:
        """Normalise and align the waiting frames; returns the beats that became final."""
        if not self._waiting:
            return []
        stream = map_to_canonical(self._waiting)
        self._waiting, self._waiting_frames = [], 0
        joints, joint_weights = self._normaliser.push(stream)
        start = self._frames
        self._append(joints, joint_weights)
        # Learner rows whose grid frames lie inside the reference, in chunks that share one
        # view estimate and end where a beat becomes due, so costs come in one array per chunk.
        row = max(start, self.reference.start - self.first_frame)
        end_row = min(self._frames, self.reference.end - self.first_frame)
        emitted = []
        while row < end_row:
            if self._aligner is None:
                if seen_from_waist_up(self._weights[: self._frames]):
                    self._from_neck = True
                    self.reference = self.reference.from_neck
                    self._learner[: self._frames] = hung_from_neck(self._learner[: self._frames])
                self._aligner = StreamingAligner(
                    BAND_FRAMES,
                    self.first_frame + row,
                    self.reference.end,
                    params.ALIGN_STEP_PENALTY,
                )
                self._view_rows = self._view_next = self._sized_rows = row
            if row >= self._view_next:
                self._update_view(row + 1)
                if self._from_neck and not self._size_final:
                    self._match_size(final=False)
            stop = min(end_row, self._view_next)
            due = self._next_due_frame()
            if due is not None:
                stop = min(stop, max(due - self.first_frame + 1, row + 1))
            if not self._from_neck:
                self._match_local_size(end_row)
            self._step(row, stop)
            emitted += self._emit_ready(self.first_frame + stop - 1)
            row = stop
        return emitted

    def finish(self) -> dict:
        """``{"beats", "summary"}`` for the whole attempt: the emitted beats plus the beats the
        attempt covered that were still waiting."""
        self._catch_up()
        if self._from_neck and not self._size_final and self._aligner is not None:
            self._match_size(final=True)
        beats = list(self._emitted)
        if self._aligner is not None:
            end = min(self.first_frame + self._frames, self.reference.end)
            waiting = [
                s
                for s in self._spans[self._next_span :]
                if s[1] >= self._aligner.first and s[2] <= end
            ]
            if waiting:
                lag = self._aligner.best_lag(max_reference=end)
                path = self._aligner.backtrack(lag, stop_reference=waiting[0][1])
                beats += [self._score(span, path) for span in waiting]
        summary = summarise(
            beats,
            self.tracking_fps,
            None if self.reference.is_3d else self._view.recording_turn_deg(),
        )
        return {"beats": beats, "summary": {**summary, **view_summary(self._yaw, self._mirrored)}}

    @property
    def tracking_fps(self) -> float | None:
        """Learner frames received per second of the attempt so far (None before 2 frames)."""
        if self._first_time is None:
            return None
        return tracking_rate(self._received, self._first_time, self._last_time)

    def _append(self, joints: np.ndarray, weights: np.ndarray) -> None:
        needed = self._frames + len(joints)
        if needed > len(self._learner):
            size = max(needed, 2 * len(self._learner))
            self._learner = np.resize(self._learner, (size, *self._learner.shape[1:]))
            self._sized = np.resize(self._sized, self._learner.shape)
            self._weights = np.resize(self._weights, (size, self._weights.shape[1]))
        if self._from_neck:
            joints = hung_from_neck(joints)
            joints = resized(joints, self._size_ratio)
        self._learner[self._frames : needed] = joints
        self._weights[self._frames : needed] = weights
        self._frames = needed

    def _match_size(self, final: bool) -> None:
        """A learner measured from the neck: match its size to the reference's upper body seen
        from the current view over the aligned frames so far, at each view update, until
        `CALIBRATION_FRAMES` of them (or, at the end, all) are in: then the ratio is the one
        `score_attempt` finds over the same frames, and it stays. Every stored row is resized
        (beats emitted before keep their scores)."""
        first = self._aligner.first - self.first_frame
        end = min(self._frames, self.reference.end - self.first_frame)
        count = min(CALIBRATION_FRAMES, end - first)
        if count < 2:
            return
        lo = self._aligner.first - self.reference.start
        ratio = size_ratio(
            self._learner[first : first + count] / np.float32(self._size_ratio),
            self._weights[first : first + count],
            project(self.reference.joints[lo : lo + count], self._yaw),
        )
        self._learner[: self._frames] = resized(
            self._learner[: self._frames], ratio / self._size_ratio
        )
        self._size_ratio = ratio
        self._size_final = final or count == CALIBRATION_FRAMES

    def _match_local_size(self, end_row: int) -> None:
        """Size learner rows up to ``end_row`` to the reference at the same grid frames, as
        `score_attempt` sizes them after the view's fit (`scoring.size_match`)."""
        lo, self._sized_rows = self._sized_rows, max(self._sized_rows, end_row)
        if lo >= end_row:
            return
        rows = slice(lo, end_row)
        start = self.first_frame - self.reference.start
        self._sized[rows], _ = self._size.push(
            self.reference.joints[lo + start : end_row + start],
            self._learner[rows],
            self._weights[rows],
        )

    @property
    def _aligned(self) -> np.ndarray:
        """The learner rows alignment and scoring read: sized to the reference, or for a
        learner seen from the waist up, as sized by the upper body."""
        return self._learner if self._from_neck else self._sized

    def _update_view(self, end_row: int) -> None:
        """Add learner rows up to ``end_row`` to the view estimate and re-solve it. Updates
        come after 1, 2, 4, 8... then every `params.VIEW_BLOCK_FRAMES` aligned frames, whatever
        the batch sizes, so results do not depend on how frames were batched (the estimate
        barely moves frame to frame once a few seconds are in)."""
        first_aligned = self._aligner.first - self.first_frame
        self._view_next = end_row + min(params.VIEW_BLOCK_FRAMES, max(1, end_row - first_aligned))
        lo = self.first_frame + self._view_rows
        hi = self.first_frame + end_row
        self._view_rows = end_row
        rows = slice(lo - self.first_frame, hi - self.first_frame)
        self._view.add_features(
            self.reference.view_features[lo - self.reference.start : hi - self.reference.start],
            self._learner[rows],
            self._weights[rows],
        )
        self._yaw, self._mirrored = self._view.solve(self.mirror)

    def _step(self, row: int, stop: int) -> None:
        """Align learner rows ``[row, stop)``: their costs against their bands' reference
        frames as one ``(rows, 2 * band + 1)`` array (`scoring.costs`), then the DTW steps."""
        aligner, band = self._aligner, self._aligner.band
        frame, count = self.first_frame + row, stop - row
        # Reference frames outside the alignment's range cost 0, which the aligner does not read.
        start = self.reference.start
        lo = frame - band - start
        valid_lo = max(frame - band, aligner.first) - start
        valid_hi = min(frame + count + band, self.reference.end) - start
        theirs = reference_local(
            *self.reference.planes, lo, count + 2 * band, valid_lo, valid_hi,
            *view_turn(self._yaw if self.reference.is_3d else 0.0),
        )  # fmt: skip
        ours = learner_local(self._aligned[row:stop], MIRROR, self._mirrored)
        aligner.step_band(
            band_costs(ours, self._shown(stop), theirs, valid_lo - lo, valid_hi - lo, band)
        )

    def _shown(self, stop: int) -> np.ndarray:
        """``(J,)`` float32: 1 for the joints the camera showed in at least half of the
        learner's frames up to ``stop``, else 0 (as `score_attempt` leaves out of the alignment
        the joints it did not show in most of the attempt)."""
        if stop > self._counted:
            self._seen_counts += (self._weights[self._counted : stop] > 0).sum(axis=0)
            self._counted = stop
        shown = self._seen_counts >= 0.5 * stop
        if not shown.any():  # never a body to align (no torso seen): the beats come out not seen
            shown[:] = True
        return shown.astype(np.float32)

    def due_frames(self) -> list[int]:
        """Per beat of the reference, the grid frame whose arrival makes its result due: the
        beat's last frame plus the emit delay. A client that sends a batch as soon as its frames
        reach one gets that beat back at once."""
        return [self._due_frame(span) for span in self._spans]

    def _due_frame(self, span: tuple[int, int, int]) -> int:
        return span[2] - 1 + self.emit_delay_frames

    def _next_due_frame(self) -> int | None:
        """The grid frame at which the next beat to emit becomes due (None if none is left)."""
        i = self._next_span
        while i < len(self._spans) and self._spans[i][1] < self._aligner.first:
            i += 1  # began before alignment did: never emitted
        return self._due_frame(self._spans[i]) if i < len(self._spans) else None

    def _emit_ready(self, frame: int) -> list[dict]:
        emitted = []
        while self._next_span < len(self._spans):
            span = self._spans[self._next_span]
            if span[1] >= self._aligner.first:
                if frame < self._due_frame(span):
                    break
                lag = self._aligner.best_lag(near=self._lag, per_frame=params.OPEN_END_LAG_PENALTY)
                path = self._aligner.backtrack(lag, stop_reference=span[1])
                self._lag = lag
                emitted.append(self._score(span, path))
            self._next_span += 1
        self._emitted += emitted
        return emitted

    def _score(self, span: tuple[int, int, int], path: np.ndarray) -> dict:
        """Score a beat from the part of the path that covers it, touching only nearby frames."""
        index, first, end = span
        ref_lo, ref_hi = reference_window(first, end, self.reference.start, self.reference.end)
        reference = project(
            self.reference.joints[ref_lo - self.reference.start : ref_hi - self.reference.start],
            self._yaw,
        )
        return score_span(
            span, self.reference.beats[index], path, self._aligned, self._weights,
            self.first_frame, reference, ref_lo, self._mirrored, mirror_learner=self._mirrored,
        )  # fmt: skip
