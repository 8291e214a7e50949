"""Every main page works in a real browser under the Content-Security-Policy, with no violation.

On the demo data: the home page and its Bootstrap menu, the metrics dashboard (the period list
submits itself) and a metric page (Chart.js), the review summary (Chart.js), the printable
instrument (print button), a review item with an htmx save, the survey results, the quarterly
report, the respondent's pages (follow-up questions hidden by script, the error summary
focused) and the Django admin. Any CSP violation reported by the browser, or any script error, fails the test.
"""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from accounts.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs before the page's own scripts; records what the browser refused.
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.effectiveDirective} refused ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


class Watcher:
    """Collects CSP violations and script errors from every page of a browser context."""

    def __init__(self, context):
        self.problems: list[str] = []
        context.add_init_script(WATCH)
        context.on("page", self.attach)

    def attach(self, page: Page) -> None:
        page.on("console", self.on_console)
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: script error {error}"))

    def on_console(self, message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.problems.append(f"{message.location.get('url')}: {message.text}")

    def check(self, page: Page) -> None:
        """Call on each page before leaving it: the event log lives in the document."""
        self.problems += [f"{page.url}: {v}" for v in page.evaluate("window.__csp || []")]


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/")


def chart_count(page: Page) -> int:
    return page.evaluate("window.Chart ? Object.keys(Chart.instances).length : 0")


def test_the_main_pages_work_under_the_content_security_policy(live_server, browser, tmp_path):
    from reviews.models import Answer, Review

    seeded = io.StringIO()
    call_command("seed_demo", "--children", "300", stdout=seeded)
    invitation = re.search(r"(/surveys/respond/t/[^/\s?]+/)", seeded.getvalue()).group(1)
    base = live_server.url

    staff = browser.new_context()
    watcher = Watcher(staff)
    page = staff.new_page()

    # Supervisor: home (Bootstrap dropdown), dashboard, a metric, summaries, surveys, report.
    log_in(page, base, "supervisor_6za")
    home = page.goto(f"{base}/")
    assert "script-src 'self' 'nonce-" in home.headers["content-security-policy"]
    page.get_by_role("button", name="Sam Supervisor").click()  # the account menu
    expect(page.get_by_role("link", name="My roles")).to_be_visible()
    # htmx is loaded and added no <style> element of its own.
    assert page.evaluate("typeof htmx") == "object"
    assert page.evaluate("document.querySelectorAll('style').length") == 0
    watcher.check(page)

    page.goto(f"{base}/metrics/")
    periods = page.locator("#period option").all_inner_texts()
    assert len(periods) > 1
    with page.expect_navigation():
        page.locator("#period").select_option(periods[-1])
    assert f"period={periods[-1]}" in page.url
    watcher.check(page)

    page.goto(f"{base}/metrics/worker_child_visits/")
    assert page.evaluate("Chart.getChart('by-agency') !== undefined")
    watcher.check(page)

    page.goto(f"{base}/reviews/summary/")
    assert chart_count(page) == 3
    watcher.check(page)

    page.goto(f"{base}/reviews/instrument/")
    page.evaluate("window.print = () => { window.__printed = true; }")
    page.get_by_role("button", name="Print").click()
    assert page.evaluate("window.__printed") is True
    watcher.check(page)

    page.goto(f"{base}/surveys/")
    assert chart_count(page) >= 1
    watcher.check(page)

    page.goto(f"{base}/reports/quarterly/")
    assert chart_count(page) >= 1
    page.evaluate("window.print = () => { window.__printed = true; }")
    page.get_by_role("button", name="Print").click()
    assert page.evaluate("window.__printed") is True
    page.screenshot(path=tmp_path / "quarterly.png", full_page=True)
    watcher.check(page)
    staff.close()

    # Reviewer: an answer saved by htmx on the unfinished demo review.
    reviewer = browser.new_context()
    watcher_reviewer = Watcher(reviewer)
    page = reviewer.new_page()
    log_in(page, base, "reviewer_6za")
    review = Review.objects.get(case__case_id="DEMO-6ZA-0001")
    page.goto(f"{base}/reviews/{review.pk}/items/14/")
    with page.expect_response(lambda r: r.url.endswith("/answer/") and r.status == 200):
        page.locator("#q-14A").get_by_label("Yes", exact=True).check()
    expect(page.locator("#q-14A").get_by_label("Yes", exact=True)).to_be_checked()
    assert Answer.objects.filter(review=review, question_code="14A", participant=None).exists()
    watcher_reviewer.check(page)
    reviewer.close()

    # A respondent: follow-up questions hidden by script; the error summary takes the focus.
    respondent = browser.new_context()
    watcher_respondent = Watcher(respondent)
    page = respondent.new_page()
    page.goto(base + invitation)
    page.get_by_role("button", name="Start the survey").click()
    follow_ups = page.locator("[data-show-when]")
    assert follow_ups.count() >= 1 and follow_ups.first.is_hidden()
    watcher_respondent.check(page)
    page.goto(f"{base}/surveys/respond/")
    page.get_by_role("button", name="Open the survey").click()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    watcher_respondent.check(page)
    respondent.close()

    # The Django admin (its own scripts and styles) for the state administrator.
    admin = browser.new_context()
    watcher_admin = Watcher(admin)
    page = admin.new_page()
    log_in(page, base, "state_admin")
    page.goto(f"{base}/admin/accounts/user/")
    page.get_by_role("link", name="reviewer_6za").click()
    expect(page.get_by_role("heading", name="reviewer_6za")).to_be_visible()
    # The admin's own script runs: the inline for memberships offers "Add another".
    expect(page.get_by_text(re.compile("Add another membership", re.I))).to_be_visible()
    watcher_admin.check(page)
    admin.close()

    problems = watcher.problems + watcher_reviewer.problems + watcher_respondent.problems + watcher_admin.problems
    assert problems == []

    # The watcher is not blind: an injected inline script is refused and reported.
    canary = browser.new_context()
    watcher_canary = Watcher(canary)
    page = canary.new_page()
    page.goto(f"{base}/accounts/login/")
    page.evaluate(
        "document.body.append(Object.assign(document.createElement('script'), {textContent: 'window.__ran = 1'}))"
    )
    page.wait_for_function("window.__csp.length > 0")
    assert page.evaluate("window.__ran") is None
    watcher_canary.check(page)
    assert any("script-src" in problem for problem in watcher_canary.problems)
    canary.close()
