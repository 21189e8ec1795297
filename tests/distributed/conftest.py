"""Real processes on a real Redis: a Celery worker and the product's web server sharing the test database.

These tests run in the second pass of `.ci/run`, with REDIS_URL and DATABASE_TEST_NAME set, so
that the settings (channel layer, broker, result store) are the distributed ones throughout.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from coach.config.celery import app
from tests.ports import free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def require_distributed_settings():
    if not settings.REDIS_URL or settings.CELERY_EMBEDDED_WORKER:
        pytest.fail("distributed tests need REDIS_URL (run them through .ci/run)")


def _process_env(media_root) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="coach.config.settings",
        REDIS_URL=settings.REDIS_URL,
        DATABASE_URL=f"sqlite:///{connection.settings_dict['NAME']}",
        MEDIA_ROOT=str(media_root),
        PYTHONUNBUFFERED="1",
    )
    return env


def _stop(process):
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
def worker_process(transactional_db, isolated_media, tmp_path):
    """`celery worker -Q gpu,cpu --concurrency=1` in its own process, on Redis."""
    log = open(tmp_path / "worker.log", "w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "coach",
            "worker",
            "-Q",
            "gpu,cpu",
            "--concurrency=1",
            "--pool=solo",
            "--hostname",
            f"test-{os.getpid()}@%h",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=_process_env(isolated_media),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while not app.control.ping(timeout=0.5):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError((tmp_path / "worker.log").read_text())
    yield process
    _stop(process)
    log.close()


def _serve_web(media_root, log_path):
    port = free_port()
    log = open(log_path, "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "coach.config.serve", "--port", str(port)],
        cwd=ROOT,
        env=_process_env(media_root),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    if not wait_for_port(port, failed=lambda: process.poll() is not None):
        raise RuntimeError(log_path.read_text())
    yield f"127.0.0.1:{port}"
    _stop(process)
    log.close()


@pytest.fixture
def web_server(transactional_db, isolated_media, tmp_path):
    """The product's server process (coach.config.serve) serving the ASGI app on the Redis channel layer; yields its base URL."""
    yield from _serve_web(isolated_media, tmp_path / "web.log")


@pytest.fixture
def second_web_server(web_server, isolated_media, tmp_path):
    """Another server process on the same Redis and database, for fan-out across processes."""
    yield from _serve_web(isolated_media, tmp_path / "web-2.log")
