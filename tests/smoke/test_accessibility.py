"""The newcomer's tour in a real browser, with axe-core on every page (issue 13).

Every demo user logs in once per width (desktop 1280 px and a 390 x 844 phone) and follows
same-site links two clicks deep from the home page, like the demo-page smoke crawl
(tests/smoke/test_demo_pages.py). One page of each kind is checked per user: a kind is the URL
pattern the page resolves to (every review's item page is one template), so the crawl stays
short while covering every page kind each user can reach.

On each page:
- axe-core (vendored, static/vendor/axe.min.js) must find no serious or critical violation;
- the page must not be wider than the window (WCAG 1.4.10: wide tables scroll in their own box,
  and the menu fits, e.g. the state administrator's user menu at 1280 px);
- every chart is drawn by the project's helper (static/js/charts.js) and keeps its numbers in a
  table beside it for screen readers.

All problems of all users and widths are collected and reported together.
"""

from __future__ import annotations

import io
import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve

from accounts.demo import DEMO_PASSWORD, DEMO_USERS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The smoke crawl's rules: no logout, no Django admin, no downloads, no respondent pages.
SKIP = re.compile(r"/logout|/admin/|/export|\.csv|\.xlsx|download|/respond/|/static/|format=")
DEPTH = 3
WIDTHS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}

LINKS_JS = "() => Array.from(document.querySelectorAll('a[href]'), a => a.getAttribute('href'))"
AXE_JS = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.id} (${v.impact}) x${v.nodes.length}: ` + v.nodes.slice(0, 4).map(n => n.target.join(' ')).join(' | '));
}"""
OVERFLOW_JS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
CHARTS_JS = """() => Array.from(document.querySelectorAll('canvas')).flatMap(canvas => {
  const name = canvas.id || canvas.dataset.chart || 'canvas';
  const problems = [];
  if (!window.Chart || !Chart.getChart(canvas) || !canvas.qaSpec) problems.push(`${name}: not drawn by static/js/charts.js`);
  const holder = canvas.closest('figure, section');
  if (!holder || !holder.querySelector('table')) problems.push(`${name}: no data table beside the chart`);
  return problems;
})"""


def page_kind(path: str) -> str:
    try:
        return resolve(path).view_name
    except Resolver404:
        return path


def check(page, base: str) -> list[str]:
    """axe-core's serious/critical violations and horizontal overflow of the page now shown."""
    # From the site's static files, as a page's own scripts are (an inline copy would not pass a CSP).
    page.add_script_tag(url=urljoin(base, "/static/vendor/axe.min.js"))
    problems = page.evaluate(AXE_JS) + page.evaluate(CHARTS_JS)
    overflow = page.evaluate(OVERFLOW_JS)
    if overflow > 0:
        problems.append(f"page is {overflow}px wider than the window")
    return problems


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/")


def crawl_with_axe(page, base: str) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Visit one page of each kind reachable in DEPTH clicks; returns kinds seen and problems per URL."""
    kinds: dict[str, str] = {}
    problems: dict[str, list[str]] = {}
    frontier = ["/"]
    for _depth in range(DEPTH):
        next_frontier: list[str] = []
        for url in frontier:
            kind = page_kind(urlsplit(url).path)
            if kind in kinds:
                continue
            kinds[kind] = url
            response = page.goto(base + url)
            if response is None or "text/html" not in (response.headers.get("content-type") or ""):
                continue
            if response.status != 200:
                problems[url] = [f"HTTP {response.status}"]
                continue
            found = check(page, base)
            if found:
                problems[url] = found
            for href in page.evaluate(LINKS_JS):
                if href.startswith("#"):
                    continue
                parts = urlsplit(urljoin(base + url, href))
                if parts.netloc != urlsplit(base).netloc or SKIP.search(parts.path + "?" + parts.query):
                    continue
                next_frontier.append(parts.path + (f"?{parts.query}" if parts.query else ""))
        frontier = next_frontier
    return kinds, problems


@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_page_of_every_demo_user_passes_axe(browser, live_server, width):
    call_command("seed_demo", "--children", "300", stdout=io.StringIO())
    base = live_server.url
    options = WIDTHS[width]
    failures: dict[str, dict[str, list[str]]] = {}
    reached: dict[str, int] = {}
    # The log-in page, as everyone first meets it.
    context = browser.new_context(**options)
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    if found := check(page, base):
        failures["anonymous"] = {"/accounts/login/": found}
    context.close()
    for username, *_ in DEMO_USERS:
        context = browser.new_context(**options)
        page = context.new_page()
        log_in(page, base, username)
        kinds, problems = crawl_with_axe(page, base)
        context.close()
        reached[username] = len(kinds)
        if problems:
            failures[username] = problems
    assert all(n > 3 for n in reached.values()), f"some demo users reach almost nothing: {reached}"
    report = "\n".join(
        f"{who} {url}: {problem}"
        for who, pages in failures.items()
        for url, found in pages.items()
        for problem in found
    )
    assert failures == {}, (
        f"accessibility problems at {width} width on {sum(map(len, failures.values()))} pages:\n{report}"
    )
