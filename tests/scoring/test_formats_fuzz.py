"""The scorer's input parsers under arbitrary input (hypothesis): whatever an ATTEMPT.json or a
frame batch holds, `parse_attempt` and `check_pose_frames` either accept it or raise
`PoseInputError` with a message, never another exception. What they accept is well formed."""

import json
import math

import numpy as np
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from scoring.formats import FORMATS, PoseInputError, check_pose_frames, parse_attempt
from scoring.skeleton import JOINTS

FUZZ = settings(max_examples=300, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow])  # fmt: skip

# What Python's json module can hand over: integers of any size, NaN and infinities included.
numbers = st.integers() | st.floats() | st.sampled_from([10**400, -(10**400)])
json_values = st.recursive(
    st.none() | st.booleans() | numbers | st.text(max_size=6),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)
SOURCE_JOINTS = {"mediapipe33": 33, "coco17": 17, "canonical": len(JOINTS)}


def number_arrays(shape):
    """A nested list of numbers of `shape`: mostly ordinary coordinates, some extremes."""
    coordinate = st.floats(-2.0, 2.0) | st.sampled_from([0.0, 1e300, -1e300, math.inf, math.nan])
    huge = st.sampled_from([10**400, -(10**400)])
    as_lists = arrays(np.float64, shape, elements=coordinate).map(lambda a: a.tolist())
    return as_lists | as_lists.flatmap(lambda values: _with_one(values, huge))


def _with_one(values, replacement):
    """``values`` (a nested list) with its first number replaced by one drawn from ``replacement``."""
    if not values or not isinstance(values, list):
        return st.just(values)
    if not isinstance(values[0], list):
        return replacement.map(lambda r: [r, *values[1:]])
    return _with_one(values[0], replacement).map(lambda first: [first, *values[1:]])


@st.composite
def near_valid_batches(draw):
    """Frame batches that are right or wrong in one or two ways at a time, so the checks past
    the first ones are reached too."""
    fmt = draw(st.sampled_from(FORMATS) | json_values)
    n = draw(st.integers(0, 4))
    joints = SOURCE_JOINTS.get(fmt, 15) if isinstance(fmt, str) else 15
    joints = draw(st.just(joints) | st.integers(0, 34))
    channels = draw(st.sampled_from([2, 3, 4]) | st.integers(0, 5))
    times = draw(st.lists(st.floats(0, 1e7) | st.integers(-(2**70), 2**70) | st.sampled_from([math.nan, 10**400]),
                          min_size=n, max_size=n))  # fmt: skip
    if draw(st.booleans()):
        times = sorted(t for t in times if t == t)
    batch = {
        "format": fmt,
        "timestamps_ms": draw(st.just(times) | json_values),
        "frames": draw(number_arrays((n, joints, channels)) | json_values),
    }
    for key, shape in (
        ("image_size", (2,)),
        ("world_frames", (n, 33, 3)),
        ("weights", (n, joints)),
    ):
        if draw(st.booleans()):
            batch[key] = draw(
                number_arrays(shape) | json_values | st.lists(st.integers(), max_size=3)
            )
    return batch


def assert_well_formed(times_s, *arrays_):
    assert np.all(np.diff(times_s) > 0)
    for array in arrays_:
        assert len(array) == len(times_s)


@FUZZ
@given(st.one_of(near_valid_batches(), st.dictionaries(st.sampled_from(["format", "timestamps_ms", "frames",
       "image_size", "weights", "world_frames"]), json_values), json_values))  # fmt: skip
def test_parse_attempt_accepts_or_says_what_is_wrong(attempt):
    try:
        stream = parse_attempt(attempt)
    except PoseInputError as error:
        assert str(error)
        event("refused")
        return
    event("parsed")
    assert_well_formed(stream.times_s, stream.joints, stream.weights)
    assert np.all(np.isfinite(stream.joints)) and np.all(
        (stream.weights >= 0) & (stream.weights <= 1)
    )


@FUZZ
@given(near_valid_batches(), st.none() | st.floats(-1e3, 1e7))
def test_check_pose_frames_accepts_or_says_what_is_wrong(batch, after_s):
    try:
        checked = check_pose_frames(
            batch["timestamps_ms"], batch["frames"], batch["format"], image_size=batch.get("image_size"),
            world_frames=batch.get("world_frames"), weights=batch.get("weights"), after_s=after_s,
        )  # fmt: skip
    except PoseInputError as error:
        assert str(error)
        event("refused")
        return
    event("accepted")
    assert_well_formed(checked.times_s, checked.values)
    assert np.all(np.isfinite(checked.values))


def test_a_number_too_big_for_a_float_is_refused_as_input():
    """json reads 1e400 as inf but 10**400 as an int that no float holds (OverflowError)."""
    text = (
        '{"format": "coco17", "timestamps_ms": [0, 1], "frames": [[['
        + "1"
        + "0" * 400
        + ", 0, 1]]]}"
    )
    try:
        parse_attempt(json.loads(text))
    except PoseInputError as error:
        assert "frames" in str(error)
    else:
        raise AssertionError("accepted a number no float can hold")
