"""compute() on several PostgreSQL connections at once (METRICS_COMPUTE_CONNECTIONS): the metric
groups are computed in threads, each on its own connection; the run equals the one-connection run
row for row, readers see the previous run until the whole new one is done, and a failed group leaves
nothing behind. Inside a caller's transaction, and on SQLite, one connection computes everything."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from metrics import compute as compute_module
from metrics.compute import compute, latest_run, parallel_groups
from metrics.dates import Month
from metrics.extract.load import load_bundle
from metrics.models import MetricResult, MetricRun, MetricUnit, PermanencyClock
from metrics.registry import ordered_metrics
from metrics.synthetic import generate

COMPARED = [f.attname for f in MetricResult._meta.concrete_fields if f.attname not in ("id", "run_id", "computed_at")]


def rows(run: MetricRun) -> list[tuple]:
    return sorted(tuple(str(v) for v in r) for r in MetricResult.objects.filter(run=run).values_list(*COMPARED))


def units(run: MetricRun) -> list[tuple]:
    fields = [f.attname for f in MetricUnit._meta.concrete_fields if f.attname not in ("id", "run_id")]
    return sorted(tuple(str(v) for v in u) for u in MetricUnit.objects.filter(run=run).values_list(*fields))


def clocks(run: MetricRun) -> list[tuple]:
    fields = [f.attname for f in PermanencyClock._meta.concrete_fields if f.attname not in ("id", "run_id")]
    return sorted(tuple(str(v) for v in c) for c in PermanencyClock.objects.filter(run=run).values_list(*fields))


def test_groups_are_closed_under_dependencies_and_shared_prepare_steps():
    chosen = ordered_metrics()
    groups = parallel_groups(chosen)
    codes = [[m.code for m in g] for g in groups]
    assert sorted(c for g in codes for c in g) == sorted(m.code for m in chosen)
    where = {code: i for i, g in enumerate(codes) for code in g}
    for metric in chosen:
        for dep in metric.depends_on:
            assert where[dep] == where[metric.code]
            assert codes[where[dep]].index(dep) < codes[where[dep]].index(metric.code)
    # The four timely-permanency metrics build the run's permanency clocks: one group.
    timely = [m.code for m in chosen if m.code.startswith("timely_permanency")]
    assert len(timely) == 4
    assert len({where[c] for c in timely}) == 1
    assert codes[0] == timely  # the heaviest group starts first
    assert len(groups) > 5


def test_a_prepare_step_wrapped_for_timing_still_counts_as_shared():
    import dataclasses
    import functools

    def timed(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            return fn(*args, **kwargs)

        return wrapper

    chosen = [dataclasses.replace(m, prepare=timed(m.prepare) if m.prepare else None) for m in ordered_metrics()]
    groups = [[m.code for m in g] for g in parallel_groups(chosen)]
    assert sum(any(c.startswith("timely_permanency") for c in g) for g in groups) == 1


@pytest.fixture
def bundle_committed(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("several connections at once: PostgreSQL only (SQLite computes on one)")
    generate(tmp_path, children=150, seed=7)
    assert load_bundle(tmp_path).ok


class Spy:
    """Records which threads stored month results, and what a reader saw meanwhile."""

    def __init__(self, monkeypatch, fail_on: str | None = None):
        self.threads: set[str] = set()
        self.seen_by_readers: set[int | None] = set()
        self.lock = threading.Lock()
        original = compute_module.store_month_results

        def store_month_results(ctx, metrics, *args, **kwargs):
            with self.lock:
                self.threads.add(threading.current_thread().name)
            if fail_on and any(m.code == fail_on for m in metrics):
                raise RuntimeError("lost the database connection")
            original(ctx, metrics, *args, **kwargs)
            current = latest_run()  # another group's rows may be committed by now
            with self.lock:
                self.seen_by_readers.add(current.pk if current else None)

        monkeypatch.setattr(compute_module, "store_month_results", store_month_results)


@pytest.mark.django_db(transaction=True)
def test_a_quarter_on_two_connections_equals_the_one_connection_run(bundle_committed, settings, monkeypatch):
    settings.METRICS_COMPUTE_CONNECTIONS = 1
    single = compute(Month.parse("2023-07"), Month.parse("2023-09"))
    expected = rows(single), units(single), clocks(single)
    assert any(r[COMPARED.index("period_type")] == "QUARTER" for r in expected[0])
    assert any(r[COMPARED.index("period_type")] == "FFY" for r in expected[0])
    assert expected[2]  # the permanency clocks were built

    settings.METRICS_COMPUTE_CONNECTIONS = 2
    spy = Spy(monkeypatch)
    run = compute(Month.parse("2023-07"), Month.parse("2023-09"))
    assert len(spy.threads) == 2 and all(name.startswith("compute-") for name in spy.threads)
    # While the groups were being stored, readers still got the previous run.
    assert spy.seen_by_readers == {single.pk}
    run.refresh_from_db()
    assert run.status == MetricRun.Status.DONE and run.progress == 100
    assert (rows(run), units(run), clocks(run)) == expected
    assert not MetricRun.objects.filter(pk=single.pk).exists()
    assert latest_run() == run
    keys = MetricResult.objects.filter(run=run).values_list("metric", "period", "period_type", "dimension", "key")
    assert len(keys) == len(set(keys))


@pytest.mark.django_db(transaction=True)
def test_a_failed_group_leaves_nothing_and_keeps_the_previous_run(bundle_committed, settings, monkeypatch):
    settings.METRICS_COMPUTE_CONNECTIONS = 2
    previous = compute(Month.parse("2023-07"))
    Spy(monkeypatch, fail_on="victimization_in_care")
    with pytest.raises(RuntimeError, match="lost the database connection"):
        compute(Month.parse("2023-07"))
    assert list(MetricRun.objects.all()) == [previous]
    assert latest_run() == previous
    assert not MetricUnit.objects.exclude(run=previous).exists()
    assert not MetricResult.objects.exclude(run=previous).exists()
    assert not PermanencyClock.objects.exclude(run=previous).exists()


@pytest.mark.django_db
def test_inside_a_transaction_one_connection_computes(tmp_path, settings, monkeypatch):
    generate(tmp_path, children=150, seed=7)
    assert load_bundle(tmp_path).ok
    settings.METRICS_COMPUTE_CONNECTIONS = 2
    spy = Spy(monkeypatch)
    run = compute(Month.parse("2023-07"))
    assert spy.threads == {threading.main_thread().name}
    assert run.status == MetricRun.Status.DONE
