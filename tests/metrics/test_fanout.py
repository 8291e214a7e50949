"""A multi-month computation fanned out as a Celery chord of (month x metric group) pieces equals the
single-process computation row for row, becomes current atomically, and a piece run twice (a
redelivered task) leaves no duplicates. Eagerly here (SQLite or DATABASE_URL); through Redis with two
workers (two Celery worker controllers, each consuming from the broker, in threads of the test
process so that they see the test database) when CELERY_BROKER_URL is set and the database is
PostgreSQL (marked `broker`)."""

from __future__ import annotations

import os
import time

import pytest

from metrics import fanout
from metrics.compute import compute, latest_run
from metrics.dates import Month
from metrics.definitions.base import Metric
from metrics.extract.load import load_bundle
from metrics.models import MetricResult, MetricRun, MetricUnit
from metrics.registry import ordered_metrics
from metrics.synthetic import generate
from metrics.tasks import compute_fanned_out, compute_part_task

# Every column but the row's id, its run and when it was computed.
COMPARED = [
    f.attname
    for f in MetricResult._meta.concrete_fields
    if f.attname not in ("id", "run_id", "computed_at")
]  # fmt: skip


def rows(run: MetricRun) -> list[tuple]:
    return sorted(tuple(str(v) for v in r) for r in MetricResult.objects.filter(run=run).values_list(*COMPARED))


def units(run: MetricRun) -> list[tuple]:
    fields = [f.attname for f in MetricUnit._meta.concrete_fields if f.attname not in ("id", "run_id")]
    return sorted(tuple(str(v) for v in u) for u in MetricUnit.objects.filter(run=run).values_list(*fields))


@pytest.fixture
def bundle(tmp_path, db):
    generate(tmp_path, children=150, seed=7)
    assert load_bundle(tmp_path).ok


def test_groups_are_closed_under_dependencies():
    chosen = ordered_metrics()
    groups = fanout.metric_groups(chosen)
    assert sorted(code for g in groups for code in g) == sorted(m.code for m in chosen)
    where = {code: i for i, g in enumerate(groups) for code in g}
    by_code: dict[str, Metric] = {m.code: m for m in chosen}
    for metric in chosen:
        for dep in metric.depends_on:
            assert where[dep] == where[metric.code]
            group = groups[where[metric.code]]
            assert group.index(dep) < group.index(metric.code)  # dependencies first
    assert len(groups) > 5  # most metrics stand alone
    assert by_code  # (the registry is not empty)


@pytest.mark.django_db
def test_a_fanned_out_quarter_equals_the_single_process_run(bundle):
    single = compute(Month.parse("2023-07"), Month.parse("2023-09"))
    expected_rows, expected_units = rows(single), units(single)
    assert any(r[COMPARED.index("period_type")] == "QUARTER" for r in expected_rows)
    assert any(r[COMPARED.index("period_type")] == "FFY" for r in expected_rows)

    run_id, result = compute_fanned_out("2023-07", "2023-09")
    assert result.get() == run_id
    run = MetricRun.objects.get(pk=run_id)
    assert run.status == MetricRun.Status.DONE
    assert rows(run) == expected_rows
    assert units(run) == expected_units
    # It replaced the single-process run of the same months and is the current one.
    assert not MetricRun.objects.filter(pk=single.pk).exists()
    assert latest_run() == run


@pytest.mark.django_db
def test_a_piece_run_twice_leaves_no_duplicates_and_readers_see_only_whole_runs(bundle):
    previous = compute(Month.parse("2023-07"))
    run, pieces, codes = fanout.start(Month.parse("2023-07"))
    for month, group in pieces:
        compute_part_task.delay(run.pk, month, group)
        # A half-assembled run is never current: readers still get the previous one.
        assert latest_run() == previous
    before = rows(run), units(run)
    month, group = next(p for p in pieces if "worker_child_visits" in p[1])
    compute_part_task.delay(run.pk, month, group)  # redelivered after a worker was killed
    assert (rows(run), units(run)) == before
    fanout.finish(run.pk, codes)
    fanout.finish(run.pk, codes)  # a redelivered callback changes nothing
    run.refresh_from_db()
    assert run.status == MetricRun.Status.DONE
    assert latest_run() == run
    assert not MetricRun.objects.filter(pk=previous.pk).exists()
    # Same rows as the single-process run would give (computed again for comparison).
    again = compute(Month.parse("2023-07"))
    assert rows(again) == before[0]


