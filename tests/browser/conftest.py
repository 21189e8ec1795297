"""Real headless Chromium (Debian's package) driven by Playwright; never a downloaded browser."""

import os
import shutil
import subprocess
from pathlib import Path

import imageio_ffmpeg
import pytest
from playwright.sync_api import Page, sync_playwright

from generation.data.paths import shared_dir

# Playwright's sync API runs an event loop in this thread; the tests still use the ORM directly.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[2] / ".test-artifacts"

_wait_for_function = Page.wait_for_function


def _wait_for_expression(self, expression, **kwargs):
    """Playwright evaluates a bare expression with eval(), which the site's Content-Security-Policy
    refuses (as it should); given as a function it is called without eval. So the tests run with
    the real policy on."""
    if not expression.lstrip().startswith(("(", "function", "async")):
        expression = f"() => ({expression})"
    return _wait_for_function(self, expression, **kwargs)


Page.wait_for_function = _wait_for_expression
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
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
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


# ---- a fake camera showing a real person --------------------------------------------------


@pytest.fixture(scope="module")
def squat_camera(tmp_path_factory) -> Path:
    """pose_squats.mp4 (real footage, 720x1280, 5 fps) as a 360x640 .y4m for the fake camera."""
    video = shared_dir() / "media" / "pose_squats.mp4"
    target = tmp_path_factory.mktemp("camera") / "squats.y4m"
    subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-loglevel",
            "error",
            "-i",
            str(video),
            "-vf",
            "scale=360:640",
            "-pix_fmt",
            "yuv420p",
            "-r",
            "5",
            str(target),
        ],
        check=True,
    )
    return target


@pytest.fixture(scope="module")
def camera_browser(browser, squat_camera):
    """A second Chromium whose camera shows the video (launched by the session's Playwright)."""
    args = [
        *CHROMIUM_ARGS,
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={squat_camera}",
    ]
    camera = browser.browser_type.launch(executable_path=chromium_path(), headless=True, args=args)
    yield camera
    camera.close()


@pytest.fixture
def camera_page(camera_browser, request):
    context = camera_browser.new_context(viewport={"width": 390, "height": 844})  # a phone
    page = context.new_page()
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture
def desktop_page(browser, request):
    """A 1280x800 laptop screen; its screenshot is saved as <test name>-desktop.png."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-desktop.png"), full_page=True)
    context.close()
