"""The new pages of issue 16 in a real browser at 1280 and 390 px: axe-core finds no serious or
critical violation and nothing is wider than the window (the checks of tests/smoke/test_accessibility.py)."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from tests.reports.test_extract_agreement import reviews  # noqa: F401 - the fixture
from tests.smoke.test_accessibility import WIDTHS, check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_extract_pages_pass_axe(reviews, personas, browser, live_server, width):  # noqa: F811
    context = browser.new_context(**WIDTHS[width])
    page = context.new_page()
    base = live_server.url
    problems = {}
    for username, urls in (
        (
            "qa_a",
            [
                f"/reviews/{reviews[1].pk}/",
                f"/reviews/{reviews[1].pk}/items/14/",
                f"/reviews/{reviews[4].pk}/",
                "/reviews/qa/",
                f"/reports/extract/cases/{reviews[1].case.pk}/link/",
            ],
        ),
        ("supervisor_a", ["/reports/quarterly/?quarter=2023Q2&agency=6ZA"]),
        ("admin_a", ["/reports/extract/sample/"]),
    ):
        context.clear_cookies()
        page.goto(f"{base}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{base}/")
        for url in urls:
            response = page.goto(base + url)
            assert response.status == 200, url
            found = check(page, base)
            if found:
                problems[url] = found
    context.close()
    assert not problems, problems
