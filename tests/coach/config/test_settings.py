"""Configuration comes from the environment: defaults for a laptop, switches for production."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SHOW = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'layer': s.CHANNEL_LAYERS['default']['BACKEND'], 'broker': s.CELERY_BROKER_URL, "
    "'embedded': s.CELERY_EMBEDDED_WORKER, 'db': s.DATABASES['default']['ENGINE'], 'debug': s.DEBUG}))"
)


def settings_with(**env) -> dict:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("REDIS_URL", "DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    clean.update(DJANGO_SETTINGS_MODULE="coach.config.settings", **env)
    out = subprocess.run(
        [sys.executable, "-c", SHOW],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def test_no_variable_means_sqlite_in_memory_layer_and_embedded_worker():
    shown = settings_with()
    assert shown == {
        "layer": "channels.layers.InMemoryChannelLayer",
        "broker": "memory://",
        "embedded": True,
        "db": "django.db.backends.sqlite3",
        "debug": False,
    }


def test_redis_url_switches_layer_and_broker_and_database_url_switches_postgres():
    shown = settings_with(
        REDIS_URL="redis://cache:6379/2", DATABASE_URL="postgres://u:p@db:5432/coach"
    )
    assert shown["layer"] == "channels_redis.core.RedisChannelLayer"
    assert shown["broker"] == "redis://cache:6379/2" and shown["embedded"] is False
    assert shown["db"] == "django.db.backends.postgresql"


def test_production_configuration_passes_the_deploy_check():
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(
        SECURE_SSL="1",
        SECRET_KEY=secrets.token_urlsafe(50),
        SECURE_HSTS_SECONDS="31536000",
        ALLOWED_HOSTS="coach.example.com",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
