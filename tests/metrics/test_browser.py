"""The metric page in a real browser: the charts are drawn from the stored results."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from tests.metrics.bundle import load
from tests.metrics.helpers import assignment, run


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_metric_page_draws_the_agency_and_trend_charts(live_server, page, personas, tmp_path):
    episodes = [
        {"episode_id": "EA", "child_id": "CA", "removal_date": "2023-01-01"},
        {"episode_id": "EB", "child_id": "CB", "removal_date": "2023-01-01"},
    ]
    assignments = [assignment("CA", "EA", "6ZA", "2023-01-01"), assignment("CB", "EB", "6ZB", "2023-01-01")]
    visit = {
        "visit_id": "V1",
        "child_id": "CA",
        "worker_id": "W-6ZA",
        "visit_date": "2023-07-03",
        "contact_mode": "IN_PERSON",
        "location": "CHILD_RESIDENCE",
        "status": "COMPLETED",
    }
    load(tmp_path, removal_episodes=episodes, worker_assignments=assignments, worker_child_visits=[visit])
    run("2023-06", "2023-07", metrics=["worker_child_visits"])

    page.goto(f"{live_server.url}/accounts/login/?next=/metrics/worker_child_visits/")
    page.get_by_label("Username").fill("state_supervisor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/metrics/worker_child_visits/")
    assert page.get_by_role("heading", name="Worker/child visits").is_visible()
    # Chart.js attaches one chart per canvas; both are drawn with the stored values.
    drawn = page.evaluate(
        "() => ['by-agency', 'trend'].map(id => { const c = Chart.getChart(id); return c ? c.data.datasets.length : 0; })"
    )
    assert drawn == [1, 3]  # bars (the benchmark is drawn by the shared goal plugin); state, 6ZA and 6ZB trends
    labels = page.evaluate("() => Chart.getChart('by-agency').data.labels")
    assert "6ZA" in labels and "6ZB" in labels
    legend = page.evaluate("() => Chart.getChart('by-agency').legend.legendItems.map(i => i.text)")
    assert legend == ["Benchmark >= 95.0%"]
    page.screenshot(path=tmp_path / "metric.png", full_page=True)
    assert (tmp_path / "metric.png").stat().st_size > 5000


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_ticking_join_successor_agencies_redraws_the_trend_with_6zt_under_6zv(live_server, page, personas, tmp_path):
    episodes = [{"episode_id": f"E{c}", "child_id": c, "removal_date": "2023-01-01"} for c in "XY"]
    assignments = [
        assignment("X", "EX", "6ZT", "2023-01-01", "2023-04-30"),
        assignment("X", "EX", "6ZV", "2023-05-01"),
        assignment("Y", "EY", "6ZV", "2023-01-01"),
    ]
    visits = [
        {
            "visit_id": f"V{n}",
            "child_id": child,
            "worker_id": "W1",
            "visit_date": day,
            "contact_mode": "IN_PERSON",
            "location": "CHILD_RESIDENCE",
            "status": "COMPLETED",
        }
        for n, (child, day) in enumerate([("X", "2023-04-10"), ("X", "2023-05-10"), ("Y", "2023-05-10")])
    ]
    load(tmp_path, removal_episodes=episodes, worker_assignments=assignments, worker_child_visits=visits)
    run("2023-04", "2023-05", metrics=["worker_child_visits"])

    page.goto(f"{live_server.url}/accounts/login/?next=/metrics/worker_child_visits/")
    page.get_by_label("Username").fill("state_supervisor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/metrics/worker_child_visits/")
    series = "() => Chart.getChart('trend').data.datasets.map(d => [d.label, d.data])"
    assert page.evaluate(series) == [["MO", [50, 100]], ["6ZT", [100, None]], ["6ZV", [0, 100]]]
    page.get_by_label("Join successor agencies in the trend").check()
    page.wait_for_url("**join=1**")
    assert page.evaluate(series) == [["MO", [50, 100]], ["6ZV (incl. 6ZT before 2023-05)", [50, 100]]]
    assert page.get_by_role("link", name="Download trend CSV (successors joined)").is_visible()


# The benchmark's dashed line (#212529) must be drawn over the bars, also when there is only one bar:
# read back the canvas's pixels along the goal's height, across the bar.
GOAL_PIXELS = """id => {
  const chart = Chart.getChart(id);
  const goal = chart.canvas.qaSpec.goal;
  const y = Math.round(chart.scales.y.getPixelForValue(Array.isArray(goal) ? goal[0] : goal));
  const bar = chart.getDatasetMeta(0).data[0];
  const ratio = chart.currentDevicePixelRatio;
  const pixels = chart.ctx.getImageData(
    Math.round((bar.x - bar.width / 2) * ratio), (y - 1) * ratio, Math.round(bar.width * ratio), 3 * ratio
  ).data;
  let dark = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    if (pixels[i] < 60 && pixels[i + 1] < 60 && pixels[i + 2] < 60 && pixels[i + 3] > 200) dark++;
  }
  return dark;
}"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_benchmark_line_is_drawn_over_a_single_agency_bar(live_server, page, personas, tmp_path):
    episodes = [{"episode_id": "EA", "child_id": "CA", "removal_date": "2023-01-01"}]
    visit = {
        "visit_id": "V1",
        "child_id": "CA",
        "worker_id": "W-6ZA",
        "visit_date": "2023-07-03",
        "contact_mode": "IN_PERSON",
        "location": "CHILD_RESIDENCE",
        "status": "COMPLETED",
    }
    load(
        tmp_path,
        removal_episodes=episodes,
        worker_assignments=[assignment("CA", "EA", "6ZA", "2023-01-01")],
        worker_child_visits=[visit],
    )
    run("2023-07", "2023-07", metrics=["worker_child_visits"])

    page.goto(f"{live_server.url}/accounts/login/?next=/metrics/worker_child_visits/")
    page.get_by_label("Username").fill("viewer_a")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/metrics/worker_child_visits/")
    assert page.evaluate("() => Chart.getChart('by-agency').data.labels") == ["6ZA"]
    assert page.evaluate(GOAL_PIXELS, "by-agency") > 20
    # the value sits on its bar with its n; the unit is a word, not a code
    spec = page.evaluate("() => Chart.getChart('by-agency').canvas.qaSpec")
    assert (spec["series"][0]["texts"], spec["series"][0]["n"], spec["axis_title"]) == (["100.0%"], [1], "%")
    assert "PERCENT" not in page.locator("main").inner_text()
    page.screenshot(path=tmp_path / "metric-one-agency.png", full_page=True)
