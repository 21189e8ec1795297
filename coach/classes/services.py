"""Live remote classes: an instructor runs one routine for many learners at once.

Each learner's seat holds an ordinary practice attempt, fed over a practice-like socket
(`coach.classes.consumers`), so the frames, beats and reports are those of practice. What a class
adds is a shared start time on the server clock and the instructor's live board: every scored
beat is also sent to the class's board group, shaped by `board_entry`.

Channel groups (`board_group`, `learners_group`) carry the fan-out, so with the Redis channel
layer the learners and the board may be connected to different server processes.
"""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils import timezone

from coach.classes.models import ClassParticipant, ClassSession
from coach.common.protocol import BOARD, CLASS_STATE, LEARNER
from coach.practice.services import beats_so_far, server_time_ms, start_attempt
from coach.studios.models import Membership
from scoring.params import LABELS

# The song starts this long after the instructor presses Start: time for every learner's client
# to receive the start time and count down.
START_LEAD_MS = 5000.0
# The board flags a learner whose last few beats average below the "Good" label.
STRUGGLE_WINDOW = 4
STRUGGLE_BELOW = dict(LABELS)["Good"]
NOT_SEEN = "not_seen"  # struggling, but the camera did not see them: no body part to name


class ClassError(ValueError):
    """A class action that is not possible now; the message is for the person who asked."""


def board_group(class_id) -> str:
    return f"class.{class_id}.board"


def learners_group(class_id) -> str:
    return f"class.{class_id}.learners"


def open_class(instructor, studio, routine, *, title: str) -> ClassSession:
    """A new class, open for joining. The caller has checked that `instructor` teaches `studio`
    and may use `routine` (the form's choices come from the permission querysets)."""
    return ClassSession.objects.create(
        studio=studio, routine=routine, instructor=instructor, title=title
    )


def can_control(user, class_session: ClassSession) -> bool:
    """The class's own instructor, while they still teach in its studio, or the studio's owner
    starts and ends it and watches the board (an instructor demoted to student no longer does)."""
    if not user.is_authenticated:
        return False
    roles = [Membership.Role.OWNER]
    if class_session.instructor_id == user.pk:
        roles.append(Membership.Role.INSTRUCTOR)
    return Membership.objects.filter(
        user=user, studio_id=class_session.studio_id, role__in=roles
    ).exists()


def is_student(user, class_session: ClassSession) -> bool:
    return Membership.objects.filter(
        user=user, studio_id=class_session.studio_id, role=Membership.Role.STUDENT
    ).exists()


@transaction.atomic
def join_class(
    learner, class_session: ClassSession, pose_format: str = "mediapipe33"
) -> ClassParticipant:
    """Give `learner` a seat (with its attempt); joining again returns the same seat."""
    if not is_student(learner, class_session):
        raise ClassError("Only the studio's students can join its classes.")
    seat = ClassParticipant.objects.filter(class_session=class_session, learner=learner).first()
    if seat is not None:
        return seat
    if class_session.status == ClassSession.Status.ENDED:
        raise ClassError("This class has ended.")
    attempt = start_attempt(
        learner,
        class_session.routine,
        pose_format=pose_format,
        mirror="auto",
        studio=class_session.studio,
    )
    seat = ClassParticipant.objects.create(
        class_session=class_session, learner=learner, attempt=attempt
    )
    transaction.on_commit(
        lambda: notify_board(class_session.id, learner_entry(seat, connected=False))
    )
    return seat


def start_class(class_session: ClassSession) -> dict:
    """Set the common start time a few seconds ahead on the server clock and tell everyone."""
    updated = ClassSession.objects.filter(
        pk=class_session.pk, status=ClassSession.Status.OPEN
    ).update(status=ClassSession.Status.RUNNING, starts_at_ms=server_time_ms() + START_LEAD_MS)
    if not updated:
        raise ClassError("This class has already started.")
    class_session.refresh_from_db()
    return broadcast_state(class_session)


def end_class(class_session: ClassSession) -> dict:
    if class_session.status == ClassSession.Status.ENDED:
        raise ClassError("This class has already ended.")
    class_session.status = ClassSession.Status.ENDED
    class_session.ended_at = timezone.now()
    class_session.save(update_fields=["status", "ended_at"])
    return broadcast_state(class_session)


def class_state(class_session: ClassSession) -> dict:
    """`{"type": "class_state", "status", "starts_at_ms", "server_time_ms"}`: a client converts
    `starts_at_ms` (server clock, ms since the epoch) with its measured clock offset."""
    return {
        "type": CLASS_STATE,
        "status": class_session.status,
        "starts_at_ms": class_session.starts_at_ms,
        "server_time_ms": server_time_ms(),
    }


