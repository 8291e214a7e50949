"""A draft's PDF prepared in a background thread (no broker), seen in a real browser: the page
answers before the render, updates itself (htmx) once the file is ready, and passes axe at 1280
and 390 px."""

from __future__ import annotations

import threading

import pytest

from reports import publishing, rendering
from reports.models import PreparedFile
from reports.quarterly import Quarter, resolve_scope
from tests.reports.test_browser import log_in
from tests.smoke.test_accessibility import check


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_draft_pdf_is_prepared_in_a_thread_and_offered_when_ready(
    q3, personas, live_server, page, settings, monkeypatch
):
    settings.TASKS_WITHOUT_BROKER = "thread"
    release = threading.Event()
    threads: list[str] = []

    def render(snapshot, fmt):
        threads.append(threading.current_thread().name)
        release.wait(timeout=60)
        return b"%PDF-1.7 prepared"

    monkeypatch.setattr(rendering, "render", render)
    publishing.start(personas.supervisor_b, Quarter(2023, 3), resolve_scope(personas.supervisor_b, "6ZB"))
    page.set_default_timeout(60_000)
    log_in(page, live_server, "supervisor_b")
    page.goto(f"{live_server.url}/reports/quarterly/2023Q3/6ZB/")
    page.get_by_role("link", name="PDF").first.click()

    # The page answered while the render waits at the gate, in a background thread.
    assert page.get_by_text("Preparing the PDF of the July–September 2023 report").is_visible()
    assert page.url.endswith("/reports/quarterly/2023Q3/6ZB/report.pdf")
    assert PreparedFile.objects.get().status in ("pending", "running")
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        assert check(page, live_server.url) == [], width

    release.set()
    page.get_by_text("The PDF is ready.").wait_for()  # htmx polled the status
    assert threads and threads[0].startswith("background-task")
    for width, height in ((390, 844), (1280, 900)):
        page.set_viewport_size({"width": width, "height": height})
        assert check(page, live_server.url) == [], width
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF").click()
    assert download.value.suggested_filename == "response-evaluation-report_2023Q3_6ZB_draft-v1.pdf"
    assert open(download.value.path(), "rb").read() == b"%PDF-1.7 prepared"
    assert len(threads) == 1
