"""The instructor's progress chart with a single attempt: a date axis of a day or so either side
(not years), and the one point clearly drawn inside the plot, off the axis lines."""

import pytest
from django.utils import timezone

from coach.practice.models import Attempt
from tests.browser.test_routine_page import log_in
from tests.coach.factories import make_routine

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY_MS = 24 * 3600 * 1000
CHART = """(() => {
  const chart = Chart.getChart(document.getElementById('progress-chart'));
  const point = chart.getDatasetMeta(0).data[0];
  return {min: chart.scales.x.min, max: chart.scales.x.max, area: chart.chartArea,
          x: point.x, y: point.y, radius: point.options.radius,
          ticks: chart.scales.x.ticks.map((t) => chart.scales.x.getLabelForValue(t.value))};
})()"""


@pytest.mark.parametrize("overall", [0.0, 64.0])
def test_one_attempt_is_a_visible_point_on_a_short_date_axis(
    desktop_page, live_server, studio_people, overall
):
    page, alice = desktop_page, studio_people["alice"]
    routine = make_routine(studio_people["instructor"])
    now = timezone.now()
    Attempt.objects.create(
        routine=routine, learner=alice, studio=studio_people["studio"], status=Attempt.Status.COMPLETE,
        started_at=now, finished_at=now, summary={"overall": overall, "beats": 4},
    )  # fmt: skip
    log_in(page, live_server, "ines")
    page.goto(f"{live_server.url}/studios/{studio_people['studio'].id}/review/{alice.id}/")
    page.wait_for_selector("#progress-chart[data-ready=true]")
    chart = page.evaluate(CHART)
    assert chart["max"] - chart["min"] <= 3 * DAY_MS
    area = chart["area"]
    assert area["left"] + 20 < chart["x"] < area["right"] - 20  # not on the date axis' ends
    assert area["top"] + 5 < chart["y"] < area["bottom"] - 5  # not on the axis line, even at 0
    assert chart["radius"] >= 5
    assert 1 <= len(chart["ticks"]) <= 7