@pytest.mark.django_db
def test_a_failed_piece_marks_the_run_failed_and_keeps_the_previous_one(bundle, monkeypatch):
    previous = compute(Month.parse("2023-07"))

    def broken(*args, **kwargs):
        raise RuntimeError("worker lost its database")

    monkeypatch.setattr(fanout, "compute_part", broken)
    with pytest.raises(RuntimeError):
        compute_fanned_out("2023-07")
    failed = MetricRun.objects.exclude(pk=previous.pk).get()
    assert failed.status == MetricRun.Status.FAILED
    assert latest_run() == previous


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_a_fanned_out_quarter_through_the_real_broker_with_two_worker_threads(tmp_path):
    url = os.environ.get("CELERY_BROKER_URL")
    if not url:
        if os.environ.get("CI", "").lower() == "true" and os.environ.get("REQUIRE_BROKER"):
            pytest.fail("REQUIRE_BROKER is set but CELERY_BROKER_URL is not")
        pytest.skip("CELERY_BROKER_URL not set: tasks run eagerly in this configuration")
    from celery.contrib.testing.worker import start_worker
    from django.db import connection

    from config.celery import app

    if connection.vendor != "postgresql":
        pytest.skip("two workers writing at once need PostgreSQL (SQLite serialises the test database); CI runs both")
    assert app.conf.task_always_eager is False
    generate(tmp_path, children=150, seed=7)
    assert load_bundle(tmp_path).ok
    single = compute(Month.parse("2023-07"), Month.parse("2023-09"))
    expected = rows(single)
    # A queue of this test process only: under xdist another process's broker test (its worker
    # threads see another test database) must neither take these pieces nor give us its own.
    queue = f"fanout-test-{os.getpid()}"
    default_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    # One worker with two threads taking pieces at once. Two `start_worker`s in one process share
    # Celery's worker state, and the second one's shutdown could leave the first waiting forever
    # (seen twice in CI: the run had finished and matched, the teardown hung).
    worker = {"pool": "threads", "concurrency": 2, "perform_ping_check": False, "shutdown_timeout": 60}
    try:
        with start_worker(app, hostname="two-threads@test", queues=[queue], **worker):
            run_id, _ = compute_fanned_out("2023-07", "2023-09")
            deadline = time.monotonic() + 120
            while MetricRun.objects.get(pk=run_id).status == MetricRun.Status.RUNNING:
                assert time.monotonic() < deadline, "the fanned-out run did not finish within 120 s"
                time.sleep(0.5)
    finally:
        app.conf.task_default_queue = default_queue
    run = MetricRun.objects.get(pk=run_id)
    assert run.status == MetricRun.Status.DONE
    assert rows(run) == expected


@pytest.mark.django_db
def test_the_command_fans_out_on_request(bundle):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("compute_metrics", "--period", "2023-07", "--fan-out", stdout=out)
    run = MetricRun.objects.get()
    assert run.status == MetricRun.Status.DONE
    assert f"run {run.run_id}: {run.results.count()} results" in out.getvalue()
    assert run.results.count() > 100


@pytest.mark.django_db(transaction=True)
def test_two_deliveries_of_one_piece_at_once_leave_one_copy(tmp_path):
    """A broker may deliver a piece again while its first delivery still runs (a slow worker, not a
    dead one): the advisory lock makes the second wait and then replace the first's rows."""
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("two writers at once need PostgreSQL (SQLite serialises the test database); CI runs both")
    generate(tmp_path, children=150, seed=7)
    assert load_bundle(tmp_path).ok
    run, pieces, _codes = fanout.start(Month.parse("2023-07"))
    month, group = next(p for p in pieces if "worker_child_visits" in p[1])
    errors: list[BaseException] = []

    def deliver() -> None:
        try:
            fanout.compute_part(run.pk, month, group)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    once = units(run), rows(run)
    fanout.compute_part(run.pk, month, group)  # a third, alone: the reference
    assert (units(run), rows(run)) == once
    keys = MetricResult.objects.filter(run=run).values_list("metric", "period", "period_type", "dimension", "key")
    assert len(keys) == len(set(keys))
