"""The quarterly report in a real browser: charts drawn from the vendored Chart.js, print layout."""

from __future__ import annotations

import os

import pytest

from tests.conftest import PASSWORD


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_report_draws_charts_and_prints_without_the_menu(q3, personas, live_server, page, tmp_path):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("supervisor_a")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/reports/quarterly/?quarter=2023Q3")
    assert page.get_by_role("heading", name="Quarterly Response and Evaluation report").is_visible()
    # one chart per measure with stored results: worker/child visits and HCY exams
    assert page.evaluate("Object.keys(Chart.instances).length") == 2
    assert page.locator("canvas[data-chart=worker_child_visits]").bounding_box()["height"] > 100
    assert page.get_by_role("navigation", name="Main navigation").is_visible()
    if os.environ.get("REPORTS_SCREENSHOT"):  # a picture of the screen layout for reviewers, on request
        page.locator("#m-worker_child_visits").screenshot(path=os.environ["REPORTS_SCREENSHOT"])
    page.emulate_media(media="print")
    assert not page.get_by_role("navigation", name="Main navigation").is_visible()
    assert not page.get_by_role("button", name="Show").is_visible()
    assert page.locator("#h-worker_child_visits").is_visible()
    shot = tmp_path / "quarterly-print.png"
    page.screenshot(path=shot, full_page=True)
    assert shot.stat().st_size > 20000
