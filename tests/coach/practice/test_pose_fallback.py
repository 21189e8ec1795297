"""The server-side pose fallback: small JPEG frames from a real video, tracked with MediaPipe."""

import base64

import cv2
import numpy as np
import pytest

from coach.practice.pose_tracking import PoseTrackingError, ServerPoseTracker, decode_jpeg
from generation.data.paths import shared_dir


def video_jpegs(name="pose_squats.mp4", width=180, limit=12):
    capture = cv2.VideoCapture(str(shared_dir() / "media" / name))
    frames = []
    while len(frames) < limit:
        ok, frame = capture.read()
        if not ok:
            break
        height = round(frame.shape[0] * width / frame.shape[1])
        small = cv2.resize(frame, (width, height), interpolation=cv2.INTER_AREA)
        frames.append(base64.b64encode(cv2.imencode(".jpg", small)[1].tobytes()).decode())
    return frames


def test_the_tracker_finds_the_person_in_every_frame_of_a_real_video():
    tracker = ServerPoseTracker()
    found = [tracker.track(jpeg) for jpeg in video_jpegs()]
    tracker.close()
    assert all(landmarks is not None for landmarks, _ in found)
    landmarks, size = found[-1]
    assert landmarks.shape == (33, 4) and size == (180, 320)
    # A standing person: shoulders (11, 12) above hips (23, 24) above ankles (27, 28) in the image.
    y = landmarks[:, 1]
    assert y[[11, 12]].mean() < y[[23, 24]].mean() < y[[27, 28]].mean()
    assert np.median(landmarks[:, 3]) > 0.5


def test_bad_images_are_refused():
    with pytest.raises(PoseTrackingError, match="base64"):
        decode_jpeg("%%% not base64 %%%")
    with pytest.raises(PoseTrackingError, match="decoded"):
        decode_jpeg(base64.b64encode(b"plain text, not a picture").decode())
    big = base64.b64encode(
        cv2.imencode(".jpg", np.zeros((600, 800, 3), np.uint8))[1].tobytes()
    ).decode()
    with pytest.raises(PoseTrackingError, match="limited"):
        decode_jpeg(big)
