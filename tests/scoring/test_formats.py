import numpy as np
import pytest

from scoring import PoseInputError, StreamingScorer, parse_attempt, parse_pose_frames
from scoring.skeleton import JOINT_INDEX


def _coco(n=3):
    frames = np.zeros((n, 17, 3))
    frames[..., 0] = np.arange(17) * 10.0
    frames[..., 1] = (
        100.0 + np.arange(17) * 20.0
    )  # image y grows downwards: nose first, ankles last
    frames[..., 2] = 0.9
    return frames


@pytest.mark.parametrize(
    ("times", "frames", "fmt", "message"),
    [
        ([0, 33, 66], _coco(), "openpose", "format must be one of"),
        ([0, 33], _coco(), "coco17", "2 timestamps for 3 frames"),
        ([0, 33, 66], _coco()[:, :15], "coco17", "need 17 joints"),
        ([0, 33, 66], _coco()[..., :2], "coco17", "need 3 channels"),
        ([0, 66, 33], _coco(), "coco17", "strictly increase"),
        ([0, 33, float("nan")], _coco(), "coco17", "non-finite"),
        (
            [0, 33, 66],
            np.where(np.arange(3)[:, None, None] == 1, np.inf, _coco()),
            "coco17",
            "non-finite",
        ),
        ([0, 33, 66], [[1, 2], [3]], "coco17", "array of numbers"),
        ([0, 33, 66], np.zeros((3, 33, 3)), "mediapipe33", "need 4 channels"),
        ([0, 33, 66], np.zeros((3, 15, 4)), "canonical", "need 2 or 3 channels"),
    ],
)
def test_bad_input_is_rejected_with_a_clear_message(times, frames, fmt, message):
    with pytest.raises(PoseInputError, match=message):
        parse_pose_frames(times, frames, fmt)


def test_attempt_needs_its_keys():
    with pytest.raises(PoseInputError, match="missing frames"):
        parse_attempt({"format": "coco17", "timestamps_ms": [0, 1]})
    with pytest.raises(PoseInputError, match="JSON object"):
        parse_attempt([1, 2])


def test_coco_is_flipped_to_y_up_and_confidence_becomes_weight():
    frames = _coco()
    frames[:, 9, 2] = 0.0  # left wrist undetected
    stream = parse_pose_frames([0, 33, 66], frames, "coco17")
    neck, pelvis = JOINT_INDEX["neck"], JOINT_INDEX["pelvis"]
    assert stream.joints.shape == (3, 15, 2)
    assert np.all(stream.joints[:, neck, 1] > stream.joints[:, pelvis, 1])  # shoulders above hips
    assert stream.weights[0, JOINT_INDEX["left_wrist"]] == 0.0
    assert stream.weights[0, JOINT_INDEX["right_wrist"]] == 1.0


def test_mediapipe_uses_image_aspect_and_world_landmarks():
    frames = np.zeros((2, 33, 4))
    frames[:, 11] = [0.4, 0.3, 0.0, 1.0]  # left shoulder
    frames[:, 12] = [0.6, 0.3, 0.0, 1.0]
    stream = parse_pose_frames([0, 40], frames, "mediapipe33", image_size=[1280, 720])
    width = (
        stream.joints[0, JOINT_INDEX["right_shoulder"], 0]
        - stream.joints[0, JOINT_INDEX["left_shoulder"], 0]
    )
    assert width == pytest.approx(0.2 * 1280)
    world = np.zeros((2, 33, 3))
    world[:, 11, 1] = -0.5  # metres, y down: 0.5 m above the hips
    stream = parse_pose_frames([0, 40], frames, "mediapipe33", world_frames=world)
    assert stream.joints[0, JOINT_INDEX["left_shoulder"], 1] == pytest.approx(0.5)


def test_push_rejects_bad_batches_and_keeps_its_state(reference, attempt):
    scorer = StreamingScorer(reference)
    times, frames = np.array(attempt["timestamps_ms"]), np.array(attempt["frames"])
    scorer.push(times[:60], frames[:60], "coco17")
    before = scorer.finish()
    with pytest.raises(PoseInputError, match="go backwards"):
        scorer.push(times[30:40], frames[30:40], "coco17")
    bad = frames[60:70].copy()
    bad[3, 4, 0] = np.nan
    with pytest.raises(PoseInputError, match="non-finite"):
        scorer.push(times[60:70], bad, "coco17")
    with pytest.raises(PoseInputError, match="need 17 joints"):
        scorer.push(times[60:70], frames[60:70, :12], "coco17")
    assert scorer.finish() == before
    scorer.push(times[60:], frames[60:], "coco17")
    assert len(scorer.finish()["beats"]) == 16
