"""Benchmark the metrics pipeline at several sizes: generate, import, compute one month, compute one quarter.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/metrics_bench \
        .venv/bin/python benchmarks/metrics_scale.py [--keep DIR] 10000 100000 [1000000]

Before each compute step the metric tables are vacuumed (PostgreSQL): every run replaces the previous
run's units, and on a server without autovacuum (the shared development server) their dead rows would
slow the next run down. The vacuum is not counted in the step's time.

With --keep DIR the bundles are written to DIR/<children> and kept; a bundle already there (a
manifest.csv present) is imported again without being generated (its generate line says "kept").
With --compute-only (before --keep) only the two compute steps run, on the extract already imported
(the size is then only a label).

Each step runs as its own `manage.py` process so its wall time and peak resident memory (from
wait4's rusage) are measured separately. The database named in DATABASE_URL is created if missing
and migrated; its metrics data is replaced by each import. Prints one line per step.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))

from processes import ensure_database, libpq_url, run_manage  # noqa: E402


def vacuum(url: str) -> None:
    if not url.startswith("postgres"):
        return
    import psycopg

    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        for table in ("metrics_metricunit", "metrics_metricresult", "metrics_permanencyclock"):
            conn.execute(f"VACUUM (ANALYZE) {table}")


def step(name: str, *args: str) -> tuple[float, float, str]:
    measured = run_manage(*args, name=name)
    return measured.wall, measured.peak_mb, measured.output


def bundles(sizes: list[int], keep: str | None) -> Iterator[tuple[int, Path]]:
    for size in sizes:
        if keep:
            folder = Path(keep) / str(size)
            if (folder / "manifest.csv").exists():
                yield size, folder
                continue
            folder.mkdir(parents=True, exist_ok=True)
            yield size, folder
        else:
            with tempfile.TemporaryDirectory() as folder:
                yield size, Path(folder)


def csv_rows(folder: Path) -> int:
    with os.scandir(folder) as entries:
        return sum(sum(1 for _ in open(e.path, "rb")) - 1 for e in entries if e.name.endswith(".csv"))


def main(sizes: list[int], keep: str | None = None, compute_only: bool = False) -> None:
    url = os.environ.get("DATABASE_URL", "")
    ensure_database(url)
    step("migrate", "migrate", "-v0")
    print(f"database: {urlparse(url).scheme or 'sqlite'}; cpu: {os.cpu_count()} cores")
    print(f"{'children':>9} {'step':<10} {'rows':>11} {'seconds':>9} {'peak MB':>8}")
    for size, folder in bundles(sizes, keep) if not compute_only else ((s, None) for s in sizes):
        if folder is None:
            compute_steps(url, size)
            continue
        mb = lambda: sum(p.stat().st_size for p in folder.iterdir()) / 2**20  # noqa: E731
        if (folder / "manifest.csv").exists():
            print(f"{size:>9} {'generate':<10} {csv_rows(folder):>11} {'kept':>9} {'':>8}  ({mb():.0f} MB of CSV)")
        else:
            seconds, peak, out = step("generate", "generate_extract", "--out", str(folder), "--children", str(size))
            rows = sum(int(line.rsplit(":", 1)[1].split()[0]) for line in out.splitlines() if line.endswith("rows"))
            print(f"{size:>9} {'generate':<10} {rows:>11} {seconds:>9.1f} {peak:>8.0f}  ({mb():.0f} MB of CSV)")
        sys.stdout.flush()
        seconds, peak, out = step("import", "import_extract", str(folder))
        print(f"{size:>9} {'import':<10} {'':>11} {seconds:>9.1f} {peak:>8.0f}")
        sys.stdout.flush()
        compute_steps(url, size)


def compute_steps(url: str, size: int) -> None:
    """One month, then the quarter, on the extract already imported."""
    vacuum(url)
    seconds, peak, out = step("compute", "compute_metrics", "--period", "2023-07")
    summary = out.strip().splitlines()[-1] if out.strip() else ""
    print(f"{size:>9} {'compute M':<10} {'':>11} {seconds:>9.1f} {peak:>8.0f}  ({summary})")
    sys.stdout.flush()
    vacuum(url)
    seconds, peak, out = step("compute", "compute_metrics", "--period", "2023-07", "--through", "2023-09")
    summary = out.strip().splitlines()[-1] if out.strip() else ""
    units = int(summary.split(" results, ")[1].split()[0]) if " results, " in summary else 0
    print(f"{size:>9} {'compute Q3':<10} {units:>11} {seconds:>9.1f} {peak:>8.0f}  ({summary})")
    sys.stdout.flush()


if __name__ == "__main__":
    arguments = sys.argv[1:]
    kept, only = None, False
    if arguments[:1] == ["--compute-only"]:
        only, arguments = True, arguments[1:]
    if arguments[:1] == ["--keep"]:
        kept, arguments = arguments[1], arguments[2:]
    main([int(a) for a in arguments] or [10_000, 100_000], kept, only)
