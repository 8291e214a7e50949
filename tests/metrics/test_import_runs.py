"""Import runs from the page (issue 10, finding 3): without a broker the import does not hold the
request, a run whose worker died is marked failed and can be retried, failures show no raw database
error, and the report page lists "… and N more" beyond the stored problems."""

from __future__ import annotations

import io
import threading
import time
import zipfile
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError, OperationalError
from django.urls import reverse
from django.utils import timezone

from config.background import THREAD_PREFIX, enqueue
from metrics import imports
from metrics.imports import Heartbeat, fail_stale_imports, run_import
from metrics.models import Extract, ImportRun, MetricRun
from tests.metrics.bundle import build, load

EPISODE = [{"episode_id": "E1", "child_id": "C1", "removal_date": "2023-01-01"}]


def _zip(folder) -> io.BytesIO:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as zf:
        for path in folder.iterdir():
            zf.write(path, arcname=path.name)
    data.seek(0)
    data.name = "bundle.zip"
    return data


def _bundle_file(tmp_path, **files):
    folder = build(tmp_path / "bundle", removal_episodes=EPISODE, **files)
    path = tmp_path / "upload.zip"
    path.write_bytes(_zip(folder).getvalue())
    return path


def _run(path, status=ImportRun.Status.RUNNING, minutes_ago=0, user=None, **fields) -> ImportRun:
    run = ImportRun.objects.create(path=str(path), original_name="bundle.zip", status=status, created_by=user, **fields)
    then = timezone.now() - timedelta(minutes=minutes_ago)
    ImportRun.objects.filter(pk=run.pk).update(
        created_at=then, **({"heartbeat_at": then} if status == "RUNNING" else {})
    )
    run.refresh_from_db()
    return run


# --------------------------------------------------------------------------------------------
# A run whose worker died
# --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_running_import_without_heartbeat_is_marked_failed_when_its_page_is_opened(client_for, personas, tmp_path):
    dead = _run(tmp_path / "x.zip", minutes_ago=11)
    alive = _run(tmp_path / "y.zip", minutes_ago=2)
    page = client_for(personas.state_admin).get(reverse("metrics:import_detail", args=[dead.pk])).content.decode()
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert (dead.status, alive.status) == ("FAILED", "RUNNING")
    assert dead.step.startswith("Failed: no sign of life for 10 minutes") and dead.finished_at is not None
    assert "Retry this import" in page and reverse("metrics:import_retry", args=[dead.pk]) in page


