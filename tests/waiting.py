"""Waiting for what a server does in its own thread or process."""

import time


def wait_for(condition, timeout_s: float = 10.0) -> bool:
    """Poll `condition` until it holds or `timeout_s` seconds pass; its last value."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()
