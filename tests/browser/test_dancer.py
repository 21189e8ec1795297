"""The routine page's dancer and layout in real Chromium, on a routine danced by a real person
(`tests.browser.danced`): a figure that fills its stage in the body-part colours, the front and
mirror views, and the play control and count in view on a 1280x800 screen."""

import cv2
import numpy as np
import pytest

from generation.video import PART_COLOURS
from tests.browser.conftest import ARTIFACTS
from tests.browser.danced import make_danced_routine
from tests.browser.test_routine_page import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)])


def colour_pixels(png: bytes) -> dict[str, np.ndarray]:
    """Body-part colour -> (H, W) bool: pixels of the stage screenshot in that colour or a shade of
    it (far limbs are drawn dimmer)."""
    image = cv2.cvtColor(
        cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB
    )
    pixels = image.astype(np.float64)
    brightness = np.linalg.norm(pixels, axis=-1) + 1e-6
    masks = {}
    for colour in {*PART_COLOURS.values()}:
        rgb = _rgb(colour)
        same_hue = (pixels / brightness[..., None]) @ (rgb / np.linalg.norm(rgb)) > 0.985
        masks[colour] = same_hue & (brightness > 0.45 * np.linalg.norm(rgb))
    return masks


def figure_pixels(png: bytes) -> np.ndarray:
    """(H, W) bool: pixels of the figure, in any body-part colour."""
    return np.logical_or.reduce(list(colour_pixels(png).values()))


def show_time(page, seconds: float) -> None:
    page.evaluate("t => { document.getElementById('music').currentTime = t; }", seconds)
    frame = round(seconds * 30)
    page.wait_for_function(f"document.getElementById('routine-player').dataset.frame === '{frame}'")


def stage_shot(page) -> bytes:
    # Only the drawing: the count and the view toggle sit over it.
    page.evaluate(
        "document.querySelectorAll('#stage .count, #stage .dancer-view')"
        ".forEach((e) => { e.style.visibility = 'hidden'; })"
    )
    shot = page.locator("#stage").screenshot()
    page.evaluate(
        "document.querySelectorAll('#stage .count, #stage .dancer-view')"
        ".forEach((e) => { e.style.visibility = ''; })"
    )
    return shot


@pytest.fixture
def routine_page(desktop_page, live_server, make_user, wav_file):
    alice = make_user("alice")
    routine = make_danced_routine(alice, wav_file)
    log_in(desktop_page, live_server, "alice")
    desktop_page.goto(f"{live_server.url}/routines/{routine.id}/")
    desktop_page.wait_for_selector("#routine-player[data-ready=true]")
    return desktop_page


def test_the_dancer_fills_half_its_stage_in_the_body_part_colours(routine_page):
    page = routine_page
    stage_height = page.locator("#stage").bounding_box()["height"]
    for seconds in (1.0, 4.0, 8.5):
        show_time(page, seconds)
        png = stage_shot(page)
        (ARTIFACTS / f"dancer-stage-{seconds}s.png").write_bytes(png)
        mask = figure_pixels(png)
        rows = np.flatnonzero(mask.sum(axis=1) >= 2)
        assert rows.size, f"no figure drawn at {seconds} s"
        assert (rows[-1] - rows[0]) >= 0.5 * stage_height, f"figure too small at {seconds} s"
        # Every part colour is there: the figure is coloured by body part.
        counts = {colour: int(m.sum()) for colour, m in colour_pixels(png).items()}
        assert all(count > 200 for count in counts.values()), counts


def test_the_mirror_view_flips_the_dancer(routine_page):
    page = routine_page
    show_time(page, 2.0)
    front = figure_pixels(stage_shot(page))
    toggle = page.get_by_role("button", name="Mirror")
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    page.wait_for_selector("#stage[data-view=mirror]")
    mirrored = figure_pixels(stage_shot(page))
    # The mirrored picture is the front picture flipped left to right (the floor ticks aside).
    overlap = (front[:, ::-1] & mirrored).sum() / max(front.sum(), 1)
    assert overlap > 0.8
    assert (front & mirrored).sum() < 0.9 * front.sum()
    # The choice is remembered.
    page.reload()
    page.wait_for_selector("#routine-player[data-ready=true]")
    assert page.get_attribute("#stage", "data-view") == "mirror"


def test_play_and_count_are_in_view_on_a_laptop(routine_page):
    page = routine_page
    viewport = page.viewport_size
    audio = page.locator("#music").bounding_box()
    assert audio["y"] + audio["height"] <= viewport["height"], "the play control is below the fold"
    stage = page.locator("#stage").bounding_box()
    assert stage["y"] >= 0 and stage["y"] + stage["height"] <= viewport["height"]
    assert "press play" in page.text_content("#player-status")
    page.evaluate("document.getElementById('music').play()")
    page.wait_for_function(
        "!document.getElementById('player-status').textContent.includes('press play')"
    )
    page.wait_for_function("document.getElementById('count').textContent !== ''")
    # Scrolled to the controls, the count is still wholly on screen.
    page.locator("#music").scroll_into_view_if_needed()
    page.mouse.wheel(0, 120)
    count = page.locator("#count").bounding_box()
    scroll = page.evaluate("window.scrollY")
    assert count["y"] >= 0 and count["y"] + count["height"] <= viewport["height"], (count, scroll)
    page.evaluate("document.getElementById('music').pause()")
    page.wait_for_function(
        "document.getElementById('player-status').textContent.includes('press play')"
    )
