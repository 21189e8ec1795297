"""Local ports for the servers that tests start (loopback only)."""

import socket
import time


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, failed=lambda: False, timeout_s: float = 30.0) -> bool:
    """Wait until something accepts connections on `port`; False if `failed()` or time runs out."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and not failed():
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False
