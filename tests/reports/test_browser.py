"""The quarterly report in a real browser: charts drawn from the vendored Chart.js, print layout."""

from __future__ import annotations

import os
from urllib.parse import urljoin

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


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_draft_commentary_publish_by_a_second_person_and_download(q3, personas, make_user, live_server, page, tmp_path):
    from pypdf import PdfReader

    from reports.models import ReportVersion

    make_user("state_analyst", ("supervisor", "CD"))
    page.set_default_timeout(120_000)  # a draft page reads every figure; the PDF takes seconds on a busy machine
    log_in(page, live_server, "state_supervisor")
    page.get_by_role("link", name="Written reports").first.click()
    page.get_by_label("Quarter").select_option("2023Q3")
    page.get_by_label("Scope").select_option("all")
    page.get_by_role("button", name="Open").click()
    page.get_by_role("button", name="Start the draft").click()
    assert page.get_by_text("Draft", exact=True).first.is_visible()
    analysis = page.locator("#m-worker_child_visits .analysis")
    assert "the goal for worker/child visits (at least 95.0%) was met in July (96.7%)" in analysis.inner_text()
    page.get_by_label("Commentary on Worker/child visits").fill(
        "August dipped after two caseworkers left; both posts are filled."
    )
    page.locator("#commentary-worker_child_visits").get_by_role("button", name="Save commentary").click()
    assert page.get_by_text("Commentary saved.").is_visible()
    assert page.locator("#commentary-worker_child_visits").get_by_text("both posts are filled").first.is_visible()
    # accessibility: axe-core (vendored) finds no serious or critical problem in the report (the page's
    # <main>; the site menu's colours are issue 13's)
    # From this site's static files: the Content-Security-Policy refuses an inline copy of the script.
    page.add_script_tag(url=urljoin(page.url, "/static/vendor/axe.min.js"))
    found = page.evaluate(
        "async () => (await axe.run({include: [['main']]}, {resultTypes: ['violations']})).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact)).map(v => v.id + ' ' + JSON.stringify(v.nodes.slice(0, 3).map(n => n.target)))"
    )
    assert found == []
    page.get_by_role("button", name="Submit for review").click()
    assert page.get_by_text("You edited this report last: publishing needs a second person.").is_visible()
    assert page.get_by_role("button", name="Publish version 1").count() == 0

    page.context.clear_cookies()
    log_in(page, live_server, "state_analyst")
    page.goto(f"{live_server.url}/reports/quarterly/2023Q3/all/")
    page.get_by_role("button", name="Publish version 1").click()
    assert page.get_by_text("Published. This version is frozen").is_visible()
    assert ReportVersion.objects.get().published_by.username == "state_analyst"

    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="PDF").click()
    pdf = tmp_path / "report.pdf"
    pdf_download.value.save_as(pdf)
    pages = [p.extract_text() for p in PdfReader(pdf).pages]
    assert f"Page 1 of {len(pages)}" in pages[0] and "Version 1, published" in pages[0]
    assert "both posts are filled" in " ".join(" ".join(pages).split())
    with page.expect_download() as word_download:
        page.get_by_role("link", name="Word").click()
    assert word_download.value.suggested_filename == "response-evaluation-report_2023Q3_all_v1.docx"
    # The standalone document (report.html, what the PDF is made from) opens styled: it is served under
    # its own policy, which allows its <style> block and nothing else (config.security).
    refused = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    page.goto(f"{live_server.url}/reports/quarterly/2023Q3/all/v1/report.html")
    assert page.locator("h2").first.evaluate("h => getComputedStyle(h).color") == "rgb(11, 46, 89)"  # report-print.css
    assert refused == []
    if os.environ.get("REPORTS_SCREENSHOT"):
        page.locator("#m-worker_child_visits").screenshot(path=os.environ["REPORTS_SCREENSHOT"])
