"""Fixtures shared by every test: people in a studio, real audio files, isolated media, the
product's web server in a thread."""

import threading
from types import SimpleNamespace

import numpy as np
import pytest
import soundfile
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

from coach.studios.models import Membership
from coach.studios.services import create_studio
from tests.ports import free_port, wait_for_port
from tests.waiting import wait_for


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Password hashing strength is not under test; the default costs ~0.3 s per user.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def short_store_rounds(settings):
    # Tests that wait for each batch's acknowledgement would wait a whole round (1 s by default)
    # per batch; what is stored and acknowledged does not depend on the round's length.
    settings.PRACTICE_STORE_EVERY_S = 0.05


@pytest.fixture(autouse=True)
def isolated_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def make_user(django_user_model):
    def make(username, password="a-Strong-pass-42", **extra):
        return django_user_model.objects.create_user(username=username, password=password, **extra)

    return make


@pytest.fixture
def studio_people(make_user):
    """A studio with an owner, an instructor and two students, plus an outsider in no studio."""
    owner = make_user("olive")
    studio = create_studio(owner, "Step Up Studio")
    instructor = make_user("ines")
    alice, bob = make_user("alice"), make_user("bob")
    Membership.objects.create(user=instructor, studio=studio, role=Membership.Role.INSTRUCTOR)
    Membership.objects.create(user=alice, studio=studio, role=Membership.Role.STUDENT)
    Membership.objects.create(user=bob, studio=studio, role=Membership.Role.STUDENT)
    outsider = make_user("oscar")
    return {
        "studio": studio,
        "owner": owner,
        "instructor": instructor,
        "alice": alice,
        "bob": bob,
        "outsider": outsider,
    }


def click_track(duration_s: float, bpm: float = 120.0, sample_rate: int = 22050) -> np.ndarray:
    """A tone with a click on every beat: real audio that any decoder and beat tracker accept."""
    t = np.arange(int(duration_s * sample_rate)) / sample_rate
    signal = 0.1 * np.sin(2 * np.pi * 220 * t)
    for beat in np.arange(0, duration_s, 60.0 / bpm):
        start = int(beat * sample_rate)
        n = min(int(0.03 * sample_rate), len(t) - start)
        signal[start : start + n] += 0.8 * np.exp(-np.arange(n) / (0.005 * sample_rate))
    return (signal / np.abs(signal).max() * 0.9).astype(np.float32)


@pytest.fixture
def wav_file(tmp_path):
    def make(duration_s=8.0, name="song.wav", silent=False):
        path = tmp_path / name
        samples = (
            np.zeros(int(duration_s * 22050), np.float32) if silent else click_track(duration_s)
        )
        soundfile.write(path, samples, 22050)
        return path

    return make


def pytest_collection_modifyitems(config, items):
    # Playwright's sync API keeps an event loop running in the main thread for the whole
    # browser session, which async tests cannot share: run the browser tests last.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


# ---- a WebSocket-speaking live server ------------------------------------------------------


_STARTED_SERVERS: list = []


@pytest.fixture(autouse=True)
def live_server_settles():
    """After each test (its pages and sockets closed), let the web server finish what it does when
    a socket closes (the attempt marked incomplete, in the server's thread) before the test's
    database is flushed: a flush during that write's transaction fails, and leaves the test's rows
    behind for the next test."""
    yield
    wait_for(lambda: not any(server.server_state.tasks for server in _STARTED_SERVERS))


@pytest.fixture(scope="session")
def asgi_live_server():
    """The product's server (coach.config.serve) serving coach.config.asgi (HTTP, static files and WebSockets)
    in a thread of this process, so that it shares the in-memory test database. As in
    production, uploaded files are reachable only through the product's permission-checked views."""
    import uvicorn

    from coach.config.asgi import application
    from coach.config.serve import config

    port = free_port()
    server = uvicorn.Server(
        config(
            ASGIStaticFilesHandler(application), port=port, access_log=False, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, name="web-server", daemon=True)
    thread.start()
    if not wait_for_port(port):
        raise RuntimeError("the web server did not start")
    _STARTED_SERVERS.append(server)
    yield SimpleNamespace(url=f"http://127.0.0.1:{port}")  # shaped like pytest-django's live_server
    server.should_exit = True
    thread.join(timeout=10)
    _STARTED_SERVERS.remove(server)
