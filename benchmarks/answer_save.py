"""Time review answer saves (the htmx POST of the item page) and the item and review pages.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/answersave_demo \
        .venv/bin/python benchmarks/answer_save.py [--runs 200] [--reviewer reviewer_6za] [--queries]

The database named in DATABASE_URL must hold the demo data (`manage.py migrate && manage.py
seed_demo`); nothing is created here, and the saves change the demo review's answer 14A (it goes
back and forth between YES and NO, as benchmarks/locustfile.py does), so each save is a real change
with its history rows.

Through Django's test client (no web server, no network; tests.settings: production settings,
DEBUG off) as the demo reviewer, on their first in-progress review: the item page of item 14 once
to warm the process (instrument, templates), then `--runs` times: one answer save (14A, the
version read from the previous response) and, every tenth run, the item page and the review page.
Prints the median, p90, p95 and max wall time in ms, the SQL queries of each, and the median CPU
time of this process (Django's side; PostgreSQL's work is not in it), which a loaded machine
changes less than the wall time.
`--queries` prints the SQL of one save.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def summary(name: str, times: list[float], queries: list[int], cpu: list[float]) -> str:
    return (
        f"{name:14} n={len(times):4}  median {statistics.median(times):6.1f}  p90 {percentile(times, 0.9):6.1f}  "
        f"p95 {percentile(times, 0.95):6.1f}  max {max(times):6.1f} ms  queries {max(queries)}  "
        f"CPU of this process median {statistics.median(cpu):5.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--reviewer", default="reviewer_6za")
    parser.add_argument("--queries", action="store_true", help="print the SQL of one save")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("DATABASE_URL must name a database holding the demo data (manage.py seed_demo)")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from reviews.models import Review

    user = User.objects.get(username=args.reviewer)
    review = Review.objects.filter(reviewers=user, status=Review.Status.IN_PROGRESS).order_by("pk").first()
    if review is None:
        sys.exit(f"{args.reviewer} has no review in progress: run seed_demo")
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    item_url = f"/reviews/{review.pk}/items/14/"
    save_url = f"/reviews/{review.pk}/answer/"
    detail_url = f"/reviews/{review.pk}/"

    cpu: dict[str, list[float]] = {"GET": [], "POST": []}

    def timed(method, url, data=None) -> tuple[float, int, str]:
        with CaptureQueriesContext(connection) as captured:
            start, start_cpu = time.perf_counter(), time.process_time()
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, data, headers={"HX-Request": "true"})
            elapsed = (time.perf_counter() - start) * 1000
            cpu[method].append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        return elapsed, len(captured), response.content.decode()

    _, _, page = timed("GET", item_url)  # warm-up
    timed("GET", detail_url)
    version = re.search(r'id="review-version" name="version" value="(\d+)"', page).group(1)
    saves, save_queries = [], []
    items, item_queries = [], []
    details, detail_queries = [], []
    for run in range(args.runs):
        value = "YES" if run % 2 else "NO"
        data = {"code": "14A", "q14A-case-value": value, "version": version}
        if args.queries and run == 1:
            with CaptureQueriesContext(connection) as captured:
                client.post(save_url, data, headers={"HX-Request": "true"})
            for n, query in enumerate(captured.captured_queries, 1):
                print(f"{n:3} {query['time']}s {query['sql'][:300]}")  # noqa: T201
            version = str(Review.objects.get(pk=review.pk).version)
            continue
        elapsed, count, body = timed("POST", save_url, data)
        if "NOT saved" in body or "Not saved" in body:
            sys.exit(f"save refused: {body[:2000]}")
        found = re.search(r'id="review-version"[^>]*value="(\d+)"', body)
        version = found.group(1) if found else str(Review.objects.get(pk=review.pk).version)
        saves.append(elapsed)
        save_queries.append(count)
        if run % 10 == 0:
            elapsed, count, _ = timed("GET", item_url)
            items.append(elapsed)
            item_queries.append(count)
            elapsed, count, _ = timed("GET", detail_url)
            details.append(elapsed)
            detail_queries.append(count)
    print(f"review {review.pk} ({review.case.case_id}), {connection.vendor}, load {os.getloadavg()[0]:.2f}")  # noqa: T201
    print(summary("answer save", saves, save_queries, cpu["POST"]))  # noqa: T201
    print(summary("item page", items, item_queries, cpu["GET"][2::2]))  # noqa: T201
    print(summary("review page", details, detail_queries, cpu["GET"][3::2]))  # noqa: T201


if __name__ == "__main__":
    main()
