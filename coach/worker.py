"""The embedded worker: with the in-memory broker, the web process consumes its own queues.

It runs the same Celery tasks as a separate `celery worker` process would; only the transport
differs. Started once per process by the ASGI application (and by tests that need it).
"""

import socket
import threading

from django.conf import settings

from coach.celery import app

QUEUES = ("gpu", "cpu")
_lock = threading.Lock()
_worker = None


def start_embedded_worker():
    """Start a single-threaded Celery worker inside this process; idempotent."""
    global _worker
    with _lock:
        if _worker is not None:
            return _worker
        _worker = app.WorkController(
            pool_cls="solo",
            concurrency=1,
            queues=list(QUEUES),
            without_heartbeat=True,
            without_mingle=True,
            without_gossip=True,
            loglevel="WARNING",
            hostname=f"embedded@{socket.gethostname()}",
        )
        thread = threading.Thread(target=_worker.start, name="embedded-celery", daemon=True)
        thread.start()
        return _worker


def embedded_worker_alive() -> bool:
    return _worker is not None and _worker.blueprint.state == 1  # RUN


def maybe_start_embedded_worker():
    if settings.CELERY_EMBEDDED_WORKER:
        start_embedded_worker()
