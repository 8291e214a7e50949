"""A draft's PDF and Word files are prepared in the background (reports.prepared), not in the request.

The render is replaced by a fast fake (its content does not matter here: tests/reports/test_outputs.py
reads the real files); the jobs are recorded when started and run when the test says so.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import AuditEntry
from reports import prepared, publishing, rendering
from reports.models import PreparedFile, RenderedFile, Report
from reports.quarterly import Quarter, resolve_scope
from reports.tasks import prepare_file_task, render_version_files_task

Q3 = Quarter(2023, 3)
URL = "/reports/quarterly/2023Q3/{scope}/"


@pytest.fixture
def renders(monkeypatch):
    """The fake render: the format and the commentary on worker/child visits; `fail` makes it raise."""
    calls: list[str] = []
    state = {"fail": False}

    def render(snapshot, fmt):
        calls.append(fmt)
        if state["fail"]:
            raise RuntimeError("WeasyPrint ran out of memory")
        note = snapshot["texts"]["commentary"].get("worker_child_visits", "")
        return f"{fmt}:{note}".encode()

    monkeypatch.setattr(rendering, "render", render)
    return calls, state


@pytest.fixture
def jobs(monkeypatch, db):
    """Jobs started are recorded, not run; `run_all()` runs them as the worker would.

    A job is started on commit; the test's transaction never commits, so `started` runs the
    callbacks registered since it last looked (as the commit would)."""
    recorded: list[tuple] = []
    monkeypatch.setattr(prepared, "enqueue", lambda task, *args: recorded.append((task, args)))
    seen = len(connection.run_on_commit)

    class Jobs(list):
        @property
        def started(self) -> list[tuple]:
            nonlocal seen
            callbacks = connection.run_on_commit[seen:]
            seen = len(connection.run_on_commit)
            for _sids, callback, _robust in callbacks:
                callback()
            return recorded

        def run_all(self):
            started = self.started
            while started:
                task, args = started.pop(0)
                self.append(task.apply(args=args).get())

    return Jobs()


@pytest.fixture
def draft_b(q3, personas):
    return publishing.start(personas.supervisor_b, Q3, resolve_scope(personas.supervisor_b, "6ZB"))


def test_a_draft_pdf_is_prepared_once_then_served(draft_b, personas, client_for, renders, jobs):
    calls, _ = renders
    client = client_for(personas.supervisor_b)
    first = client.get(URL.format(scope="6ZB") + "report.pdf")
    assert first.status_code == 200 and first["Content-Type"].startswith("text/html")
    page = first.content.decode()
    assert "Preparing the PDF of the July–September 2023 report" in page
    assert 'hx-get="/reports/quarterly/2023Q3/6ZB/report.pdf/prepared/"' in page
    assert len(jobs.started) == 1 and jobs.started[0][0] is prepare_file_task
    entry = PreparedFile.objects.get()
    assert (entry.report_id, entry.format, entry.status) == (draft_b.pk, "pdf", "pending")
    assert entry.digest == prepared.digest(publishing.snapshot_for(draft_b, personas.supervisor_b))
    assert calls == []  # nothing rendered in the request

    # A second request while the job waits starts none.
    second = client.get(URL.format(scope="6ZB") + "report.pdf")
    assert b"Preparing the PDF" in second.content
    assert len(jobs.started) == 1 and PreparedFile.objects.count() == 1

    jobs.run_all()
    assert jobs == ["done"] and calls == ["pdf"]
    entry.refresh_from_db()
    assert (entry.status, bytes(entry.content), entry.error) == ("done", b"pdf:", "")
    assert entry.finished_at is not None

    # The page polled by htmx now offers the file, and stops polling.
    fragment = client.get(URL.format(scope="6ZB") + "report.pdf/prepared/", HTTP_HX_REQUEST="true").content.decode()
    assert "The PDF is ready." in fragment and "hx-get" not in fragment and "<html" not in fragment
    assert 'href="/reports/quarterly/2023Q3/6ZB/report.pdf/prepared/file"' in fragment

    # The file: from the page's link, and at once from the download URL (same snapshot), no new render.
    for url in ("report.pdf/prepared/file", "report.pdf"):
        response = client.get(URL.format(scope="6ZB") + url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == (
            'attachment; filename="response-evaluation-report_2023Q3_6ZB_draft-v1.pdf"'
        )
        assert response.content == b"pdf:"
    assert calls == ["pdf"] and jobs.started == []
    assert AuditEntry.objects.filter(action="reports.report.downloaded", user=personas.supervisor_b).count() == 2


def test_word_is_prepared_beside_the_pdf(draft_b, personas, client_for, renders, jobs):
    client = client_for(personas.supervisor_b)
    client.get(URL.format(scope="6ZB") + "report.pdf")
    assert b"Preparing the Word of" in client.get(URL.format(scope="6ZB") + "report.docx").content
    assert len(jobs.started) == 2
    jobs.run_all()
    response = client.get(URL.format(scope="6ZB") + "report.docx")
    assert response["Content-Type"] == rendering.CONTENT_TYPES["docx"]
    assert response["Content-Disposition"].endswith('filename="response-evaluation-report_2023Q3_6ZB_draft-v1.docx"')
    assert response.content == b"docx:"
    assert sorted(PreparedFile.objects.values_list("format", flat=True)) == ["docx", "pdf"]


def test_json_excel_and_html_of_a_draft_stay_in_the_request(draft_b, personas, client_for, renders, jobs):
    client = client_for(personas.supervisor_b)
    for fmt in ("json", "xlsx", "html"):
        response = client.get(URL.format(scope="6ZB") + f"report.{fmt}")
        assert response.status_code == 200 and response.content == f"{fmt}:".encode()
    assert renders[0] == ["json", "xlsx", "html"]
    assert jobs.started == [] and not PreparedFile.objects.exists()


def test_a_changed_draft_prepares_a_new_file_in_place_of_the_old(draft_b, personas, client_for, renders, jobs):
    client = client_for(personas.supervisor_b)
    client.get(URL.format(scope="6ZB") + "report.pdf")
    jobs.run_all()
    old = PreparedFile.objects.get()
    client.post(URL.format(scope="6ZB") + "commentary/", {"measure": "worker_child_visits", "commentary": "Two left."})

    response = client.get(URL.format(scope="6ZB") + "report.pdf")
    assert b"Preparing the PDF" in response.content and len(jobs.started) == 1
    entry = PreparedFile.objects.get()  # replaced: one per report and format
    assert entry.pk == old.pk and entry.digest != old.digest and entry.status == "pending"
    assert entry.snapshot["texts"]["commentary"]["worker_child_visits"] == "Two left."
    jobs.run_all()
    assert client.get(URL.format(scope="6ZB") + "report.pdf").content == b"pdf:Two left."


def test_a_job_for_a_replaced_snapshot_leaves_the_new_entry_alone(draft_b, personas, client_for, renders, jobs):
    client = client_for(personas.supervisor_b)
    client.get(URL.format(scope="6ZB") + "report.pdf")
    stale_job = jobs.started.pop()
    client.post(URL.format(scope="6ZB") + "commentary/", {"measure": "worker_child_visits", "commentary": "New."})
    client.get(URL.format(scope="6ZB") + "report.pdf")
    assert stale_job[0].apply(args=stale_job[1]).get() == "skipped"
    assert PreparedFile.objects.get().status == "pending"
    jobs.run_all()
    assert bytes(PreparedFile.objects.get().content) == b"pdf:New."


def test_a_failed_render_says_so_and_may_be_tried_again(draft_b, personas, client_for, renders, jobs):
    calls, state = renders
    client = client_for(personas.supervisor_b)
    state["fail"] = True
    client.get(URL.format(scope="6ZB") + "report.pdf")
    jobs.run_all()
    assert jobs == ["failed"]
    entry = PreparedFile.objects.get()
    assert (entry.status, entry.error) == ("failed", "RuntimeError: WeasyPrint ran out of memory")

    # The download URL shows the failure (it starts nothing by itself), with a button to try again.
    page = client.get(URL.format(scope="6ZB") + "report.pdf").content.decode()
    assert "Preparing the PDF failed." in page and "RuntimeError: WeasyPrint ran out of memory" in page
    assert 'action="/reports/quarterly/2023Q3/6ZB/report.pdf/prepared/"' in page and "Try again" in page
    assert jobs.started == []
    assert client.get(URL.format(scope="6ZB") + "report.pdf/prepared/file").status_code == 302

    state["fail"] = False
    response = client.post(URL.format(scope="6ZB") + "report.pdf/prepared/")
    assert response.status_code == 302 and response.url == URL.format(scope="6ZB") + "report.pdf/prepared/"
    assert len(jobs.started) == 1 and PreparedFile.objects.get().status == "pending"
    assert client.post(URL.format(scope="6ZB") + "report.pdf/prepared/").status_code == 302
    assert len(jobs.started) == 1  # a retry of a job that is not failed starts nothing
    jobs.run_all()
    assert client.get(URL.format(scope="6ZB") + "report.pdf/prepared/file").content == b"pdf:"
    assert calls == ["pdf", "pdf"]


def test_a_lost_job_shows_as_failed_and_may_be_tried_again(draft_b, personas, client_for, renders, jobs):
    client = client_for(personas.supervisor_b)
    client.get(URL.format(scope="6ZB") + "report.pdf")
    jobs.started.clear()  # the worker died with it
    PreparedFile.objects.update(status="running", created_at=timezone.now() - timedelta(minutes=16))
    page = client.get(URL.format(scope="6ZB") + "report.pdf/prepared/").content.decode()
    assert "The job did not finish in time." in page and "Try again" in page
    client.post(URL.format(scope="6ZB") + "report.pdf/prepared/")
    jobs.run_all()
    assert jobs == ["done"] and PreparedFile.objects.get().status == "done"


def test_only_those_who_may_see_the_draft_reach_its_prepared_file(draft_b, personas, client_for, renders, jobs):
    client_for(personas.supervisor_b).get(URL.format(scope="6ZB") + "report.pdf")
    jobs.run_all()
    urls = ["report.pdf", "report.docx", "report.pdf/prepared/", "report.pdf/prepared/file"]
    # a viewer may not see drafts: the draft does not exist for them, as for its JSON
    # (also for one who is QA elsewhere); another agency's supervisor is refused the agency (404)
    for user in (personas.viewer_b, personas.qa_a_viewer_b, personas.supervisor_a):
        client = client_for(user)
        assert client.get(URL.format(scope="6ZB") + "report.json").status_code == 404, user
        for url in urls:
            assert client.get(URL.format(scope="6ZB") + url).status_code == 404, (user, url)
        assert client.post(URL.format(scope="6ZB") + "report.pdf/prepared/").status_code == 404, user
    # without report.view in 6ZB: 403, as for the JSON (also for an administrator of 6ZA)
    for user in (personas.reviewer_b, personas.admin_a_reviewer_b):
        client = client_for(user)
        assert client.get(URL.format(scope="6ZB") + "report.json").status_code == 403, user
        for url in urls:
            assert client.get(URL.format(scope="6ZB") + url).status_code == 403, (user, url)
    assert len(jobs.started) == 0 and PreparedFile.objects.get().format == "pdf"


def test_a_published_report_serves_its_kept_version_not_a_prepared_draft(
    draft_b, personas, client_for, renders, jobs, make_user
):
    second = make_user("admin_b2", ("administrator", "6ZB"))
    publishing.publish(publishing.submit(draft_b, personas.supervisor_b), second)
    assert Report.objects.get().status == "published"
    client = client_for(personas.supervisor_b)
    response = client.get(URL.format(scope="6ZB") + "report.pdf")
    assert response.status_code == 200 and response.content == b"pdf:"
    assert response["Content-Disposition"].endswith('_v1.pdf"')
    assert jobs.started == [] and not PreparedFile.objects.exists()
    assert client.get(URL.format(scope="6ZB") + "report.pdf/prepared/").status_code == 404


def test_a_published_versions_files_are_rendered_after_the_commit_not_in_the_first_download(
    draft_b, personas, client_for, renders, jobs, make_user, monkeypatch
):
    started: list[tuple] = []
    monkeypatch.setattr(publishing, "enqueue", lambda task, *args: started.append((task, args)))
    second = make_user("admin_b2", ("administrator", "6ZB"))
    version = publishing.publish(publishing.submit(draft_b, personas.supervisor_b), second)
    assert started == [] and not RenderedFile.objects.exists()  # nothing before the commit
    jobs.started  # the commit: its callbacks run
    assert started == [(render_version_files_task, (version.pk,))]
    calls, _state = renders
    assert render_version_files_task.apply(args=[version.pk]).get() == ["pdf", "docx"]
    assert sorted(version.files.values_list("format", flat=True)) == ["docx", "pdf"] and calls == ["pdf", "docx"]
    # Run again (a redelivered task): nothing rendered twice.
    assert render_version_files_task.apply(args=[version.pk]).get() == [] and calls == ["pdf", "docx"]
    response = client_for(personas.supervisor_b).get(URL.format(scope="6ZB") + "report.pdf")
    assert response.status_code == 200 and response.content == b"pdf:" and calls == ["pdf", "docx"]
    # A version deleted meanwhile (its report removed by an administrator) ends the task quietly.
    assert render_version_files_task.apply(args=[version.pk + 1000]).get() == []


def test_the_digest_leaves_out_the_moment_the_draft_was_built(draft_b, personas):
    one = publishing.snapshot_for(draft_b, personas.supervisor_b)
    two = {**one, "report": {**one["report"], "generated_at": "2030-01-01T00:00:00+00:00"}}
    assert prepared.digest(one) == prepared.digest(two)
    three = {**one, "texts": {**one["texts"], "introduction": "Another."}}
    assert prepared.digest(one) != prepared.digest(three)


def test_the_file_link_serves_only_a_file_of_the_users_own_snapshot(draft_b, personas, client_for, renders, jobs):
    client = client_for(personas.supervisor_b)
    client.get(URL.format(scope="6ZB") + "report.pdf")
    jobs.run_all()
    client.post(URL.format(scope="6ZB") + "commentary/", {"measure": "worker_child_visits", "commentary": "Later."})
    # the kept file was made before the edit: the link sends to the download, which prepares anew
    response = client.get(URL.format(scope="6ZB") + "report.pdf/prepared/file")
    assert response.status_code == 302 and response.url == URL.format(scope="6ZB") + "report.pdf"
    assert b"Preparing the PDF" in client.get(response.url).content
    jobs.run_all()
    assert client.get(URL.format(scope="6ZB") + "report.pdf/prepared/file").content == b"pdf:Later."


@pytest.mark.django_db(transaction=True)
def test_with_jobs_run_inline_the_first_download_is_the_file(q3, personas, client_for, renders, settings):
    """Celery eager and `TASKS_WITHOUT_BROKER = "inline"` (the tests' setting): the job runs when the
    request's transaction commits, so the first answer is already the file."""
    settings.TASKS_WITHOUT_BROKER = "inline"
    publishing.start(personas.supervisor_b, Q3, resolve_scope(personas.supervisor_b, "6ZB"))
    response = client_for(personas.supervisor_b).get(URL.format(scope="6ZB") + "report.docx")
    assert response.status_code == 200 and response.content == b"docx:"
    assert response["Content-Type"] == rendering.CONTENT_TYPES["docx"]
    assert renders[0] == ["docx"] and PreparedFile.objects.get().status == "done"
