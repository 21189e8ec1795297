"""Live practice: the rules behind the practice socket, callable without a socket.

A `PracticeSession` holds one connection's streaming scorer. A frame batch is scored as soon as
it arrives (`accept_frames`), and its beat results go straight back to the learner; storing is
separate (`store_batches`), so the socket server can store the batches of every connection
together a few times a second. A batch is acknowledged only once it is stored, so a dropped
connection loses nothing: reconnecting replays the stored batches into a fresh scorer and the
client resends whatever was not acknowledged (batches are de-duplicated by sequence number).
One socket holds an attempt at a time: a new one takes it over (`Attempt.connection`), and the
batches, end and interruption of the one it replaced are refused from then on, so a batch is
never acknowledged to a socket whose frames lost to another's.
The message shapes are documented in README.md ("Practice socket"); the message checks are in
`coach.practice.messages`, the storage in `coach.practice.storage`.
"""

import math
import time
import uuid
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from coach.common.protocol import (
    ACK,
    BEAT,
    CLOCK,
    CLOSE_FINISHED,
    CLOSE_FORBIDDEN,
    CLOSE_NOT_FOUND,
    READY,
    SUMMARY,
)
from coach.lessons import services as lessons
from coach.practice.attempt_status import finished_status
from coach.practice.messages import (
    PracticeError,
    audio_latency_ms,
    batch_seq,
    finite_number,
    frame_arrays,
    image_size,
)
from coach.practice.models import Attempt
from coach.practice.npy_bytes import load_npy
from coach.practice.pose_tracking import PoseTrackingError, ServerPoseTracker
from coach.practice.storage import store_batches
from coach.routines.services import routine_frames
from scoring import PoseInputError, Reference, StreamingScorer
from scoring.params import GRID_FPS

POSE_FORMATS = ("mediapipe33", "coco17", "canonical")
# Measured by `record_clock` and stored with the attempt's end.
CLOCK_FIELDS = ("rtt_ms", "clock_offset_ms")


class PracticeDenied(Exception):
    """The socket may not be opened; `close_code` is the WebSocket close code to send."""

    def __init__(self, close_code: int, message: str):
        super().__init__(message)
        self.close_code = close_code


class PracticeTakenOver(PracticeDenied):
    """Another socket has opened the attempt since this one: it holds the attempt now."""

    def __init__(self):
        super().__init__(CLOSE_FINISHED, "this attempt continues on another connection")


@dataclass
class PracticeSession:
    attempt: Attempt
    scorer: StreamingScorer
    scored_beats: set[int]
    next_seq: int  # the batches scored so far are 0 .. next_seq - 1
    stored_seq: int  # ... and 0 .. stored_seq are stored (the client may forget them)
    connection: uuid.UUID = field(default_factory=uuid.uuid4)  # this socket's hold on the attempt
    taken_over: bool = False  # another socket holds the attempt now; nothing more is stored
    tracker: ServerPoseTracker | None = None  # only for the camera-image fallback

    @property
    def acked_seq(self) -> int:
        return self.stored_seq


@dataclass
class ScoredBatch:
    """One accepted frame batch, scored but perhaps not stored yet: `timestamps` (n,) ms on the
    song clock, `frames` (n, J, C) float32 in the attempt's format, `beats` the results it completed."""

    session: PracticeSession
    seq: int
    timestamps: np.ndarray
    frames: np.ndarray
    image_size: list | None
    beats: list[dict]


def start_attempt(
    learner, routine, *, pose_format: str = "mediapipe33", mirror: str = "auto", studio=None
) -> Attempt:
    """A new attempt. It belongs to `studio` (a live class's), else to the studio of the newest
    lesson that assigns `routine` to `learner` while they are its student, else to nobody (the
    learner's own practice, which no studio's staff see)."""
    if pose_format not in POSE_FORMATS:
        raise PracticeError("bad_message", f"pose_format must be one of {', '.join(POSE_FORMATS)}")
    if mirror not in Attempt.Mirror.values:
        raise PracticeError("bad_message", "mirror must be auto, on or off")
    if studio is None:
        studio = lessons.lesson_studio(learner, routine)
    return Attempt.objects.create(
        routine=routine, learner=learner, pose_format=pose_format, mirror=mirror, studio=studio
    )