def current_state(class_id) -> dict:
    return class_state(ClassSession.objects.get(pk=class_id))


def broadcast_state(class_session: ClassSession) -> dict:
    state = class_state(class_session)
    send = async_to_sync(get_channel_layer().group_send)
    for group in (learners_group(class_session.id), board_group(class_session.id)):
        send(group, {"type": "class.message", "message": state})
    return state


def notify_board(class_id, entry: dict) -> None:
    async_to_sync(get_channel_layer().group_send)(
        board_group(class_id), {"type": "class.message", "message": {"type": LEARNER, **entry}}
    )


def running_score(beats: list[dict]) -> float | None:
    """The mean overall score of the beats scored so far (0-100), or None before the first.
    Beats the camera did not see (overall None) are left out."""
    scores = [beat["overall"] for beat in beats if beat["overall"] is not None]
    return round(sum(scores) / len(scores), 1) if scores else None


def struggling_part(beats: list[dict]) -> str | None:
    """The body part with the lowest mean score over the last STRUGGLE_WINDOW beats, when those
    beats average below the "Good" label (NOT_SEEN if none of them saw the learner); None while
    the learner is doing fine."""
    recent = sorted(beats, key=lambda beat: beat["index"])[-STRUGGLE_WINDOW:]
    if len(recent) < STRUGGLE_WINDOW:
        return None
    # A beat the camera did not see has no scores: it names no part and is no struggle.
    seen = [beat for beat in recent if beat["overall"] is not None]
    if not seen:
        return NOT_SEEN
    if sum(b["overall"] for b in seen) / len(seen) >= STRUGGLE_BELOW:
        return None
    parts = [p for p in seen[-1]["parts"] if all(b["parts"].get(p) is not None for b in seen)]
    if not parts:
        return None
    return min(parts, key=lambda part: sum(beat["parts"][part] for beat in seen))


def board_entry(
    learner_id, name: str, attempt_id, *, beats: list[dict], connected: bool, finished: bool
) -> dict:
    """One learner's row on the board: the latest beat, running score and struggling body part."""
    last = max(beats, key=lambda beat: beat["index"]) if beats else None
    return {
        "learner": str(learner_id),
        "name": name,
        "attempt": str(attempt_id),
        "connected": connected,
        "finished": finished,
        "beats": len(beats),
        "last": None
        if last is None
        else {
            "index": last["index"],
            "label": last["label"],
            "overall": None if last["overall"] is None else round(last["overall"], 1),
            "fix": last["fix"],
        },
        "score": running_score(beats),
        "struggling": struggling_part(beats),
    }


def learner_entry(seat: ClassParticipant, connected: bool) -> dict:
    attempt = seat.attempt
    return board_entry(
        seat.learner_id,
        seat.learner.username,
        attempt.pk,
        beats=beats_so_far(attempt),
        connected=connected,
        finished=attempt.status == attempt.Status.COMPLETE,
    )


def board_state(class_session: ClassSession) -> dict:
    """What the board shows on connect: the class state and every seat as stored."""
    seats = class_session.participants.select_related("learner", "attempt").order_by("joined_at")
    return {
        "type": BOARD,
        "class": class_state(class_session),
        "learners": [
            learner_entry(seat, connected=False) for seat in seats if seat.attempt is not None
        ],
    }


def ranking(class_session: ClassSession) -> list[dict]:
    """The class summary: seats ranked by overall score (the summary's, else the running one)."""
    rows = []
    for seat in class_session.participants.select_related("learner", "attempt"):
        attempt = seat.attempt
        if attempt is None:
            continue
        beats = beats_so_far(attempt)
        score = attempt.overall if attempt.overall is not None else running_score(beats)
        rows.append(
            {
                "learner": seat.learner,
                "attempt": attempt,
                "score": score,
                "beats": len(beats),
                "weakest_parts": attempt.summary.get("weakest_parts", []),
            }
        )
    rows.sort(
        key=lambda row: (row["score"] is None, -(row["score"] or 0.0), row["learner"].username)
    )
    for place, row in enumerate(rows, 1):
        row["place"] = place
    return rows


def learner_seat(user, class_id) -> ClassParticipant | None:
    """`user`'s seat in the class, with its attempt, or None (not joined, or no such class)."""
    if not user.is_authenticated:
        return None
    return (
        ClassParticipant.objects.select_related("class_session", "learner", "attempt")
        .filter(class_session_id=class_id, learner=user, attempt__isnull=False)
        .first()
    )


def controlled_class(user, class_id) -> ClassSession | None:
    """The class if `user` may run it (its instructor or the studio's owner), else None."""
    class_session = ClassSession.objects.filter(pk=class_id).first()
    if class_session is None or not can_control(user, class_session):
        return None
    return class_session
