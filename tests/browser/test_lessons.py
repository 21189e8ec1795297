"""Lessons in real headless Chromium on a phone-sized screen: an instructor assigns a lesson, the
student finds it on their dashboard, and the instructor's review page draws the progress chart."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from coach.lessons.models import Lesson
from coach.practice.models import Attempt
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_routine_page import log_in
from tests.coach.factories import make_routine, make_song
from tests.coach.review.test_review import danced  # noqa: F401  (a fixture: a really scored dance)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FITS_SCREEN = "document.documentElement.scrollWidth <= window.innerWidth"


def test_an_instructor_assigns_a_lesson_and_the_student_sees_it(
    page, browser, live_server, studio_people
):
    instructor, alice = studio_people["instructor"], studio_people["alice"]
    alice.email = "alice@example.com"
    alice.save()
    routine = make_routine(instructor, song=make_song(instructor, title="Moon River"))
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    log_in(page, live_server, "ines")
    page.locator("#teaching").get_by_role("link", name="Assign a lesson").click()
    page.get_by_label("Title").fill("Waltz box step")
    page.get_by_label("Routine", exact=True).select_option(str(routine.id))
    page.get_by_label("bob").uncheck()  # alice only; everyone starts ticked
    page.get_by_label("Target score").fill("80")
    page.get_by_label("Notes").fill("Keep your frame up.")
    assert page.evaluate(FITS_SCREEN)
    page.get_by_role("button", name="Assign").click()
    page.get_by_role("heading", name="Waltz box step").wait_for()
    lesson = Lesson.objects.get()
    assert lesson.routine == routine and lesson.target_score == 80
    assert page.locator("#results tbody tr").count() == 1
    assert page.locator("#results tbody tr").first.get_attribute("data-student") == "alice"
    assert page.evaluate(FITS_SCREEN)
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]

    student = browser.new_context(viewport={"width": 390, "height": 844})
    student_page = student.new_page()
    student_page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(student_page, live_server, "alice")
    item = student_page.locator("#my-lessons .lesson-item")
    assert item.count() == 1
    assert item.first.get_attribute("data-state") == "todo"
    assert (
        "Waltz box step" in item.first.text_content() and "Moon River" in item.first.text_content()
    )
    assert student_page.evaluate(FITS_SCREEN)
    ARTIFACTS.mkdir(exist_ok=True)
    student_page.screenshot(path=str(ARTIFACTS / "lessons-student-dashboard.png"), full_page=True)
    item.first.get_by_role("link", name="Waltz box step").click()
    student_page.get_by_role("link", name="Practise").wait_for()
    assert "Keep your frame up." in student_page.locator("#lesson-facts").text_content()
    assert student_page.locator("#lesson-state").text_content().strip() == "To do"
    student.close()

    # Two finished attempts of alice's (scores as stored by the practice services' summary).
    for days_ago, overall in [(2, 55.0), (1, 72.5)]:
        when = timezone.now() - timedelta(days=days_ago)
        Attempt.objects.create(
            routine=routine,
            learner=alice,
            studio=studio_people["studio"],
            status=Attempt.Status.COMPLETE,
            started_at=when,
            finished_at=when,
            summary={"overall": overall, "beats": 4},
        )
    page.goto(f"{live_server.url}/studios/{studio_people['studio'].id}/review/")
    page.wait_for_selector("#progress-chart[data-ready=true]")
    chart = page.evaluate("""(() => { const c = Chart.getChart(document.getElementById('progress-chart'));
        return c.data.datasets.map(d => [d.label, d.data.map(p => p.y)]); })()""")
    assert chart == [["alice", [55.0, 72.5]]]
    assert page.locator("#students tbody tr").count() == 2
    assert page.evaluate(FITS_SCREEN)
    assert errors == []


def test_a_comment_pinned_to_a_beat_reaches_the_students_report(page, browser, live_server, danced):  # noqa: F811
    attempt = danced["practise"](danced["alice"])
    # Any beat can carry a comment (a well danced attempt names no weakest beat).
    beat = attempt.beat_results[len(attempt.beat_results) // 2]["index"]
    log_in(page, live_server, "ines")
    page.goto(f"{live_server.url}/review/attempts/{attempt.id}/")
    assert page.locator("#beats tbody tr.beat-row").count() == len(attempt.beat_results)
    page.get_by_label("Beat", exact=True).fill(str(beat + 1))
    page.get_by_label("Comment").fill("Reach further on this one")
    page.get_by_role("button", name="Add comment").click()
    page.locator(f"#beats tr.commented[data-beat='{beat}']").wait_for()
    assert page.evaluate(FITS_SCREEN)

    student = browser.new_context(viewport={"width": 390, "height": 844})
    student_page = student.new_page()
    log_in(student_page, live_server, "alice")
    student_page.goto(f"{live_server.url}/attempts/{attempt.id}/")
    student_page.wait_for_selector("#report[data-state=ready]")
    assert "Reach further on this one" in student_page.locator("#comments").text_content()
    marks = student_page.evaluate("""(() => { const c = Chart.getChart(document.getElementById('beat-chart'));
        const set = c.data.datasets.find(d => d.label === "Instructor's comment");
        return c.data.labels.filter((_, i) => set.data[i] !== null); })()""")
    assert marks == [str(beat + 1)]
    assert student_page.evaluate(FITS_SCREEN)
    ARTIFACTS.mkdir(exist_ok=True)
    student_page.screenshot(path=str(ARTIFACTS / "lessons-comment-on-report.png"), full_page=True)
    student.close()