@lru_cache(maxsize=64)
def _reference(routine_id, created_at) -> Reference:
    # Routines never change once stored, so (id, created_at) is a safe cache key.
    from coach.routines.models import Routine

    routine = Routine.objects.get(pk=routine_id)
    return Reference.from_routine(
        {
            "fps": routine.fps,
            "joints": routine.joints,
            "frames": routine_frames(routine),
            "beats": routine.beats,
        }
    )


def reference_for(routine) -> Reference:
    return _reference(routine.pk, routine.created_at)


def open_session(user, attempt_id) -> PracticeSession:
    """Check that `user` may practise this attempt now, take it over from any socket that held it,
    and rebuild its scorer from what is stored."""
    if not user.is_authenticated:
        raise PracticeDenied(CLOSE_FORBIDDEN, "log in to practise")
    connection = uuid.uuid4()
    with transaction.atomic():
        # Locked, so a store round of the socket being replaced is either in before the stored
        # batches are read here, or refused after (it checks the holder under the same lock).
        attempt = (
            Attempt.objects.select_for_update(of=("self",))
            .select_related("routine")
            .filter(pk=attempt_id)
            .first()
        )
        if attempt is None:
            raise PracticeDenied(CLOSE_NOT_FOUND, "no such attempt")
        if attempt.learner_id != user.pk:
            raise PracticeDenied(CLOSE_FORBIDDEN, "this attempt belongs to someone else")
        if attempt.status == Attempt.Status.COMPLETE:
            raise PracticeDenied(CLOSE_FINISHED, "this attempt is finished; start a new one")
        attempt.connection = connection
        attempt.save(update_fields=["connection"])
        stored = list(
            attempt.batches.values_list("seq", "timestamps", "frames", "image_size", "beats")
        )
    scorer = StreamingScorer(reference_for(attempt.routine), mirror=attempt.mirror)
    if attempt.status == Attempt.Status.IN_PROGRESS:
        attempt.beat_results = _with_batch_beats(attempt.beat_results, [row[4] for row in stored])
    next_seq = 0
    for seq, timestamps, frames, size, _ in stored:
        timestamps, frames = load_npy(timestamps), load_npy(frames)
        if len(timestamps):
            scorer.push(
                timestamps - attempt.audio_latency_ms, frames, attempt.pose_format, image_size=size
            )
        next_seq = seq + 1
    if attempt.status != Attempt.Status.IN_PROGRESS:
        attempt.status = Attempt.Status.IN_PROGRESS
        attempt.save(update_fields=["status"])
    return PracticeSession(
        attempt,
        scorer,
        {beat["index"] for beat in attempt.beat_results},
        next_seq,
        next_seq - 1,
        connection,
    )


def beats_so_far(attempt: Attempt) -> list[dict]:
    """Every beat result stored for ``attempt``: its list, plus, while it is in progress, those
    stored with its pose batches since (in beat order)."""
    if attempt.status != Attempt.Status.IN_PROGRESS:
        return sorted(attempt.beat_results, key=lambda beat: beat["index"])
    return _with_batch_beats(attempt.beat_results, attempt.batches.values_list("beats", flat=True))


def _with_batch_beats(beats: list[dict], batch_beats) -> list[dict]:
    """``beats`` and the beats of each of ``batch_beats`` that it does not have, in beat order."""
    beats = list(beats)
    known = {beat["index"] for beat in beats}
    for more in batch_beats:
        beats += [beat for beat in more if beat["index"] not in known]
    return sorted(beats, key=lambda beat: beat["index"])


