"""Server-side pose tracking: the fallback for browsers that cannot run MediaPipe themselves.

The browser sends small JPEG frames over the practice socket; each connection gets its own
tracker because MediaPipe Pose is a video tracker: after the first detection it follows that
person's region from frame to frame, so it stays locked on the learner when others walk into view.
Uses the legacy `mediapipe.solutions.pose` graph, whose "full" landmark model ships inside the
`mediapipe==0.10.21` wheel (nothing is downloaded).
"""

import base64
import binascii

import cv2
import numpy as np

MAX_IMAGE_WIDTH = 320
MAX_IMAGE_HEIGHT = 480


class PoseTrackingError(ValueError):
    pass


class ServerPoseTracker:
    def __init__(self):
        import mediapipe as mp  # imported lazily: only fallback sessions pay for it

        self._pose = mp.solutions.pose.Pose(
            static_image_mode=False, model_complexity=1, smooth_landmarks=True, enable_segmentation=False
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
            [(p.x, p.y, p.z, p.visibility) for p in result.pose_landmarks.landmark], dtype=np.float32
        )
        return landmarks, (width, height)

    def close(self) -> None:
        self._pose.close()


def decode_jpeg(jpeg_base64: str) -> np.ndarray:
    if not isinstance(jpeg_base64, str):
        raise PoseTrackingError("jpeg must be a base64 string")
    try:
        data = base64.b64decode(jpeg_base64, validate=True)
    except (binascii.Error, ValueError):
        raise PoseTrackingError("jpeg is not valid base64") from None
    image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise PoseTrackingError("jpeg could not be decoded as an image")
    height, width = image.shape[:2]
    if width > MAX_IMAGE_WIDTH or height > MAX_IMAGE_HEIGHT:
        raise PoseTrackingError(f"images are limited to {MAX_IMAGE_WIDTH}×{MAX_IMAGE_HEIGHT} pixels")
    return image