@pytest.mark.django_db
def test_the_page_still_shows_when_the_database_is_too_busy_to_mark_a_stale_run(
    client_for, personas, tmp_path, monkeypatch
):
    """SQLite while an import writes: the check cannot write, so it leaves the run for the next one."""
    from django.db.models.query import QuerySet

    run = _run(tmp_path / "x.zip", minutes_ago=11)
    client = client_for(personas.state_admin)

    def locked(self, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(QuerySet, "update", locked)
    response = client.get(reverse("metrics:import_detail", args=[run.pk]))
    monkeypatch.undo()
    run.refresh_from_db()
    assert response.status_code == 200 and run.status == "RUNNING"
    assert fail_stale_imports() == [run.pk]


@pytest.mark.django_db
def test_the_stale_limit_is_a_setting_and_the_import_list_applies_it(client_for, personas, tmp_path, settings):
    settings.METRICS_IMPORT_STALE_MINUTES = 30
    run = _run(tmp_path / "x.zip", minutes_ago=20)
    client_for(personas.state_admin).get(reverse("metrics:import"))
    run.refresh_from_db()
    assert run.status == "RUNNING"
    settings.METRICS_IMPORT_STALE_MINUTES = 15
    client_for(personas.state_admin).get(reverse("metrics:import"))
    run.refresh_from_db()
    assert run.status == "FAILED"


@pytest.fixture
def broker():
    """As with CELERY_BROKER_URL set: tasks are sent, not run eagerly (restored afterwards)."""
    from config.celery import app

    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = True


@pytest.mark.django_db
def test_a_queued_run_goes_stale_without_a_broker(tmp_path):
    run = _run(tmp_path / "x.zip", status=ImportRun.Status.QUEUED, minutes_ago=11)
    assert fail_stale_imports() == [run.pk]  # no broker: its thread never started
    run.refresh_from_db()
    assert run.status == "FAILED"


@pytest.mark.django_db
def test_a_queued_run_is_left_waiting_with_a_broker(tmp_path, broker):
    run = _run(tmp_path / "x.zip", status=ImportRun.Status.QUEUED, minutes_ago=11)
    assert fail_stale_imports() == []  # it may be waiting for a worker
    run.refresh_from_db()
    assert run.status == "QUEUED"


@pytest.mark.django_db
def test_the_command_marks_stale_runs_failed(tmp_path):
    dead = _run(tmp_path / "x.zip", minutes_ago=60)
    done = _run(tmp_path / "y.zip", status=ImportRun.Status.LOADED, minutes_ago=60)
    out = io.StringIO()
    call_command("fail_stale_imports", stdout=out)
    assert out.getvalue().strip() == f"Marked failed (no heartbeat for 10 minutes): {dead.pk}"
    assert list(ImportRun.objects.order_by("pk").values_list("status", flat=True)) == ["FAILED", "LOADED"]
    assert done.pk
    out = io.StringIO()
    call_command("fail_stale_imports", stdout=out)
    assert out.getvalue().strip() == "No stale import."


@pytest.mark.django_db
def test_a_run_marked_failed_is_not_run_again_when_its_task_is_delivered_again(tmp_path):
    run = _run(_bundle_file(tmp_path), status=ImportRun.Status.FAILED)
    assert run_import(run.pk) == "SKIPPED"
    run.refresh_from_db()
    assert run.status == "FAILED" and not Extract.objects.exists()


# --------------------------------------------------------------------------------------------
# Retry
# --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_state_administrator_retries_a_failed_import_as_a_new_run(
    client_for, personas, tmp_path, django_capture_on_commit_callbacks
):
    failed = _run(_bundle_file(tmp_path), status=ImportRun.Status.FAILED)
    client = client_for(personas.state_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("metrics:import_retry", args=[failed.pk]))
    retry = ImportRun.objects.exclude(pk=failed.pk).get()
    assert response.status_code == 302 and response["Location"] == reverse("metrics:import_detail", args=[retry.pk])
    assert (retry.status, retry.retry_of, retry.created_by, retry.path) == (
        "LOADED",
        failed,
        personas.state_admin,
        failed.path,
    )
    failed.refresh_from_db()
    assert failed.status == "FAILED"
    assert Extract.objects.get(is_current=True).extract_id == "test-extract"
    page = client.get(reverse("metrics:import_detail", args=[failed.pk])).content.decode()
    assert f"import {retry.pk}</a>" in page


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["admin_a", "state_supervisor", "viewer_a"])
def test_others_may_not_retry_an_import(client_for, personas, tmp_path, persona):
    failed = _run(_bundle_file(tmp_path), status=ImportRun.Status.FAILED)
    response = client_for(getattr(personas, persona)).post(reverse("metrics:import_retry", args=[failed.pk]))
    assert response.status_code == 403 and ImportRun.objects.count() == 1


@pytest.mark.django_db
def test_a_retry_is_refused_unless_failed_and_still_on_disk(client_for, personas, tmp_path):
    client = client_for(personas.state_admin)
    loaded = _run(_bundle_file(tmp_path), status=ImportRun.Status.LOADED)
    page = client.post(reverse("metrics:import_retry", args=[loaded.pk]), follow=True).content.decode()
    assert "Only a failed import can be retried." in page
    gone = _run(tmp_path / "deleted.zip", status=ImportRun.Status.FAILED)
    page = client.post(reverse("metrics:import_retry", args=[gone.pk]), follow=True).content.decode()
    assert "no longer on the server" in page
    assert ImportRun.objects.count() == 2
    assert client.get(reverse("metrics:import_retry", args=[gone.pk])).status_code == 405


