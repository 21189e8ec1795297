"""The embedded worker: with the in-memory broker, the web process consumes its own queues.

It runs the same Celery tasks as a separate `celery worker` process would; only the transport
differs. Started once per process by the ASGI application (and by tests that need it).
"""

import logging
import socket
import threading

from django.conf import settings

from coach.config.celery import app
from coach.routines.services import requeue_unfinished_jobs
from coach.videos.services import requeue_unfinished_exports

log = logging.getLogger(__name__)
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
    _requeue_after_restart()
    return _worker


def _requeue_after_restart():
    # The in-memory queue died with the previous web process: queue its unfinished jobs again.
    for kind, requeue in (
        ("generation jobs", requeue_unfinished_jobs),
        ("video exports", requeue_unfinished_exports),
    ):
        try:
            requeued = requeue()
        except (
            Exception
        ) as error:  # e.g. the database is not migrated yet; work can be queued later
            log.warning("could not requeue unfinished %s: %s", kind, error)
        else:
            if requeued:
                log.info("requeued %d unfinished %s", requeued, kind)


def maybe_start_embedded_worker():
    if settings.CELERY_EMBEDDED_WORKER:
        start_embedded_worker()
