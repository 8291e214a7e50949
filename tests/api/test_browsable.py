"""The browsable API page and the profile's token form work in a real browser under the CSP."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_content_security_policy import Watcher
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_browsable_page_and_token_form_under_the_policy(live_server, browser, make_user):
    make_user("api_supervisor", ("supervisor", "6ZA"))
    base = live_server.url
    context = browser.new_context()
    watcher = Watcher(context)
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill("api_supervisor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/accounts/profile/")
    page.get_by_role("button", name="Create token").click()
    key = page.locator("#new-api-token").inner_text()
    assert len(key) == 40
    expect(page.get_by_role("button", name="Revoke token")).to_be_visible()
    watcher.check(page)

    response = page.goto(f"{base}/api/v1/metrics/results/")
    assert response.status == 200 and "script-src 'self' 'nonce-" in response.headers["content-security-policy"]
    expect(page.locator("h1")).to_contain_text("Metric Results")
    expect(page.get_by_label("The response")).to_contain_text('"count"')  # the JSON, in the app's layout
    expect(page.get_by_role("link", name="My roles").first).to_be_visible()
    watcher.check(page)
    page.goto(f"{base}/api/v1/")
    watcher.check(page)

    page.goto(f"{base}/accounts/profile/")
    page.get_by_role("button", name="Revoke token").click()
    expect(page.get_by_text("You have no API token")).to_be_visible()
    watcher.check(page)
    context.close()
    assert watcher.problems == []
