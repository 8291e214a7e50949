"""Demo data for seed_demo: a small synthetic extract, loaded and computed for July-September 2023."""

from __future__ import annotations

import tempfile

from metrics.compute import compute
from metrics.dates import Month
from metrics.extract.load import load_bundle
from metrics.models import MetricRun
from metrics.synthetic import generate

DEMO_CHILDREN = 300
DEMO_SEED = 2023


def seed(stdout) -> None:
    """Idempotent: the same bundle is not reloaded and an existing run for the quarter is kept."""
    with tempfile.TemporaryDirectory() as folder:
        generate(folder, children=DEMO_CHILDREN, seed=DEMO_SEED, as_of="2023-11-30")
        result = load_bundle(folder)
    if not result.ok:
        raise RuntimeError("demo extract did not validate: " + "; ".join(map(str, result.report.errors[:5])))
    stdout.write(f"metrics: extract {result.extract.extract_id} {result.status.lower()}\n")
    if MetricRun.objects.filter(
        extract=result.extract, period_from="2023-07", period_through="2023-09", status=MetricRun.Status.DONE
    ).exists():
        stdout.write("metrics: July-September 2023 already computed\n")
        return
    run = compute(Month(2023, 7), Month(2023, 9))
    stdout.write(f"metrics: computed run {run.run_id} for July-September 2023 ({run.results.count()} results)\n")
