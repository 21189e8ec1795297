"""Double-clicking Start on the practice page starts one run: the second click is not a Stop, so
no empty attempt is ended (and none is marked complete)."""

import pytest

from coach.practice.models import Attempt
from tests.browser.danced import make_danced_routine
from tests.browser.test_routine_page import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A browser that cannot run MediaPipe: the page offers the server fallback, which reaches "ready"
# without loading the in-browser tracker (slow in software WebGL).
WITHOUT_WEBASSEMBLY = "delete window.WebAssembly;"


def test_a_double_clicked_start_starts_and_does_not_stop(
    camera_page, asgi_live_server, make_user, wav_file
):
    page = camera_page
    routine = make_danced_routine(make_user("alice"), wav_file)
    page.add_init_script(WITHOUT_WEBASSEMBLY)
    log_in(page, asgi_live_server, "alice")
    page.goto(f"{asgi_live_server.url}/routines/{routine.id}/practice/")
    page.get_by_role("button", name="Send camera pictures").click()
    page.wait_for_selector("#practice[data-state=idle]", timeout=30_000)

    page.locator("#start").dblclick()
    page.wait_for_timeout(1200)
    assert page.get_attribute("#practice", "data-state") in {"countdown", "playing"}
    assert page.locator("#results li").count() == 0
    assert not Attempt.objects.exclude(status=Attempt.Status.IN_PROGRESS).exists()
    page.wait_for_selector("#practice[data-state=playing]", timeout=10_000)
    # A later press stops the run, as before.
    page.locator("#start").click()
    page.wait_for_selector("#practice[data-state=idle]")
    page.wait_for_selector("#results a", timeout=30_000)
    assert Attempt.objects.filter(routine=routine).count() == 1
