"""`python -m coach.config.serve`, the product's server, as `.ci/start` runs it: a process of its own on
a migrated SQLite file, with the Celery worker inside it (no REDIS_URL)."""

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.ports import free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[3]


def test_the_server_starts_its_embedded_worker_and_reports_healthy(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "REDIS_URL": "",
        "DJANGO_SETTINGS_MODULE": "coach.config.settings",
    }
    env.pop("CELERY_BROKER_URL", None)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    # /healthz gives its detail (the worker) to staff only: a staff API token asks for it.
    staff = {**env, "DJANGO_SUPERUSER_USERNAME": "ops", "DJANGO_SUPERUSER_EMAIL": "ops@example.com",
             "DJANGO_SUPERUSER_PASSWORD": "a-Strong-pass-42"}  # fmt: skip
    subprocess.run(
        [sys.executable, "manage.py", "createsuperuser", "--noinput"],
        cwd=ROOT,
        env=staff,
        check=True,
    )
    token = subprocess.run([sys.executable, "manage.py", "drf_create_token", "ops"], cwd=ROOT, env=env, check=True,
                           capture_output=True, text=True).stdout.split()[2]  # fmt: skip
    port = free_port()
    log_path = tmp_path / "server.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "coach.config.serve", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            assert wait_for_port(port, failed=lambda: server.poll() is not None, timeout_s=60), (
                log_path.read_text()
            )
            health = None
            deadline = time.monotonic() + 60
            while (
                time.monotonic() < deadline
            ):  # the worker thread registers a moment after the port opens
                try:
                    request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz",
                                                     headers={"Authorization": f"Token {token}"})  # fmt: skip
                    with urllib.request.urlopen(request, timeout=10) as response:
                        health = json.load(response)
                    break
                except urllib.error.HTTPError as error:  # 503 until every check passes
                    health = json.load(error)
                    time.sleep(0.5)
        finally:
            server.terminate()
            server.wait(timeout=20)
    output = log_path.read_text()
    assert health is not None and health["ok"], health
    assert health["worker"]["embedded"] is True
    # Start-up work that touches the database (requeueing unfinished jobs, Celery's Django fixup)
    # must not run inside the server's event loop, where Django refuses it.
    assert "Traceback" not in output and "could not requeue" not in output, output
