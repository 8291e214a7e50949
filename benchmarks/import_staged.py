"""The extract import on PostgreSQL, staged (metrics/extract/stage.py) against the Python path, in turns.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_db python benchmarks/import_staged.py \\
        /tmp/bench/25000 /tmp/bench/100000 --runs 3

Each import runs in its own process (wall seconds, the process's CPU and peak RSS from wait4); the
current extract is marked not current before each run, so every run loads. The phases (checks,
derivation, writing, per table) come from load_bundle's progress calls. `--copy` also times a raw
`COPY ... FROM STDIN` of every file of the bundle into untyped text tables, for the floor.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")

CHILD = r"""
import json, sys, time, django
django.setup()
from metrics.extract.load import load_bundle
from django.db import connection
marks = []
with connection.cursor() as cursor:
    cursor.execute("SELECT pg_backend_pid()")
    backend = cursor.fetchone()[0]
start = time.perf_counter()
result = load_bundle(sys.argv[1], progress=lambda pct, step: marks.append((round(time.perf_counter() - start, 2), step)))
marks.append((round(time.perf_counter() - start, 2), result.status))
# the server process's CPU (same machine): utime + stime from /proc, in clock ticks
import os
fields = open(f"/proc/{backend}/stat").read().rsplit(")", 1)[1].split()
server_cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
print(json.dumps({"marks": marks, "server_cpu": server_cpu}))
"""


def url() -> str:
    return os.environ["DATABASE_URL"]


def reset() -> None:
    with psycopg.connect(url(), autocommit=True) as conn:
        conn.execute("UPDATE metrics_extract SET is_current = false")


def one(path: str, staged: bool) -> dict:
    reset()
    env = {
        **os.environ,
        "DEBUG": "true",
        "METRICS_IMPORT_MAX_MB": "8192",
        "METRICS_IMPORT_STAGED": "true" if staged else "false",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    started = time.perf_counter()
    proc = subprocess.Popen([PYTHON, "-c", CHILD, path], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    output = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"import failed: {output[-2000:]}")
    child = json.loads(output.strip().splitlines()[-1])
    return {
        "wall": round(seconds, 2),
        "cpu": round(usage.ru_utime + usage.ru_stime, 2),
        "server_cpu": round(child["server_cpu"], 2),
        "rss_mb": round(usage.ru_maxrss / 1024),
        "marks": child["marks"],
    }


def raw_copy(path: str) -> float:
    """Seconds to COPY every CSV file of the bundle into a text table of its header's width."""
    started = time.perf_counter()
    with psycopg.connect(url()) as conn:
        for file in sorted(Path(path).glob("*.csv")):
            with open(file, "rb") as fh:
                width = len(fh.readline().split(b","))
            table = f"rawcopy_{file.stem}"
            conn.execute(f"DROP TABLE IF EXISTS {table}")
            conn.execute(f"CREATE UNLOGGED TABLE {table} ({', '.join(f'c{i} text' for i in range(width))})")
            with (
                conn.cursor().copy(f"COPY {table} FROM STDIN (FORMAT csv, HEADER true)") as copy,
                open(file, "rb") as fh,
            ):
                while chunk := fh.read(1 << 20):
                    copy.write(chunk)
        conn.commit()
    seconds = time.perf_counter() - started
    with psycopg.connect(url(), autocommit=True) as conn:
        for file in sorted(Path(path).glob("*.csv")):
            conn.execute(f"DROP TABLE IF EXISTS rawcopy_{file.stem}")
    return round(seconds, 2)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("bundles", nargs="+")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--copy", action="store_true")
    args = parser.parse_args()
    one(args.bundles[0], True)  # warm up: caches, first-load table sizes
    for path in args.bundles:
        results: dict[str, list[dict]] = {"python": [], "staged": [], "copy": []}
        for run in range(args.runs):
            for staged in (False, True) if run % 2 == 0 else (True, False):
                r = one(path, staged)
                results["staged" if staged else "python"].append(r)
                print(path, "staged" if staged else "python", json.dumps(r), os.getloadavg(), flush=True)
            if args.copy:
                results["copy"].append({"wall": raw_copy(path)})
                print(path, "copy", results["copy"][-1], os.getloadavg(), flush=True)
        for mode, runs in results.items():
            if runs:
                walls = [r["wall"] for r in runs]
                line = f"{path} {mode}: wall median {statistics.median(walls)} (runs {walls})"
                if mode != "copy":
                    line += f", cpu median {statistics.median(r['cpu'] for r in runs)}"
                    line += f", server cpu median {statistics.median(r['server_cpu'] for r in runs)}"
                    line += f", peak rss {max(r['rss_mb'] for r in runs)} MB"
                print(line, flush=True)
    sys.exit(0)


if __name__ == "__main__":
    main()
