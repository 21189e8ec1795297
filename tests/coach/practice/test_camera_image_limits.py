"""Issue 16, finding 2: a camera picture for the server pose fallback is checked from its JPEG
header before it is decoded, so a few hundred bytes cannot make the server decode a huge image."""

import asyncio
import base64
import json
import struct

import cv2
import numpy as np
import pytest

from coach.practice.pose_tracking import PoseTrackingError, decode_jpeg, jpeg_size
from coach.practice.services import start_attempt
from tests.coach.factories import make_routine
from tests.coach.socket_helpers import communicator, receive_until, session_cookie


def small_jpeg(width=32, height=24) -> bytes:
    return cv2.imencode(".jpg", np.full((height, width, 3), 128, np.uint8))[1].tobytes()


def with_header_size(jpeg: bytes, width: int, height: int) -> bytes:
    """The same bytes with the frame header (SOF0) claiming another size: a decompression bomb."""
    sof = jpeg.index(b"\xff\xc0")
    # SOF0: marker, length (2), precision (1), height (2), width (2)
    return jpeg[: sof + 5] + struct.pack(">HH", height, width) + jpeg[sof + 9 :]


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_the_header_size_is_read_without_decoding():
    assert jpeg_size(small_jpeg(32, 24)) == (32, 24)
    assert jpeg_size(with_header_size(small_jpeg(), 30000, 30000)) == (30000, 30000)


def test_a_tiny_jpeg_claiming_30000_by_30000_pixels_is_refused_from_its_header():
    bomb = with_header_size(small_jpeg(), 30000, 30000)
    assert len(bomb) < 1000
    with pytest.raises(PoseTrackingError, match="30000×30000"):
        decode_jpeg(b64(bomb))


@pytest.mark.parametrize("extension", [".png", ".webp", ".bmp"])
def test_only_jpeg_is_accepted(extension):
    picture = cv2.imencode(extension, np.full((24, 32, 3), 128, np.uint8))[1].tobytes()
    with pytest.raises(PoseTrackingError, match="JPEG"):
        decode_jpeg(b64(picture))


def test_a_truncated_header_is_refused():
    jpeg = small_jpeg()
    with pytest.raises(PoseTrackingError, match="JPEG"):
        decode_jpeg(b64(jpeg[: jpeg.index(b"\xff\xc0") + 4]))


@pytest.mark.django_db(transaction=True)
def test_a_bomb_on_the_practice_socket_gets_bad_frames_and_the_socket_goes_on(make_user):
    learner = make_user("mallory")
    attempt = start_attempt(learner, make_routine(learner), pose_format="mediapipe33")
    bomb = b64(with_header_size(small_jpeg(), 30000, 30000))
    cookie = session_cookie(learner)

    async def practise():
        socket = communicator(f"/ws/practice/{attempt.id}/", cookie)
        await socket.connect()
        await receive_until(socket, "ready")
        await socket.send_to(
            text_data=json.dumps({"type": "image", "seq": 0, "timestamp_ms": 0, "jpeg": bomb})
        )
        error = (await receive_until(socket, "error"))[-1]
        await socket.disconnect()
        return error

    error = asyncio.run(practise())
    assert error["code"] == "bad_frames" and "30000×30000" in error["message"]
    assert not attempt.batches.exists()
