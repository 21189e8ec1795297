"""Real headless Chromium (Debian's package) driven by Playwright; never a downloaded browser."""

import os
import shutil
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.views.static import serve
from playwright.sync_api import sync_playwright

from tests.ports import free_port, wait_for_port

# Playwright's sync API runs an event loop in this thread; the tests still use the ORM directly.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[2] / ".test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--enable-unsafe-swiftshader",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        raise RuntimeError("Debian's chromium is not installed: run bash .ci/install")
    return path


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone-sized screen
    page = context.new_page()
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


# ---- a WebSocket-speaking live server ------------------------------------------------------

class ASGIMediaFilesHandler(ASGIStaticFilesHandler):
    """Serves uploaded files (the songs) as pytest-django's WSGI live server does."""

    def get_base_url(self):
        return settings.MEDIA_URL

    def serve(self, request):
        return serve(request, self.file_path(request.path), document_root=settings.MEDIA_ROOT)


@pytest.fixture(scope="session")
def asgi_live_server():
    """The product's server (coach.serve) serving coach.asgi (HTTP, static, media and
    WebSockets) in a thread of this process, so that it shares the in-memory test database."""
    import uvicorn

    from coach.asgi import application
    from coach.serve import config

    port = free_port()
    server = uvicorn.Server(
        config(ASGIStaticFilesHandler(ASGIMediaFilesHandler(application)), port=port, access_log=False,
               log_level="warning")
    )
    thread = threading.Thread(target=server.run, name="web-server", daemon=True)
    thread.start()
    if not wait_for_port(port):
        raise RuntimeError("the web server did not start")
    yield SimpleNamespace(url=f"http://127.0.0.1:{port}")  # shaped like pytest-django's live_server
    server.should_exit = True
    thread.join(timeout=10)
