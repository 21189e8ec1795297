"""One 8-count everywhere: the routine, practice and class pages show, on every beat, the count
the server computed for it (`generation.counts.beat_counts`, the one the MP4 draws too), on a
routine whose phrases start a few ms before their first beat."""

import pytest

from coach.classes.services import open_class
from coach.routines.services import routine_document
from generation.counts import beat_counts
from tests.browser.danced import make_danced_routine
from tests.browser.test_routine_page import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shown_counts(page, beats) -> list[str]:
    """The count the page shows a moment after each beat, with the song paused there."""
    shown = []
    for t in beats:
        frame = round((t + 0.1) * 30)
        page.evaluate("t => { document.getElementById('music').currentTime = t; }", t + 0.1)
        page.wait_for_function(
            "f => Math.round(document.getElementById('music').currentTime * 30) === f"
            " && document.getElementById('count').textContent !== ''",
            arg=frame,
        )
        page.wait_for_timeout(50)  # the next animation frame has drawn this time
        shown.append(page.text_content("#count").strip())
    return shown


def expected_counts(routine) -> list[str]:
    document = routine_document(routine)
    counts = beat_counts(routine.beats, routine.downbeats, routine.segments).tolist()
    assert document["counts"] == counts
    # The phrases start 16 ms before their beats: a 1 on each phrase's beat, never two in a row.
    assert counts[:17] == [1, 2, 3, 4, 5, 6, 7, 8] * 2 + [1]
    return [str(c) for c in counts]


def test_routine_and_practice_pages_count_as_the_server(page, live_server, make_user, wav_file):
    alice = make_user("alice")
    routine = make_danced_routine(alice, wav_file)
    expected = expected_counts(routine)
    log_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/routines/{routine.id}/")
    page.wait_for_selector("#routine-player[data-ready=true]")
    assert shown_counts(page, routine.beats) == expected
    page.goto(f"{live_server.url}/routines/{routine.id}/practice/")
    page.wait_for_selector("#practice[data-frame]")
    assert shown_counts(page, routine.beats) == expected


def test_the_class_page_counts_as_the_server(page, live_server, studio_people, wav_file):
    people = studio_people
    routine = make_danced_routine(people["instructor"], wav_file)
    class_session = open_class(
        people["instructor"], people["studio"], routine, title="Friday waltz"
    )
    log_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/classes/{class_session.id}/")
    page.get_by_role("button", name="Join the class").click()
    page.wait_for_selector("#class-learn[data-state=idle]")
    assert shown_counts(page, routine.beats) == expected_counts(routine)
