"""The routine page's "Download BVH": a click saves the routine's BVH file, which re-imports to
the routine's joint positions."""

import numpy as np
import pytest

from coach.routines.services import routine_frames
from generation.bvh_export import CENTIMETRES_PER_METRE
from generation.data.bvh import node_positions, parse_bvh
from tests.browser.test_routine_page import log_in
from tests.coach.factories import make_routine, make_song

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_download_bvh_from_the_routine_page(page, live_server, make_user, tmp_path):
    alice = make_user("alice")
    routine = make_routine(alice, song=make_song(alice, title="Phone groove"), n_frames=120)
    log_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/routines/{routine.id}/")
    link = page.get_by_role("link", name="Download BVH")
    assert link.is_visible()
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "phone-groove-waltz-beginner.bvh"
    saved = tmp_path / "saved.bvh"
    download.value.save_as(saved)
    bvh = parse_bvh(saved.read_text())
    positions = node_positions(bvh) / CENTIMETRES_PER_METRE
    frames = routine_frames(routine)
    reimported = positions[:, [bvh.nodes.index(name) for name in routine.joints]]
    assert np.linalg.norm(reimported - frames, axis=-1).max() < 0.01
