"""A multi-month computation fanned out over Celery workers (issue 14, "Scale-out").

    run = start(first, last)            # the run (RUNNING), its inputs prepared; returns the chord's result
    parts(run, months, metrics)         # (month x metric group) pieces
    compute_part(run_id, month, codes)  # one piece: units and month results (a task)
    finish(run_id)                      # quarters, fiscal years, replaced runs deleted, DONE (the chord's body)

The same steps as compute.compute(), in pieces that can run on any worker at the same time:

- The run is created first, RUNNING, in its own transaction. Readers only ever read DONE runs
  (compute.latest_run, the exports and reports filter on status), so a run being assembled is never
  seen; `finish` writes the pooled quarters, deletes the runs it replaces and marks it DONE in one
  transaction, so readers see the old run or the whole new one.
- A metric group is a set of metrics closed under `depends_on` (a metric looks up the units its
  dependencies stored for the same run and month, so they are computed in the same piece, in
  dependency order). Months are independent: every unit query reads one month.
- Steps that prepare data for the whole run (the permanency clocks, built from the first month the
  permanency metrics apply to; the sentinel report due dates) run once in `start`, before the
  pieces, exactly as the first month of compute() runs them; inside a piece they find their work
  done and return.
- Each piece first deletes whatever an earlier attempt of the same piece wrote (its metrics' units
  and results for that month), then writes, in one transaction: a task redelivered after its worker
  was killed (acks_late, reject_on_worker_lost) redoes its piece without duplicates.

Results equal compute()'s row for row (tests/metrics/test_fanout.py compares every MetricResult).
"""

from __future__ import annotations

import hashlib

from django.db import connection, transaction

from metrics import config
from metrics.compute import (
    NoExtract,
    compute_units,
    definition_version,
    ensure_calendar,
    finish_run,
    store_month_results,
)
from metrics.dates import Month, months_between
from metrics.definitions.base import Context, Metric
from metrics.models import Extract, ExtractAgency, MetricResult, MetricRun, MetricUnit
from metrics.registry import ordered_metrics


def metric_groups(chosen: list[Metric]) -> list[list[str]]:
    """The chosen metrics (dependencies first) split into groups closed under depends_on."""
    parent: dict[str, str] = {m.code: m.code for m in chosen}

    def root(code: str) -> str:
        while parent[code] != code:
            code = parent[code]
        return code

    for metric in chosen:
        for dep in metric.depends_on:
            if dep in parent:
                parent[root(metric.code)] = root(dep)
    groups: dict[str, list[str]] = {}
    for metric in chosen:
        groups.setdefault(root(metric.code), []).append(metric.code)
    return list(groups.values())


def _settings_of(run: MetricRun) -> dict:
    current = config.current_version()
    if current.version != run.settings_version:
        raise RuntimeError(
            f"metric settings changed during run {run.pk} (version {run.settings_version} -> {current.version}): "
            "compute again"
        )
    return config.current()


def start(
    first: Month, last: Month | None = None, metrics=None
) -> tuple[MetricRun, list[tuple[str, list[str]]], list[str]]:
    """Create the run (RUNNING, committed) and prepare its shared inputs; returns it, its pieces as
    (month, metric codes of one group) and every chosen metric's code (for finish)."""
    extract = Extract.objects.filter(is_current=True).first()
    if extract is None:
        raise NoExtract("no extract is loaded: run import_extract first")
    last = last or first
    months = months_between(first, last)
    chosen = ordered_metrics(metrics, present_files=set(extract.files))
    ensure_calendar()
    with transaction.atomic():
        run = MetricRun.objects.create(
            extract=extract,
            settings_version=config.current_version().version,
            period_from=str(first),
            period_through=str(last),
        )
        values = config.current()
        prepared: set[str] = set()
        for month in months:
            ctx = Context(month=month, settings=values, extract=extract, run=run)
            for metric in chosen:
                if metric.prepare and metric.code not in prepared and metric.applies(month):
                    metric.prepare(ctx)
                    prepared.add(metric.code)
    pieces = [(str(month), group) for month in months for group in metric_groups(chosen)]
    return run, pieces, [m.code for m in chosen]


def compute_part(run_id: int, month_label: str, codes: list[str]) -> int:
    """Units and month results of `codes` (a metric group, dependencies first) for one month of the
    run; idempotent. Returns the number of result rows written."""
    run = MetricRun.objects.select_related("extract").get(pk=run_id)
    month = Month.parse(month_label)
    values = _settings_of(run)
    every = {m.code: m for m in ordered_metrics(codes)}
    metrics = [every[code] for code in codes]
    depended_on = {dep for m in metrics for dep in m.depends_on}
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")  # as compute(): many short statements
                # Two deliveries of the same piece at once (a broker redelivering a message whose
                # worker is slow, not dead) would each delete before the other's rows are committed
                # and both insert: the second waits here for the first to commit, then replaces
                # its rows. (SQLite has one writer at a time anyway.)
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(%s::integer, %s::integer)",
                    [run_id % 2**31, _piece_key(month_label, codes)],
                )
        for metric in metrics:
            # An earlier attempt of this piece (a worker killed after writing): start afresh.
            period = metric.period_label(month)
            MetricUnit.objects.filter(run=run, metric=metric.code, period__in={period, str(month)}).delete()
            MetricResult.objects.filter(
                run=run, metric=metric.code, period=period, period_type=metric.period_type
            ).delete()
        ctx = Context(month=month, settings=values, extract=run.extract, run=run)
        # A metric's prepare step was done in start(): here it finds its work done.
        computed = compute_units(ctx, metrics, depended_on)
        versions = {m.code: definition_version(m, values) for m in computed}
        agencies = list(ExtractAgency.objects.values_list("agency_code", "agency_type", "active_from", "active_to"))
        store_month_results(ctx, computed, versions, run.started_at, agencies)
    return len(computed)


def _piece_key(month_label: str, codes: list[str]) -> int:
    """A stable 32-bit signed number for (month, metric group), the advisory lock's second key."""
    digest = hashlib.sha256(f"{month_label}:{','.join(codes)}".encode()).digest()
    return int.from_bytes(digest[:4], "big", signed=True)


def finish(run_id: int, codes: list[str]) -> int:
    """Assemble the run: pooled quarters and fiscal years from the month rows, the runs it replaces
    deleted, DONE; one transaction, so readers switch from the old run to the whole new one."""
    with transaction.atomic():
        run = MetricRun.objects.select_for_update().get(pk=run_id)
        if run.status == MetricRun.Status.DONE:
            return run.pk  # a redelivered callback
        values = _settings_of(run)
        months = months_between(Month.parse(run.period_from), Month.parse(run.period_through))
        every = {m.code: m for m in ordered_metrics(codes)}
        chosen = [every[code] for code in codes]
        versions = {m.code: definition_version(m, values) for m in chosen}
        replaced = MetricRun.objects.filter(
            extract=run.extract,
            period_from=run.period_from,
            period_through=run.period_through,
            started_at__lt=run.started_at,
        )
        finish_run(run, chosen, months, versions, run.started_at, replaced)
    return run.pk


def fail(run_id: int) -> None:
    MetricRun.objects.filter(pk=run_id).exclude(status=MetricRun.Status.DONE).update(status=MetricRun.Status.FAILED)
