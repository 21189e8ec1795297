"""The README's production recipe holds: its environment (the block after `<!-- production-env -->`)
passes `manage.py check --deploy` without a single warning, and configures what it says."""

import json
import os
import re
import secrets
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
# Variables of the test run that would leak into the production environment.
NOT_INHERITED = ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL", "REDIS_URL", "DATABASE_TEST_NAME",
                 "DB_CONN_MAX_AGE", "MEDIA_ACCEL", "MEDIA_ACCEL_PREFIX", "FILE_STORAGE", "FILE_STORAGE_OPTIONS")  # fmt: skip


def readme_production_env() -> dict[str, str]:
    """The variables of the README's production block, as a shell or systemd would read them."""
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"<!-- production-env -->\s*```sh\n(.*?)```", readme, re.S)
    assert block, "README.md has no production environment block"
    env = {}
    for line in block.group(1).splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            env[name.strip()] = " ".join(shlex.split(value))
    return env


@pytest.fixture(scope="module")
def production_env():
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    documented = readme_production_env()
    assert documented["SECRET_KEY"].startswith("REPLACE")  # a placeholder, never a real secret
    env.update(
        documented,
        SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_SETTINGS_MODULE="coach.config.settings",
    )
    return env


def test_the_readme_production_environment_passes_the_deploy_check_without_warnings(production_env):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=production_env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_the_readme_production_environment_configures_a_tls_proxy_and_private_media(production_env):
    show = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'debug': s.DEBUG, 'proxy_ssl': s.SECURE_PROXY_SSL_HEADER, "
        "'redirect': s.SECURE_SSL_REDIRECT, 'cookies': [s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE], "
        "'hsts': s.SECURE_HSTS_SECONDS, 'db': s.DATABASES['default']['ENGINE'], "
        "'layer': s.CHANNEL_LAYERS['default']['BACKEND'], 'embedded': s.CELERY_EMBEDDED_WORKER, "
        "'accel': [s.MEDIA_ACCEL, s.MEDIA_ACCEL_PREFIX], 'origins': s.CSRF_TRUSTED_ORIGINS}))"
    )
    result = subprocess.run([sys.executable, "-c", show], cwd=ROOT, env=production_env, capture_output=True,
                            text=True, timeout=120, check=True)  # fmt: skip
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    assert shown == {
        "debug": False,
        "proxy_ssl": ["HTTP_X_FORWARDED_PROTO", "https"],
        "redirect": True,
        "cookies": [True, True],
        "hsts": 31536000,
        "db": "django.db.backends.postgresql",
        "layer": "channels_redis.core.RedisChannelLayer",
        "embedded": False,
        "accel": ["x-accel", "/protected-media/"],
        "origins": ["https://coach.example.com"],
    }


def test_a_mistyped_media_accel_stops_the_start(production_env):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env={**production_env, "MEDIA_ACCEL": "x-acel"},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert (
        result.returncode != 0
        and "MEDIA_ACCEL is none, x-accel, x-sendfile or redirect" in result.stderr
    )


def test_storage_options_come_from_the_environment(production_env):
    show = "import django; django.setup(); from django.core.files.storage import default_storage as d; print(d.base_url)"
    env = {**production_env, "FILE_STORAGE": "django.core.files.storage.InMemoryStorage",
           "FILE_STORAGE_OPTIONS": '{"base_url": "https://media.example.com/"}'}  # fmt: skip
    result = subprocess.run([sys.executable, "-c", show], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120, check=True)  # fmt: skip
    assert result.stdout.strip().splitlines()[-1] == "https://media.example.com/"
