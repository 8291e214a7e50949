"""The import of an extract bundle against the raw COPY floor of the same CSV files, side by side.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/import_bench \\
        .venv/bin/python benchmarks/import_vs_copy.py [--runs 3] BUNDLE_DIR [BUNDLE_DIR ...]
    DATABASE_URL=... .venv/bin/python benchmarks/import_vs_copy.py [--runs 3] --keep /tmp/bench 25000 100000

Each run measures, one after the other:

- **import**: `manage.py import_extract BUNDLE` as its own process: wall time, CPU time (user +
  system) of the process, CPU time of the PostgreSQL backends that served it (read from /proc while
  it runs, see processes.BackendWatch), peak resident memory (wait4's rusage).
- **copy**: the floor any import must stay above: every CSV file of the bundle as it is, with
  `COPY <table> FROM STDIN (FORMAT csv, HEADER)` into a fresh table of text columns named from the
  file's header, no index, no constraint, one table per file, in one transaction, the file's bytes
  streamed from the client through psycopg (as an import must receive them). It also runs as its own
  process (this script with --copy-only), measured the same way; its backend's CPU time is read by
  the process itself before it disconnects.

Then the medians over the runs and the ratios import/copy (wall; CPU = process + backend).

Between the steps, untimed: the current extract is marked not current (importing the same bundle
again is otherwise a no-op, "UNCHANGED") and the metric and copy tables are vacuumed (autovacuum is
off on the shared development server); the copy tables live in a schema `raw_copy` that is dropped
and recreated before each copy. The database named in DATABASE_URL is created if missing and
migrated; its extract data is replaced by each import.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))

from processes import (  # noqa: E402
    PYTHON,
    ensure_database,
    libpq_url,
    load_average,
    median,
    proc_cpu,
    run,
    run_manage,
)

SCHEMA = "raw_copy"
CHUNK = 1 << 20


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def csv_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix == ".csv")


def copy_bundle(url: str, folder: Path) -> dict:
    """The floor: each CSV file into a fresh text-column table with COPY, in one transaction."""
    import psycopg

    rows = 0
    with psycopg.connect(libpq_url(url)) as conn:
        pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        server_before = proc_cpu(pid)
        conn.commit()
        with conn.transaction(), conn.cursor() as cursor:
            for path in csv_files(folder):
                with open(path, "rb") as fh:
                    header = next(csv.reader([fh.readline().decode("utf-8-sig")]))
                    fh.seek(0)
                    table = f"{SCHEMA}.{quote(path.stem)}"
                    cursor.execute(f"CREATE TABLE {table} ({', '.join(f'{quote(c)} text' for c in header)})")
                    with cursor.copy(f"COPY {table} FROM STDIN (FORMAT csv, HEADER)") as copy:
                        while chunk := fh.read(CHUNK):
                            copy.write(chunk)
                    rows += cursor.rowcount
        server_after = proc_cpu(pid)
    backend = None if server_before is None or server_after is None else server_after - server_before
    return {"rows": rows, "backend_cpu": backend}


def reset_copy_schema(url: str) -> None:
    import psycopg

    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        conn.execute(f"CREATE SCHEMA {SCHEMA}")


def prepare_import(url: str) -> None:
    """Make the next import a full one (not UNCHANGED) and clear the previous one's dead rows."""
    import psycopg

    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        conn.execute("UPDATE metrics_extract SET is_current = false")
        conn.execute("VACUUM")


def measure_copy(url: str, folder: Path):
    reset_copy_schema(url)
    measured = run([PYTHON, __file__, "--copy-only", str(folder)], env=dict(os.environ), name="copy")
    result = json.loads(measured.output.strip().splitlines()[-1])
    measured.backend_cpu = result["backend_cpu"]
    return measured, result["rows"]


def total_cpu(m) -> float:
    return m.cpu + (m.backend_cpu or 0.0)


def fmt(m) -> str:
    backend = f"{m.backend_cpu:6.1f}" if m.backend_cpu is not None else "     ?"
    return f"{m.wall:8.1f} {m.cpu:8.1f} {backend} {total_cpu(m):8.1f} {m.peak_mb:8.0f}"


def bundles(args: list[str], keep: str | None) -> list[tuple[str, Path]]:
    if not keep:
        return [(Path(a).name, Path(a)) for a in args]
    found = []
    for size in args:
        folder = Path(keep) / size
        if not (folder / "manifest.csv").exists():
            folder.mkdir(parents=True, exist_ok=True)
            run_manage("generate_extract", "--out", str(folder), "--children", size)
        found.append((size, folder))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", help="bundles are DIR/<size>; generated there when missing")
    parser.add_argument("--copy-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("bundles", nargs="+", help="bundle folders, or sizes with --keep")
    options = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if options.copy_only:
        print(json.dumps(copy_bundle(url, Path(options.bundles[0]))))
        return
    if not url.startswith("postgres"):
        raise SystemExit("DATABASE_URL must name a PostgreSQL database (the floor is PostgreSQL's COPY)")
    ensure_database(url)
    run_manage("migrate", "-v0")
    print(f"database: {urlparse(url).path.lstrip('/')}; cpu: {os.cpu_count()} cores; load average {load_average()}")
    for label, folder in bundles(options.bundles, options.keep):
        mb = sum(p.stat().st_size for p in csv_files(folder)) / 2**20
        print(f"\n{label}: {folder} ({len(csv_files(folder))} CSV files, {mb:.0f} MB)")
        print(f"{'run':>4} {'step':<7} {'wall s':>8} {'cpu s':>8} {'pg cpu':>6} {'total':>8} {'peak MB':>8}  load")
        imports, copies = [], []
        for i in range(1, options.runs + 1):
            prepare_import(url)
            imported = run_manage("import_extract", str(folder), watch_url=url, name="import")
            if "LOADED" not in imported.output:
                raise SystemExit(f"the import did not load the bundle:\n{imported.output[-2000:]}")
            imports.append(imported)
            print(f"{i:>4} {'import':<7} {fmt(imported)}  {load_average()}", flush=True)
            copied, rows = measure_copy(url, folder)
            copies.append(copied)
            print(f"{i:>4} {'copy':<7} {fmt(copied)}  {load_average()}  ({rows} rows)", flush=True)
        med = {}
        for name, ms in (("import", imports), ("copy", copies)):
            backend = [m.backend_cpu for m in ms if m.backend_cpu is not None]
            med[name] = (
                median([m.wall for m in ms]),
                median([m.cpu for m in ms]),
                median(backend) if len(backend) == len(ms) else None,
                median([total_cpu(m) for m in ms]),
                median([m.peak_mb for m in ms]),
            )
            wall, cpu, pg, total, peak = med[name]
            pg_text = f"{pg:6.1f}" if pg is not None else "     ?"
            print(f"{'med':>4} {name:<7} {wall:8.1f} {cpu:8.1f} {pg_text} {total:8.1f} {peak:8.0f}")
        print(
            f"import/copy: wall {med['import'][0] / med['copy'][0]:.1f}x, "
            f"cpu (process + backend) {med['import'][3] / med['copy'][3]:.1f}x, "
            f"peak memory {med['import'][4]:.0f} MB vs {med['copy'][4]:.0f} MB "
            f"(median of {options.runs}; load average now {load_average()})"
        )


if __name__ == "__main__":
    main()
