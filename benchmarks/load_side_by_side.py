"""Run the Locust page mix against two (or more) checkouts of the app, alternately, and compare.

    .venv-load/bin/python benchmarks/load_side_by_side.py \
        --target before=/work/wt/base:load_base --target after=/work/main:load_after \
        [--rounds 2] [--run-time 90s] [--users 10] [--workers 3]

Each target is NAME=CHECKOUT:DATABASE: the checkout's own `.venv/bin/gunicorn` serves it with
production settings (DEBUG off, collected static files; plain HTTP on the loopback) against the
PostgreSQL database DATABASE, prepared as docs/performance.md ("Load test: the page mix") says.
For every round each target in turn gets a fresh gunicorn (WORKERS workers), a warm-up of
10 seconds, then Locust with USERS clients without think time for RUN-TIME (the statistics reset once all
clients have signed in, so the sign-ins are not counted); rounds alternate the
targets so that the machine's other work falls on both alike. Prints, per target and round,
requests/s, failures and the 50th/95th percentiles in total and per page, then the medians over the
rounds. Locust runs in this process's venv (`.venv-load`, requirements-load.txt).
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
LOCUSTFILE = HERE / "locustfile.py"
PORT = 8123


def serve(checkout: Path, database: str, workers: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "SECRET_KEY": "load-test-only-key",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DEBUG": "false",
        # plain HTTP on the loopback: no HTTPS redirect, cookies not marked Secure
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
    }
    subprocess.run(
        [str(checkout / ".venv/bin/python"), "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=checkout,
        env=env,
        check=True,
    )
    server = subprocess.Popen(
        [str(checkout / ".venv/bin/gunicorn"), "config.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{PORT}"]
        + ["--timeout", "120"],
        cwd=checkout,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/accounts/login/", timeout=2)
            return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit(f"gunicorn for {checkout} did not answer")


def locust(run_time: str, users: int, prefix: str) -> list[dict]:
    subprocess.run(
        [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--host", f"http://127.0.0.1:{PORT}", "--headless"]
        + [
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            run_time,
            "--csv",
            prefix,
            "--only-summary",
            "--reset-stats",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with open(f"{prefix}_stats.csv", newline="") as f:
        return list(csv.DictReader(f))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", action="append", required=True, help="NAME=CHECKOUT:DATABASE")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--run-time", default="90s")
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()
    targets = []
    for spec in args.target:
        name, rest = spec.split("=", 1)
        checkout, database = rest.rsplit(":", 1)
        targets.append((name, Path(checkout).resolve(), database))
    results: dict[str, list[dict[str, dict]]] = {name: [] for name, _, _ in targets}
    work = Path(tempfile.mkdtemp(prefix="load-side-by-side-"))
    for round_ in range(args.rounds):
        for name, checkout, database in targets if round_ % 2 == 0 else list(reversed(targets)):
            server = serve(checkout, database, args.workers)
            try:
                locust("10s", args.users, str(work / f"warmup-{name}-{round_}"))
                load = os.getloadavg()[0]
                rows = locust(args.run_time, args.users, str(work / f"{name}-{round_}"))
            finally:
                server.terminate()
                server.wait()
            by_page = {f"{r['Type']} {r['Name']}".strip(): r for r in rows}
            results[name].append(by_page)
            total = by_page["Aggregated"]
            print(
                f"round {round_ + 1} {name:>8}: {float(total['Requests/s']):6.1f} req/s, "
                f"{total['Failure Count']} failures, p50 {total['50%']} ms, p95 {total['95%']} ms "
                f"(load average before {load:.1f})",
                flush=True,
            )
    print("\nmedian over rounds (requests/s; p50 / p95 ms)")
    pages = sorted(
        {page for runs in results.values() for run in runs for page in run}, key=lambda p: (p == "Aggregated", p)
    )
    print(f"{'page':40}" + "".join(f"{name:>24}" for name, _, _ in targets))
    for page in pages:
        cells = []
        for name, _, _ in targets:
            runs = [run[page] for run in results[name] if page in run]
            if not runs:
                cells.append(f"{'-':>24}")
                continue
            rate = statistics.median(float(r["Requests/s"]) for r in runs)
            p50 = statistics.median(float(r["50%"]) for r in runs)
            p95 = statistics.median(float(r["95%"]) for r in runs)
            cells.append(f"{rate:7.1f}/s {p50:6.0f} / {p95:6.0f}")
        print(f"{page[:40]:40}" + "".join(cells))


if __name__ == "__main__":
    main()
