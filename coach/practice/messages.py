"""The practice socket's message checks: size, rate and error limits, and the fields of the
frames, image, pong and calibration messages. A refused message raises `PracticeError`, which
the socket sends to the learner as `{"type": "error", "code", "message"}`.
The message shapes are documented in README.md ("Practice socket").
"""

import math
import time
from dataclasses import dataclass, field

import numpy as np

MAX_MESSAGE_BYTES = 64 * 1024
MAX_FRAMES_PER_BATCH = 64
# Token bucket per connection: sustained messages per second and burst size.
RATE_PER_S = 30.0
BURST = 60
MAX_ERRORS = 20
# A calibration outside this range is a broken measurement, not a real device.
MAX_AUDIO_LATENCY_MS = 1000.0
# `image_size` of 2D landmarks: [width, height] in pixels, each at most this (16K video).
MAX_IMAGE_SIDE_PX = 16384


class PracticeError(Exception):
    """A refused message: `code` names the reason for the client, the message explains it."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass
class TokenBucket:
    rate: float = RATE_PER_S
    capacity: float = BURST
    tokens: float = BURST
    updated: float = field(default_factory=time.monotonic)

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens < 1.0:
            return False
        self.tokens -= 1.0
        return True


def batch_seq(message: dict) -> int:
    """A frames or image message's sequence number."""
    seq = message.get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        raise PracticeError("bad_message", "seq must be a non-negative integer")
    return seq


def frame_arrays(message: dict) -> tuple[np.ndarray, np.ndarray]:
    """A frames message's `timestamps_ms` (n,) float64 and `frames` (n, joints, channels) float32."""
    try:
        timestamps = np.asarray(message["timestamps_ms"], dtype=np.float64)
        frames = np.asarray(message["frames"], dtype=np.float32)
    except KeyError as missing:
        raise PracticeError("bad_frames", f"a frames message needs {missing}") from None
    except (TypeError, ValueError):
        raise PracticeError(
            "bad_frames", "timestamps_ms and frames must be arrays of numbers"
        ) from None
    if timestamps.ndim != 1 or frames.ndim != 3 or len(timestamps) != len(frames):
        raise PracticeError(
            "bad_frames", "expected timestamps_ms (n,) and frames (n, joints, channels)"
        )
    if len(frames) > MAX_FRAMES_PER_BATCH:
        raise PracticeError("bad_frames", f"at most {MAX_FRAMES_PER_BATCH} frames per batch")
    return timestamps, frames


def image_size(value) -> list[float] | None:
    """A frames message's `image_size`: absent, or [width, height] in pixels."""
    if value is None:
        return None
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(side, int | float) and not isinstance(side, bool) for side in value)
        or not all(0 < side <= MAX_IMAGE_SIDE_PX for side in value)
    ):
        raise PracticeError(
            "bad_frames",
            f"image_size must be [width, height] in pixels, at most {MAX_IMAGE_SIDE_PX}",
        )
    return value


def audio_latency_ms(value) -> float:
    """A calibration message's `audio_latency_ms`, 0 .. MAX_AUDIO_LATENCY_MS."""
    latency = finite_number(value, "audio_latency_ms")
    if not 0 <= latency <= MAX_AUDIO_LATENCY_MS:
        raise PracticeError(
            "bad_message", f"audio_latency_ms must be between 0 and {MAX_AUDIO_LATENCY_MS:.0f}"
        )
    return latency


def finite_number(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise PracticeError("bad_message", f"{name} must be a finite number")
    return float(value)