# --------------------------------------------------------------------------------------------
# Failures and the report
# --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_unexpected_failure_is_recorded_without_the_raw_database_error(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise IntegrityError("NOT NULL constraint failed: metrics_extractagency.agency_name value 'secret'")

    monkeypatch.setattr(imports, "load_bundle", broken)
    run = _run(_bundle_file(tmp_path), status=ImportRun.Status.QUEUED)
    with pytest.raises(IntegrityError):
        run_import(run.pk)
    run.refresh_from_db()
    assert run.status == "FAILED"
    assert run.step == "Failed: unexpected IntegrityError; nothing was loaded. The server log has the details."


@pytest.mark.django_db
def test_the_page_and_csv_say_how_many_problems_are_not_listed(
    client_for, personas, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.METRICS_IMPORT_MAX_PROBLEMS = 4
    exams = [
        {"exam_id": f"X{i}", "child_id": "C1", "exam_date": "2023-02-30", "exam_type": "DENTAL", "status": "COMPLETED"}
        for i in range(30)
    ]
    folder = build(tmp_path / "b", removal_episodes=EPISODE, hcy_exams=exams)
    client = client_for(personas.state_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("metrics:import"), {"bundle": _zip(folder)})
    run = ImportRun.objects.get()
    assert (run.status, run.error_count, len([p for p in run.problems if p["severity"] == "ERROR"])) == (
        "REJECTED",
        30,
        4,
    )
    page = client.get(response["Location"]).content.decode()
    assert "Errors (30)" in page
    assert "… and 26 more errors not listed (the report keeps the first 4)" in page
    report = client.get(response["Location"], {"format": "csv"}).content.decode().splitlines()
    errors = [line for line in report if line.startswith("ERROR,")]
    assert (
        len(errors) == 5 and errors[-1] == "ERROR,,,,,,… and 26 more errors not listed (the report keeps the first 4)"
    )


@pytest.mark.django_db
def test_an_upload_larger_than_the_bundle_limit_is_refused_by_the_form(client_for, personas, settings, tmp_path):
    settings.METRICS_IMPORT_MAX_MB = 1
    settings.MEDIA_ROOT = tmp_path / "media"
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("notes.csv", b"x" * (1024 * 1024 + 10))
    data.seek(0)
    data.name = "big.zip"
    page = client_for(personas.state_admin).post(reverse("metrics:import"), {"bundle": data}).content.decode()
    assert "more than the import limit of 1 MB (METRICS_IMPORT_MAX_MB)" in page
    assert not ImportRun.objects.exists()


# --------------------------------------------------------------------------------------------
# Without a broker: a thread, not the request
# --------------------------------------------------------------------------------------------


def _join_background_threads(timeout: float = 60) -> None:
    for thread in threading.enumerate():
        if thread.name.startswith(THREAD_PREFIX):
            thread.join(timeout)
            assert not thread.is_alive(), "the background import did not finish"


@pytest.mark.django_db(transaction=True)
def test_without_a_broker_the_page_answers_before_the_import_runs(
    client_for, personas, tmp_path, settings, monkeypatch
):
    """The import waits for the test's signal, which comes only after the page has answered: run in
    the request (as before), the page would have answered with the import already finished."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS_WITHOUT_BROKER = "thread"
    answered = threading.Event()
    seen_in_thread: list[str] = []
    real = imports.load_bundle

    def gated(path, progress=None, limits=None):
        seen_in_thread.append(threading.current_thread().name)
        answered.wait(timeout=10)
        return real(path, progress=progress, limits=limits)

    monkeypatch.setattr(imports, "load_bundle", gated)
    folder = build(tmp_path / "b", removal_episodes=EPISODE)
    client = client_for(personas.state_admin)
    response = client.post(reverse("metrics:import"), {"bundle": _zip(folder)})
    # Read the run only once the thread has claimed it and waits at the gate: the test database is
    # in-memory SQLite with a shared cache, where a read beside the thread's write fails at once
    # ("database table is locked") instead of waiting as the file database (write-ahead log) does.
    _wait_for(lambda: bool(seen_in_thread))
    run = ImportRun.objects.get()
    assert response.status_code == 302 and run.status == "RUNNING"
    answered.set()
    _join_background_threads()
    run.refresh_from_db()
    assert (run.status, run.progress, run.extract.extract_id) == ("LOADED", 100, "test-extract")
    assert seen_in_thread and seen_in_thread[0].startswith(THREAD_PREFIX)
    assert "is loaded" in client.get(response["Location"]).content.decode()


@pytest.mark.django_db(transaction=True)
def test_without_a_broker_a_computation_from_the_page_runs_in_a_thread(client_for, personas, tmp_path, settings):
    settings.TASKS_WITHOUT_BROKER = "thread"
    load(tmp_path, removal_episodes=EPISODE)
    response = client_for(personas.state_admin).post(
        reverse("metrics:compute"), {"first": "2023-07", "last": "2023-07"}
    )
    assert response.status_code == 302
    _join_background_threads()
    assert MetricRun.objects.get().status == "DONE"


@pytest.mark.django_db(transaction=True)
def test_a_failing_background_task_is_logged_not_lost(settings, caplog):
    from metrics.tasks import compute_metrics_task

    settings.TASKS_WITHOUT_BROKER = "thread"
    thread = enqueue(compute_metrics_task, "2023-07", "2023-07")  # no extract loaded: NoExtract
    thread.join(30)
    assert "background task metrics.tasks.compute_metrics_task failed" in caplog.text
    assert not MetricRun.objects.exists()


def test_with_a_broker_the_task_is_sent_to_it(monkeypatch, broker):
    from metrics.tasks import compute_metrics_task

    sent = []
    monkeypatch.setattr(compute_metrics_task, "delay", lambda *a, **k: sent.append(a))
    assert enqueue(compute_metrics_task, "2023-07", "2023-09") is None
    assert sent == [("2023-07", "2023-09")]


# --------------------------------------------------------------------------------------------
# The heartbeat thread
# --------------------------------------------------------------------------------------------


def _wait_for(condition, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the heartbeat thread wrote nothing"
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_thread_writes_progress_and_beats_through_its_own_connection(tmp_path):
    run = _run(tmp_path / "x.zip", minutes_ago=30)
    before = run.heartbeat_at
    with Heartbeat(run.pk, every=1) as heartbeat:
        heartbeat.progress(40, "validating")
        _wait_for(lambda: ImportRun.objects.get(pk=run.pk).progress == 40)
        first = ImportRun.objects.get(pk=run.pk).heartbeat_at
        # no progress step for a while: the beats go on
        _wait_for(lambda: ImportRun.objects.get(pk=run.pk).heartbeat_at > first, timeout=30)
    run.refresh_from_db()
    assert (run.progress, run.step) == (40, "validating") and run.heartbeat_at > before
    assert fail_stale_imports() == []


@pytest.mark.django_db
def test_a_failed_computation_leaves_no_running_run(tmp_path, monkeypatch):
    """Computations write their run in one transaction: a worker that dies leaves nothing RUNNING."""
    from metrics import compute as compute_module
    from tests.metrics.helpers import run as compute

    load(tmp_path, removal_episodes=EPISODE)

    def broken(*args, **kwargs):
        raise RuntimeError("worker died")

    monkeypatch.setattr(compute_module, "store_month_results", broken)
    with pytest.raises(RuntimeError):
        compute("2023-07")
    assert not MetricRun.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_on_sqlite_each_step_is_also_written_in_the_import_transaction(tmp_path):
    """SQLite has one writer: during the import's write transaction the heartbeat thread cannot
    write, so the step is written by the import's own connection and is visible with its commit."""
    from django.db import connection, transaction

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL: the heartbeat thread writes during the import's transaction")
    run = _run(tmp_path / "x.zip", minutes_ago=30)
    with Heartbeat(run.pk, every=3600) as heartbeat, transaction.atomic():
        heartbeat.progress(70, "writing Placement")
        fresh = ImportRun.objects.get(pk=run.pk)
        assert (fresh.progress, fresh.step) == (70, "writing Placement")
        assert fresh.heartbeat_at > run.heartbeat_at
