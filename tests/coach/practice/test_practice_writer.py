"""The batch writer: one round stores every connection's waiting batches, once."""

import asyncio

import pytest

from coach.practice import services as practice
from coach.practice import storage as practice_storage
from coach.practice.models import PoseBatch
from coach.practice.writer import BatchWriter
from coach.routines.services import store_routine
from scoring.validate import aist_routine
from tests.coach.factories import make_song
from tests.coach.practice.test_practice_socket import (  # noqa: F401 (the recording fixture)
    DANCE,
    batches,
    recording,  # noqa: F401
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_attempts_ending_together_store_their_round_once(make_user, recording):  # noqa: F811
    routine = aist_routine(DANCE)
    routine.update(style="break", level="beginner", seed=0, model="recorded")
    sessions = []
    for name in ("alice", "bob"):
        learner = make_user(name)
        stored = store_routine(make_song(learner), learner, routine)
        attempt = practice.start_attempt(learner, stored, pose_format="coco17", mirror="off")
        sessions.append(practice.open_session(learner, attempt.id))
    first_batch = next(batches(recording))
    scored = [practice.accept_frames(session, first_batch) for session in sessions]

    async def end_together():
        writer = BatchWriter(interval_s=60.0)  # only flush_now stores
        rounds = {writer.submit(batch) for batch in scored}
        assert len(rounds) == 1
        (round_,) = rounds
        writer.flush_now(round_)  # both connections ask for their round at once
        writer.flush_now(round_)
        stored = await asyncio.wait_for(round_, timeout=10)
        # No second store was started for the same round (it would fail or store twice).
        await asyncio.gather(*(asyncio.all_tasks() - {asyncio.current_task()}))
        return stored

    assert asyncio.run(end_together()) == 2
    assert PoseBatch.objects.count() == 2
    assert {b.attempt_id for b in PoseBatch.objects.all()} == {s.attempt.id for s in sessions}


def test_beats_so_far_of_an_attempt_in_progress_come_from_its_batches(make_user, recording):  # noqa: F811
    routine = aist_routine(DANCE)
    routine.update(style="break", level="beginner", seed=0, model="recorded")
    learner = make_user("carol")
    attempt = practice.start_attempt(
        learner,
        store_routine(make_song(learner), learner, routine),
        pose_format="coco17",
        mirror="off",
    )
    session = practice.open_session(learner, attempt.id)
    sent = []
    for message in list(batches(recording))[:12]:
        scored = practice.accept_frames(session, message)
        practice_storage.store_batches([scored])
        sent += scored.beats
    assert len(sent) >= 3
    attempt.refresh_from_db()
    assert attempt.status == attempt.Status.IN_PROGRESS and attempt.beat_results == []
    assert practice.beats_so_far(attempt) == sent
    # A new connection to the attempt starts from those beats.
    assert {
        beat["index"] for beat in practice.open_session(learner, attempt.id).attempt.beat_results
    } == {beat["index"] for beat in sent}
