"""Time the survey results page (agency and statewide) at N submitted responses.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/survey_bench \
        .venv/bin/python benchmarks/survey_results.py [--responses 10000] [--runs 20] [--agencies 8] [--keep-data]

The database named in DATABASE_URL is a scratch database: it is created if missing (PostgreSQL),
migrated, and its survey data is replaced by synthetic data: the real question bank (youth, resource
and parent surveys), three waves, `--agencies` agencies, N submitted responses spread over the
(wave, agency, group) cells with every closed question answered by a seeded random choice and one
comment in five. Without DATABASE_URL a temporary SQLite file is used. `--keep-data` keeps the data
of an earlier run when it holds N submitted responses (to time two versions of the code on the same
data, one after the other).

Then, through Django's test client (no web server, no network), the results page is opened as an
agency supervisor (one agency), as a CD supervisor (statewide) and as the CD supervisor filtered to
one wave: one warm-up request each, then `--runs` timed requests, printing the median, p95 and max
wall time and the number of SQL queries of each. The suppression pattern is cached between requests
(surveys.results.disclosure, under the results version) as in a gunicorn worker; the first request's
time is printed separately, and "changed" is the median of 3 requests each made right after a change
to a submitted response (a new results version: the pattern is computed again).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _prepare_database() -> None:
    url = os.environ.get("DATABASE_URL")
    if not url:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/survey_bench.sqlite3"
        return
    parsed = urlparse(url)
    if parsed.scheme.startswith("postgres"):
        name = parsed.path.lstrip("/")
        subprocess.run(
            [
                "createdb",
                "-h",
                parsed.hostname or "127.0.0.1",
                "-p",
                str(parsed.port or 5432),
                "-U",
                parsed.username or "postgres",
                name,
            ],
            capture_output=True,
        )  # fmt: skip  (fails harmlessly when it exists)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--responses", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--agencies", type=int, default=8)
    parser.add_argument("--keep-data", action="store_true", help="reuse the data of an earlier run")
    args = parser.parse_args()

    _prepare_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from surveys.models import Response

    if not (args.keep_data and Response.objects.filter(status="submitted").count() == args.responses):
        populate(args.responses, args.agencies)
    else:
        print(f"data: kept ({args.responses} responses)")
    measure(args.runs)


def populate(total: int, agency_count: int) -> None:
    import datetime as dt

    from django.db import transaction

    from accounts.models import Agency, Membership, Role, User
    from surveys import models, question_bank
    from surveys.models import Answer, Question, Response, Survey, Wave

    started = time.perf_counter()
    with transaction.atomic():
        Answer.objects.all().delete()
        Response.objects.all().delete()
        models.Invitation.objects.all().delete()
        Wave.objects.all().delete()
        question_bank.install({name: getattr(models, name) for name in question_bank.SURVEY_MODELS})
        surveys = [
            Survey.objects.filter(family=g).order_by("-version").first() for g in ("youth", "resource", "parent")
        ]
        agencies = list(Agency.objects.exclude(code="CD").filter(active=True).order_by("code")[:agency_count])
        waves = []
        for n, opens in enumerate((dt.date(2025, 1, 10), dt.date(2025, 4, 10), dt.date(2025, 7, 10))):
            wave = Wave.objects.create(
                name=f"Bench wave {n + 1}", opens_on=opens, closes_on=opens + dt.timedelta(days=60), guard_days=180
            )
            wave.surveys.set(surveys)
            waves.append((wave, opens))
        rng = random.Random(14)
        questions = {
            s.pk: [q for q in Question.objects.filter(survey=s).prefetch_related("choices") if q.kind != "multiple"]
            for s in surveys
        }
        rows = []
        for n in range(total):
            wave, opens = waves[n % len(waves)]
            survey = surveys[(n // len(waves)) % len(surveys)]
            agency = agencies[rng.randrange(len(agencies))]
            rows.append(
                Response(
                    survey=survey,
                    wave=wave,
                    agency=agency,
                    group=survey.group,
                    status=Response.Status.SUBMITTED,
                    submitted_on=opens + dt.timedelta(days=rng.randrange(50)),
                )
            )
        created = Response.objects.bulk_create(rows, batch_size=2000)
        answers = []
        for response in created:
            for q in questions[response.survey_id]:
                choices = list(q.choices.all())
                if choices:
                    if rng.random() < 0.9:
                        answers.append(Answer(response=response, question=q, choice=rng.choice(choices)))
                elif q.kind == "number":
                    answers.append(Answer(response=response, question=q, number=rng.randrange(10)))
                elif q.kind == "long_text" and rng.random() < 0.2:
                    answers.append(Answer(response=response, question=q, text=f"Synthetic comment {response.pk}."))
        Answer.objects.bulk_create(answers, batch_size=5000)
        for username, code in (("bench_agency", agencies[0].code), ("bench_state", "CD")):
            user, _ = User.objects.get_or_create(username=username)
            Membership.objects.get_or_create(user=user, agency=Agency.objects.get(code=code), role=Role.SUPERVISOR)
    from django.db import connection

    if connection.vendor == "postgresql":
        # Fresh statistics, as autovacuum would give a production server (it is off on the shared
        # development server: without them the planner takes 10,000 responses for 16 and the
        # suppression query runs a nested loop: 1.3 s instead of 0.13 s).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"data: {total} responses, {len(answers)} answers, {len(agencies)} agencies, 3 waves, 3 groups "
        f"({time.perf_counter() - started:.1f} s to create)"
    )


def measure(runs: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from surveys.models import Wave

    wave = Wave.objects.order_by("opens_on").first()
    cases = [
        ("agency supervisor", "bench_agency", "/surveys/"),
        ("statewide", "bench_state", "/surveys/"),
        ("statewide, one wave", "bench_state", f"/surveys/?wave={wave.pk}"),
    ]
    print(f"database: {connection.vendor}; {runs} timed runs each after one warm-up (milliseconds)")
    print(f"{'page':22} {'first':>7} {'median':>7} {'p95':>7} {'max':>7} {'queries':>8} {'changed':>8}")
    for label, username, url in cases:
        client = Client()
        client.force_login(User.objects.get(username=username), backend="django.contrib.auth.backends.ModelBackend")
        started = time.perf_counter()
        response = client.get(url)
        first = time.perf_counter() - started
        assert response.status_code == 200, response.status_code
        times = []
        for _ in range(runs):
            connection.queries_log.clear()  # a full log (maxlen) would count no query
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                client.get(url)
                times.append(time.perf_counter() - started)
        query_count = len(queries)  # now: the requests below clear the log
        times.sort()
        p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
        changed = []
        for _ in range(3):
            touch_a_submitted_response()
            started = time.perf_counter()
            client.get(url)
            changed.append(time.perf_counter() - started)
        print(
            f"{label:22} {first * 1000:7.0f} {statistics.median(times) * 1000:7.0f} {p95 * 1000:7.0f} "
            f"{times[-1] * 1000:7.0f} {query_count:8} {statistics.median(changed) * 1000:8.0f}"
        )


def touch_a_submitted_response() -> None:
    """A change that leaves the figures as they are but is a change to the counted data (a new results
    version, where the code has one)."""
    from surveys.models import Response

    response = Response.objects.filter(status="submitted").order_by("pk").first()
    Response.objects.filter(pk=response.pk).update(language=response.language)


if __name__ == "__main__":
    main()
