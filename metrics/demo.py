"""Demo data for seed_demo: a synthetic extract of about one real quarter's scale (5,000 children over
every agency and circuit), loaded and computed for July-September 2023.

Idempotent and quick the second time: when the current extract is this bundle and its quarter is
computed, nothing is generated or loaded again. `seed_demo --children N` makes a smaller extract
(tests that only need the pages to render use it).
"""

from __future__ import annotations

import tempfile

from metrics.compute import compute
from metrics.dates import Month
from metrics.extract.load import load_bundle
from metrics.models import Extract, MetricRun
from metrics.synthetic import generate

DEMO_CHILDREN = 5000
DEMO_SEED = 2023
AS_OF = "2023-11-30"


def extract_id(children: int) -> str:
    # The generator's manifest id (metrics.synthetic.generate).
    return f"synthetic-{DEMO_SEED}-{children}-{AS_OF}"


def _computed(extract) -> bool:
    return MetricRun.objects.filter(
        extract=extract, period_from="2023-07", period_through="2023-09", status=MetricRun.Status.DONE
    ).exists()


def seed(stdout, children: int | None = None) -> None:
    children = children or DEMO_CHILDREN
    current = Extract.objects.filter(is_current=True, extract_id=extract_id(children)).first()
    if current is not None and _computed(current):
        stdout.write(f"metrics: extract {current.extract_id} already loaded, July-September 2023 already computed\n")
        return
    with tempfile.TemporaryDirectory() as folder:
        generate(folder, children=children, seed=DEMO_SEED, as_of=AS_OF)
        result = load_bundle(folder)
    if not result.ok:
        raise RuntimeError("demo extract did not validate: " + "; ".join(map(str, result.report.errors[:5])))
    stdout.write(f"metrics: extract {result.extract.extract_id} {result.status.lower()}\n")
    if _computed(result.extract):
        stdout.write("metrics: July-September 2023 already computed\n")
        return
    run = compute(Month(2023, 7), Month(2023, 9))
    stdout.write(f"metrics: computed run {run.run_id} for July-September 2023 ({run.results.count()} results)\n")
