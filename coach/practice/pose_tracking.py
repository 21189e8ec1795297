"""Server-side pose tracking: the fallback for browsers that cannot run MediaPipe themselves.

The browser sends small JPEG frames over the practice socket; each connection gets its own
tracker because MediaPipe Pose is a video tracker: after the first detection it follows that
person's region from frame to frame, so it stays locked on the learner when others walk into view.
Uses the legacy `mediapipe.solutions.pose` graph, whose "full" landmark model ships inside the
`mediapipe==0.10.21` wheel (nothing is downloaded).
"""

import base64
import binascii
import struct

import cv2
import numpy as np

MAX_IMAGE_WIDTH = 320
MAX_IMAGE_HEIGHT = 480
# JPEG markers: start of image, start of scan, and the frame headers that carry the image size
# (SOF0-SOF15 less DHT, JPG and DAC, which share the range); standalone markers have no length.
_SOI, _SOS = 0xD8, 0xDA
_SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_STANDALONE_MARKERS = frozenset({0x01, *range(0xD0, 0xD8)})


class PoseTrackingError(ValueError):
    pass


class ServerPoseTracker:
    def __init__(self):
        import mediapipe as mp  # imported lazily: only fallback sessions pay for it

        self._pose = mp.solutions.pose.Pose(
            static_image_mode=False,
            model_complexity=1,
            smooth_landmarks=True,
            enable_segmentation=False,
        )

    def track(self, jpeg_base64: str) -> tuple[np.ndarray | None, tuple[int, int]]:
        """Landmarks ``(33, 4)`` (x, y image-normalised, z, visibility) of the tracked person in
        one JPEG frame, or None when nobody is in view; and the image size (w, h) in pixels."""
        image = decode_jpeg(jpeg_base64)
        height, width = image.shape[:2]
        result = self._pose.process(cv2.cvtColor(image, cv2.COLOR_BGR2RGB))
        if result.pose_landmarks is None:
            return None, (width, height)
        landmarks = np.array(
            [(p.x, p.y, p.z, p.visibility) for p in result.pose_landmarks.landmark],
            dtype=np.float32,
        )
        return landmarks, (width, height)

    @property
    def closed(self) -> bool:
        return self._pose is None

    def close(self) -> None:
        """Stop MediaPipe's graph and its threads; closing twice is harmless."""
        if self._pose is not None:
            self._pose.close()
            self._pose = None


def jpeg_size(data: bytes) -> tuple[int, int]:
    """The (width, height) in pixels that a JPEG's frame header declares, read without decoding
    anything; `PoseTrackingError` if `data` does not start like a JPEG."""
    if data[:2] != b"\xff\xd8":
        raise PoseTrackingError("jpeg could not be decoded: only JPEG images are accepted")
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            break
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte before a marker
            at += 1
            continue
        if marker in _STANDALONE_MARKERS or marker == _SOI:
            at += 2
            continue
        (length,) = struct.unpack_from(">H", data, at + 2)
        if marker in _SOF_MARKERS:
            if at + 9 > len(data):
                break
            height, width = struct.unpack_from(">HH", data, at + 5)
            return width, height
        if marker == _SOS or length < 2:
            break
        at += 2 + length
    raise PoseTrackingError("jpeg could not be decoded: no JPEG frame header before the image data")


def decode_jpeg(jpeg_base64: str) -> np.ndarray:
    """A small JPEG (base64) as a BGR image ``(h, w, 3)`` uint8. The size is checked from the
    header first: a few hundred bytes can declare 30000×30000 pixels (gigabytes once decoded)."""
    if not isinstance(jpeg_base64, str):
        raise PoseTrackingError("jpeg must be a base64 string")
    try:
        data = base64.b64decode(jpeg_base64, validate=True)
    except (binascii.Error, ValueError):
        raise PoseTrackingError("jpeg is not valid base64") from None
    width, height = jpeg_size(data)
    if not (0 < width <= MAX_IMAGE_WIDTH and 0 < height <= MAX_IMAGE_HEIGHT):
        limit = f"{MAX_IMAGE_WIDTH}×{MAX_IMAGE_HEIGHT}"
        raise PoseTrackingError(
            f"images are limited to {limit} pixels; this one says {width}×{height}"
        )
    # The header's size is the decoded size: EXIF orientation is not applied.
    flags = cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION
    image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), flags)
    if image is None:
        raise PoseTrackingError("jpeg could not be decoded as an image")
    height, width = image.shape[:2]
    if width > MAX_IMAGE_WIDTH or height > MAX_IMAGE_HEIGHT:
        raise PoseTrackingError(
            f"images are limited to {MAX_IMAGE_WIDTH}×{MAX_IMAGE_HEIGHT} pixels"
        )
    return image
