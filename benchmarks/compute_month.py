"""Time metrics.compute.compute() for one month inside one process, per step and per metric.

    DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/perf_bench \
        .venv/bin/python benchmarks/compute_month.py [--month 2023-07] [--runs 3] [--detail] [--dump FILE] [--no-vacuum]

Needs an imported extract (`manage.py import_extract`). Runs compute() once as a warm-up, then
`--runs` timed runs, and prints each run's wall time and CPU time (this process plus, on PostgreSQL,
the server backend serving it, read from /proc: on a shared machine the CPU time varies less with the
other work than the wall time; with METRICS_COMPUTE_CONNECTIONS > 1 the backends of every worker
thread's connection as well), then the median per step: `units` (insert_units per metric),
`prepare`/`finish` (a metric's steps before and after its units, e.g. the permanency clocks),
`results` (MetricResult rows of the month) and `other` (the rest: replacing the previous run,
ANALYZE, COMMIT ...). On several connections the steps are summed over the threads, so they add up to
more than the wall time and `other` is negative. `--detail` lists the slowest metrics' steps.

Before each run the metric tables are vacuumed (PostgreSQL), unless `--no-vacuum`: every run
replaces the previous run's units, and without autovacuum (it is off on the shared development
server) the dead rows pile up run after run and each run is slower than the one before.

`--dump FILE` writes the last run's results, units and permanency clocks, sorted, for comparing two
versions of the code (`cmp`).
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from metrics import compute as C  # noqa: E402
from metrics import registry  # noqa: E402
from metrics.dates import Month  # noqa: E402
from metrics.models import MetricResult, MetricUnit, PermanencyClock  # noqa: E402

times: dict[str, float] = defaultdict(float)


def timed(name, fn):
    """fn, adding its wall time to times[name] (name may be a function of fn's arguments)."""
    if fn is None:
        return None

    @functools.wraps(fn)  # compute.parallel_groups finds a shared prepare step through __wrapped__
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            times[name(*args) if callable(name) else name] += time.perf_counter() - started

    return wrapper


def instrument() -> None:
    ordered = registry.ordered_metrics

    def with_timed_steps(*args, **kwargs):
        return [
            dataclasses.replace(
                m, prepare=timed(f"prepare {m.code}", m.prepare), finish=timed(f"finish {m.code}", m.finish)
            )
            for m in ordered(*args, **kwargs)
        ]

    C.ordered_metrics = with_timed_steps
    C.insert_units = timed(lambda ctx, metric: f"units {metric.code}", C.insert_units)
    if hasattr(C, "connections"):
        C.connections = CountingConnections(C.connections)
    if hasattr(C, "store_month_results"):
        C.store_month_results = timed("results month", C.store_month_results)
    else:  # before commit 8b2009f: one store_results per metric
        C.store_results = timed(lambda ctx, metric, *rest: f"results {metric.code}", C.store_results)


# CPU seconds of the backends of compute()'s worker threads (METRICS_COMPUTE_CONNECTIONS > 1), read
# just before each thread closes its connection (the backend process then exits).
thread_backends_cpu = [0.0]


class CountingConnections:
    """Stands in for django.db.connections in metrics.compute: close_all() (a worker thread's last
    step) first adds its backend's CPU time to thread_backends_cpu."""

    def __init__(self, real):
        self.real = real

    def __getattr__(self, name):
        return getattr(self.real, name)

    def __getitem__(self, alias):
        return self.real[alias]

    def close_all(self):
        if connection.connection is not None:
            thread_backends_cpu[0] += backend_cpu()
        self.real.close_all()


def vacuum() -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (MetricUnit, MetricResult, PermanencyClock):
            cursor.execute(f"VACUUM {connection.ops.quote_name(model._meta.db_table)}")


def backend_cpu() -> float:
    """CPU seconds used so far by the PostgreSQL backend of this connection (0 elsewhere)."""
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # the server runs elsewhere
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def median(values: list[float]) -> float:
    values = sorted(values)
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def dump(run, path: str) -> None:
    result_fields = [f.name for f in MetricResult._meta.concrete_fields if f.name not in ("id", "run", "computed_at")]
    unit_fields = [f.name for f in MetricUnit._meta.concrete_fields if f.name not in ("id", "run")]
    clock_fields = [f.name for f in PermanencyClock._meta.concrete_fields if f.name not in ("id", "run")]
    lines = []
    for tag, model, fields in (("R", MetricResult, result_fields), ("U", MetricUnit, unit_fields)):
        rows = model.objects.filter(run=run).values_list(*fields)
        lines += sorted(f"{tag} " + "|".join(str(v) for v in row) for row in rows)
    rows = PermanencyClock.objects.filter(run=run).values_list(*clock_fields)
    lines += sorted("C " + "|".join(str(v) for v in row) for row in rows)
    Path(path).write_text("\n".join(lines) + "\n")
    counts = {tag: sum(line.startswith(tag) for line in lines) for tag in "RUC"}
    print(f"dumped {counts['R']} results, {counts['U']} units, {counts['C']} clocks to {path}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--month", default="2023-07")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--detail", action="store_true")
    parser.add_argument("--dump")
    parser.add_argument("--no-vacuum", action="store_true")
    options = parser.parse_args()
    instrument()
    month = Month.parse(options.month)
    walls, cpus, steps = [], [], []
    for i in range(options.runs + 1):
        if not options.no_vacuum:
            vacuum()
        times.clear()
        cpu_before, server_before = time.process_time(), backend_cpu()
        thread_backends_cpu[0] = 0.0
        started = time.perf_counter()
        run = C.compute(month)
        wall = time.perf_counter() - started
        cpu = time.process_time() - cpu_before + backend_cpu() - server_before + thread_backends_cpu[0]
        print(f"run {i}{' (warm-up)' if not i else ''}: {wall:.3f} s, cpu {cpu:.2f} s", flush=True)
        if i:
            walls.append(wall)
            cpus.append(cpu)
            steps.append(dict(times))
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    print(f"median {median(walls):.3f} s, cpu {median(cpus):.2f} s (load average {load})")
    by_step = defaultdict(list)
    for wall, step in zip(walls, steps):
        totals = defaultdict(float)
        for name, seconds in step.items():
            totals[name.split()[0]] += seconds
        totals["other"] = wall - sum(step.values())
        for name, seconds in totals.items():
            by_step[name].append(seconds)
    for name in ("units", "prepare", "finish", "results", "other"):
        print(f"  {name:<8} {median(by_step[name]):.3f}")
    if options.detail:
        names = {name for step in steps for name in step}
        slowest = sorted(names, key=lambda n: -median([s.get(n, 0) for s in steps]))[:20]
        for name in slowest:
            print(f"    {name:<40} {median([s.get(name, 0) for s in steps]):.3f}")
    if options.dump:
        dump(run, options.dump)


if __name__ == "__main__":
    main()