def ready_message(session: PracticeSession) -> dict:
    return {
        "type": READY,
        "attempt": str(session.attempt.id),
        "acked_seq": session.acked_seq,
        "beats": session.attempt.beat_results,
        "flush_at_ms": flush_times_ms(session.scorer),
        "server_time_ms": server_time_ms(),
    }


def flush_times_ms(scorer: StreamingScorer) -> list[float]:
    """`StreamingScorer.due_frames` as song times (ms, before the audio latency is added),
    rounded up to 0.1 ms as the client rounds its timestamps."""
    return [math.ceil(frame / GRID_FPS * 10000) / 10 for frame in scorer.due_frames()]


def server_time_ms() -> float:
    return time.time() * 1000.0


def record_clock(
    session: PracticeSession, *, sent_server_ms, client_ms, received_server_ms: float
) -> dict:
    """Estimate the client's clock offset from one ping/pong; keep the lowest-RTT estimate. It is
    stored with the attempt's end (`finish`, `interrupt`): no database write per pong."""
    sent, client = (
        finite_number(sent_server_ms, "server_time_ms"),
        finite_number(client_ms, "client_time_ms"),
    )
    rtt = received_server_ms - sent
    if not 0 <= rtt < 60_000:
        raise PracticeError("bad_message", "pong does not answer a recent ping")
    offset = client - (sent + rtt / 2)
    attempt = session.attempt
    if attempt.rtt_ms is None or rtt <= attempt.rtt_ms:
        attempt.rtt_ms, attempt.clock_offset_ms = rtt, offset
    return {
        "type": CLOCK,
        "offset_ms": round(attempt.clock_offset_ms, 1),
        "rtt_ms": round(attempt.rtt_ms, 1),
    }


def calibrate(session: PracticeSession, latency_ms) -> None:
    """Learners move to the sound they hear, which leaves the speaker this much after the clock."""
    latency = audio_latency_ms(latency_ms)
    attempt = session.attempt
    if session.next_seq > 0:
        raise PracticeError("bad_message", "calibrate before sending frames")
    if not _holding(session).update(audio_latency_ms=latency):
        session.taken_over = True
        raise PracticeTakenOver()
    attempt.audio_latency_ms = latency


def receive_frames(session: PracticeSession, message: dict) -> list[dict]:
    """Score and store one frame batch at once; returns the messages to send back (beats, ack).
    The socket server uses `accept_frames` and `store_batches` separately, to store in rounds."""
    scored = accept_frames(session, message)
    if scored is not None:
        store_batches([scored])
        return [*beat_messages(scored), ack_message(session)]
    return [ack_message(session)] if message["seq"] <= session.acked_seq else []


def accept_frames(session: PracticeSession, message: dict) -> ScoredBatch | None:
    """Check and score a frames message; None for a resent batch we already have."""
    seq = _new_seq(session, message)
    if seq is None:
        return None
    fmt = message.get("format", session.attempt.pose_format)
    if fmt != session.attempt.pose_format:
        raise PracticeError(
            "bad_frames", f"this attempt receives {session.attempt.pose_format} frames, not {fmt}"
        )
    timestamps, frames = frame_arrays(message)
    return _score(
        session,
        seq,
        timestamps=timestamps,
        frames=frames,
        size=image_size(message.get("image_size")),
    )


def accept_image(session: PracticeSession, message: dict) -> ScoredBatch | None:
    """The fallback: track the pose in one small JPEG on the server, then as `accept_frames`.
    Runs MediaPipe (tens of milliseconds): call it off the socket server's event loop."""
    seq = _new_seq(session, message)
    if seq is None:
        return None
    if session.attempt.pose_format != "mediapipe33":
        raise PracticeError(
            "bad_message", "camera images need an attempt in the mediapipe33 format"
        )
    timestamp = finite_number(message.get("timestamp_ms"), "timestamp_ms")
    if session.tracker is None:
        session.tracker = ServerPoseTracker()
    try:
        landmarks, size = session.tracker.track(message.get("jpeg"))
    except PoseTrackingError as error:
        raise PracticeError("bad_frames", str(error)) from error
    if landmarks is None:  # nobody in view: keep the sequence going with an empty batch
        return _score(
            session,
            seq,
            timestamps=np.zeros(0),
            frames=np.zeros((0, 33, 4), np.float32),
            size=size,
        )
    return _score(session, seq, timestamps=np.array([timestamp]), frames=landmarks[None], size=size)


