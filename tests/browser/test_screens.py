"""Phone (390x844) and laptop (1280x800) screenshots of the learner's and instructor's main pages
(routine, practice, report, review, class), each checked for sideways scrolling, written to
.test-artifacts/screen-<page>-<size>.png; and the small layout fixes of issue 18: the class
summary on a phone, the dashboard's Live classes card spacing, the invitation Copy button, the
song page's duration agreeing with its player."""

import pytest

from coach.classes.models import ClassSession
from coach.studios.services import invite
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_routine_page import log_in
from tests.coach.review.test_review import danced  # noqa: F401  (a fixture: a really scored dance)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
FITS_SCREEN = "document.documentElement.scrollWidth <= window.innerWidth"


def shoot(page, name, size):
    assert page.evaluate(FITS_SCREEN), f"{name} scrolls sideways on a {size}"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"screen-{name}-{size}.png"), full_page=True)


@pytest.mark.parametrize("size", SIZES)
def test_the_main_pages_fit_phone_and_laptop(browser, live_server, danced, size):  # noqa: F811
    routine, studio = danced["routine"], danced["studio"]
    attempt = danced["practise"](danced["alice"])
    class_session = ClassSession.objects.create(
        studio=studio, routine=routine, instructor=danced["instructor"], title="Friday groove"
    )
    errors = []
    pages = {}
    for who in ("alice", "ines"):
        context = browser.new_context(viewport=SIZES[size])
        pages[who] = context.new_page()
        pages[who].on("pageerror", lambda error: errors.append(str(error)))
        log_in(pages[who], live_server, who)
    alice, ines = pages["alice"], pages["ines"]

    alice.goto(f"{live_server.url}/routines/{routine.id}/")
    alice.wait_for_selector("#routine-player[data-ready=true]")
    alice.evaluate("document.getElementById('music').currentTime = 2.2")
    alice.wait_for_function("document.getElementById('count').textContent !== ''")
    shoot(alice, "routine", size)

    alice.goto(f"{live_server.url}/routines/{routine.id}/practice/")
    alice.wait_for_selector("#practice[data-frame]")
    alice.evaluate("document.getElementById('music').currentTime = 2.2")
    alice.wait_for_function("document.getElementById('count').textContent !== ''")
    shoot(alice, "practice", size)

    alice.goto(f"{live_server.url}/attempts/{attempt.id}/")
    alice.wait_for_selector("#report[data-state=ready]", timeout=30_000)
    shoot(alice, "report", size)

    ines.goto(f"{live_server.url}/studios/{studio.id}/review/")
    ines.wait_for_selector("#progress-chart[data-ready=true]")
    shoot(ines, "review", size)

    alice.goto(f"{live_server.url}/classes/{class_session.id}/")
    alice.get_by_role("button", name="Join the class").click()
    alice.wait_for_selector("#class-learn[data-state=idle]")
    alice.evaluate("document.getElementById('music').currentTime = 2.2")
    alice.wait_for_function("document.getElementById('count').textContent !== ''")
    shoot(alice, "class", size)

    ClassSession.objects.filter(pk=class_session.pk).update(status=ClassSession.Status.ENDED)
    ines.goto(f"{live_server.url}/classes/{class_session.id}/summary/")
    shoot(ines, "class-summary", size)

    # The dashboard: the Live classes card keeps its distance from the cards above it.
    alice.goto(f"{live_server.url}/dashboard/")
    gap = alice.evaluate("""(() => {
        const above = document.querySelector('main .grid').getBoundingClientRect();
        return document.getElementById('live-classes').getBoundingClientRect().top - above.bottom; })()""")
    assert gap >= 12
    shoot(alice, "dashboard", size)
    assert errors == []


def test_an_invitation_link_is_copied_with_one_click(browser, live_server, studio_people):
    invite(studio_people["studio"], studio_people["owner"])
    context = browser.new_context(
        viewport=SIZES["phone"], permissions=["clipboard-read", "clipboard-write"]
    )
    page = context.new_page()
    log_in(page, live_server, "olive")
    page.goto(f"{live_server.url}/studios/{studio_people['studio'].id}/")
    page.get_by_role("button", name="Copy").click()
    page.get_by_role("button", name="Copied").wait_for()
    link = page.input_value("#invitation-1")
    assert "/invitations/" in link
    assert page.evaluate("navigator.clipboard.readText()") == link
    shoot(page, "studio-invitations", "phone")
    context.close()


def test_the_song_page_states_the_players_duration(page, live_server, make_user, wav_file):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from coach.songs.services import create_song

    alice = make_user("alice")
    path = wav_file(65.4)
    song = create_song(alice, SimpleUploadedFile(path.name, path.read_bytes()), "Long one")
    log_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/songs/{song.id}/")
    page.wait_for_function("Number.isFinite(document.getElementById('song-audio').duration)")
    player = page.evaluate("document.getElementById('song-audio').duration")
    minutes, seconds = divmod(int(player), 60)
    assert page.text_content("#song-duration") == f"{minutes}:{seconds:02d}" == "1:05"
