"""Log in as the demo reviewer in a real browser and see the home page."""

import pytest
from django.core.management import call_command

from accounts.demo import DEMO_PASSWORD


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_demo_reviewer_logs_in_and_sees_the_home_page(live_server, page, tmp_path):
    call_command("seed_demo", "--users-only", stdout=open("/dev/null", "w"))
    page.goto(f"{live_server.url}/")
    # Anonymous visitors are sent to the log-in page.
    assert "/accounts/login/" in page.url
    page.get_by_label("Username").fill("reviewer_6za")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", name="Welcome, Riley Reviewer").is_visible()
    roles = page.locator("#roles")
    assert "Reviewer" in roles.inner_text()
    assert "6ZA" in roles.inner_text()
    page.screenshot(path=tmp_path / "home.png", full_page=True)
    assert (tmp_path / "home.png").stat().st_size > 5000