def _new_seq(session: PracticeSession, message: dict) -> int | None:
    """The message's sequence number if it is the next one; None for one already received."""
    seq = batch_seq(message)
    if seq < session.next_seq:
        return None
    if seq != session.next_seq:
        raise PracticeError(
            "out_of_order", f"expected batch {session.next_seq}, got {seq}; resend from there"
        )
    return seq


def _score(session, seq, *, timestamps, frames, size) -> ScoredBatch:
    attempt = session.attempt
    beats = []
    if len(timestamps):
        try:
            beats = session.scorer.push(
                timestamps - attempt.audio_latency_ms, frames, attempt.pose_format, image_size=size
            )
        except PoseInputError as error:
            raise PracticeError("bad_frames", str(error)) from error
    new_beats = [beat for beat in beats if beat["index"] not in session.scored_beats]
    session.next_seq = seq + 1
    session.scored_beats.update(beat["index"] for beat in new_beats)
    if new_beats:
        attempt.beat_results = [*attempt.beat_results, *new_beats]
    return ScoredBatch(session, seq, timestamps, frames, size, new_beats)


def beat_messages(batch: ScoredBatch) -> list[dict]:
    return [{"type": BEAT, **beat} for beat in batch.beats]


def ack_message(session: PracticeSession) -> dict:
    """Acknowledges every batch up to `seq`: they are stored, the client may forget them."""
    return {"type": ACK, "seq": session.acked_seq}


def _holding(session: PracticeSession):
    """The session's attempt, as a queryset, if this session's socket still holds it."""
    return Attempt.objects.filter(pk=session.attempt.pk, connection=session.connection)


def finish(session: PracticeSession) -> dict:
    """The learner finished: score what is left, store the summary, mark the attempt complete.
    `PracticeTakenOver` if another socket holds the attempt now."""
    with transaction.atomic():
        if not _holding(session).select_for_update().exists():
            session.taken_over = True
            raise PracticeTakenOver()
        result = session.scorer.finish()
        attempt = session.attempt
        attempt.beat_results = result["beats"]
        attempt.summary = result["summary"]
        attempt.status = finished_status(result["beats"])
        attempt.finished_at = timezone.now()
        attempt.save(
            update_fields=["beat_results", "summary", "status", "finished_at", *CLOCK_FIELDS]
        )
    release_tracker(session)
    lessons.attempt_finished(attempt)
    report_url = reverse("attempt_report", args=[attempt.id])
    return {"type": SUMMARY, "summary": attempt.summary, "report_url": report_url}


def interrupt(session: PracticeSession) -> bool:
    """The connection ended before the end of the attempt: keep everything, mark the attempt
    incomplete, free the pose tracker. Returns False (and changes nothing stored) if another
    socket holds the attempt now."""
    release_tracker(session)
    attempt = session.attempt
    with transaction.atomic():
        holding = _holding(session).select_for_update().values_list("status", flat=True).first()
        if holding is None:
            session.taken_over = True
            return False
        if holding == Attempt.Status.IN_PROGRESS:
            result = session.scorer.finish()
            attempt.summary = result["summary"] if result["beats"] else {}
            attempt.status = Attempt.Status.INCOMPLETE
            # The beats sent so far (all stored with their batches: the socket waits for them).
            attempt.save(update_fields=["beat_results", "summary", "status", *CLOCK_FIELDS])
    return True


def release_tracker(session: PracticeSession) -> None:
    """Stop the session's server pose tracker (MediaPipe's graph runs threads of its own)."""
    if session.tracker is not None:
        session.tracker.close()
        session.tracker = None
