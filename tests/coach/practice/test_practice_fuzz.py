"""The practice socket's message checks under arbitrary messages (hypothesis): a frames, pong or
calibration message either is accepted or raises `PracticeError` (sent to the learner as
`{"type": "error", "code", "message"}`), never another exception, which the socket could only
answer with `server_error`. Messages are what `orjson.loads` can produce: integers within 64
bits, finite floats, strings, lists and objects."""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from coach.practice.messages import MAX_FRAMES_PER_BATCH, PracticeError
from coach.practice.services import (
    POSE_FORMATS,
    ScoredBatch,
    accept_frames,
    calibrate,
    open_session,
    record_clock,
    server_time_ms,
    start_attempt,
)
from tests.coach.factories import make_routine

pytestmark = pytest.mark.django_db
FUZZ = settings(max_examples=200, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])  # fmt: skip
SOURCE_JOINTS = {"mediapipe33": (33, 4), "coco17": (17, 3), "canonical": (15, 3)}

json_numbers = st.integers(-(2**63), 2**64 - 1) | st.floats(allow_nan=False, allow_infinity=False)
json_values = st.recursive(
    st.none() | st.booleans() | json_numbers | st.text(max_size=6),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)


@st.composite
def frames_messages(draw, fmt):
    """Frames messages for an attempt in ``fmt``: each part right four times in five, else
    wrong in some way, so that every check is reached and about a third are accepted."""

    def part(right, wrong):
        return draw(right if draw(st.integers(0, 4)) else wrong)

    n = part(st.integers(1, 3), st.sampled_from([0, MAX_FRAMES_PER_BATCH + 1]))
    joints, channels = SOURCE_JOINTS[fmt]
    joints, channels = (
        part(st.just(joints), st.integers(0, 34)),
        part(st.just(channels), st.integers(0, 5)),
    )
    wild = st.floats(-2.0, 2.0) | st.sampled_from([1e30, 3.5e38, 2.0**64])
    coordinate = st.floats(0.0, 1.0) if draw(st.integers(0, 4)) else wild
    frames = arrays(np.float64, (n, joints, channels), elements=coordinate).map(
        lambda a: a.tolist()
    )
    start = part(st.floats(0, 3000), st.sampled_from([-1e300, 1e300, 2.0**63]))
    steps = part(st.lists(st.floats(1, 200), min_size=n, max_size=n),
                 st.lists(st.floats(-50, 200), min_size=n, max_size=n))  # fmt: skip
    message = {
        "type": "frames",
        "seq": part(st.just(0), st.integers(-1, 2) | json_values),
        "format": part(st.just(fmt), st.sampled_from(POSE_FORMATS) | json_values),
        "timestamps_ms": part(st.just((start + np.cumsum(steps)).tolist()), json_values),
        "frames": part(frames, json_values),
    }
    if draw(st.booleans()):
        message["image_size"] = part(
            st.just([640, 480]), st.sampled_from([[0, 0], [-1, 2], [1e300, 1]]) | json_values
        )
    if not draw(st.integers(0, 9)):
        del message[draw(st.sampled_from(sorted(message)))]
    return message


@pytest.fixture
def attempts(make_user):
    learner = make_user("fuzzy")
    routine = make_routine(learner)
    return {fmt: start_attempt(learner, routine, pose_format=fmt) for fmt in POSE_FORMATS}


def session_for(attempts, fmt):
    attempt = attempts[fmt]
    return open_session(attempt.learner, attempt.id)


@FUZZ
@given(data=st.data(), fmt=st.sampled_from(POSE_FORMATS))
def test_a_frames_message_is_scored_or_refused_with_a_reason(attempts, data, fmt):
    session = session_for(attempts, fmt)
    message = data.draw(
        frames_messages(fmt) | st.dictionaries(st.text(max_size=6), json_values), label="message"
    )
    try:
        scored = accept_frames(session, message)
    except PracticeError as error:
        assert error.code in {"bad_message", "bad_frames", "out_of_order"} and str(error)
        event(f"refused: {error.code}")
        return
    event("scored")
    assert isinstance(scored, ScoredBatch) and scored.seq == 0 and session.next_seq == 1
    assert all(
        math.isfinite(beat["overall"]) for beat in scored.beats if beat.get("overall") is not None
    )


@FUZZ
@given(
    sent=json_values | json_numbers,
    client=json_values | json_numbers,
    latency=json_values | json_numbers,
)
def test_clock_and_calibration_messages_are_taken_or_refused_with_a_reason(
    attempts, sent, client, latency
):
    session = session_for(attempts, "mediapipe33")
    try:
        clock = record_clock(
            session, sent_server_ms=sent, client_ms=client, received_server_ms=server_time_ms()
        )
    except PracticeError as error:
        assert error.code == "bad_message"
    else:
        assert math.isfinite(clock["offset_ms"]) and 0 <= clock["rtt_ms"] < 60_000
    try:
        calibrate(session, latency)
    except PracticeError as error:
        assert error.code == "bad_message"
    else:
        assert session.attempt.audio_latency_ms == latency
