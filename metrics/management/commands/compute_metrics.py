"""python manage.py compute_metrics --period 2023-07 [--through 2023-09] [--metric CODE ...] [--fan-out]"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from metrics.compute import NoExtract
from metrics.dates import Month
from metrics.models import MetricRun
from metrics.tasks import compute_fanned_out, compute_metrics_task


class Command(BaseCommand):
    help = "Compute every metric for the report months and store a run (runs as a Celery task)."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="first report month YYYY-MM")
        parser.add_argument("--through", help="last report month YYYY-MM (default: --period)")
        parser.add_argument("--metric", action="append", help="only this metric (repeatable)")
        parser.add_argument(
            "--fan-out",
            action="store_true",
            help="split the run into (month x metric group) tasks for every worker (a Celery chord); waits for it",
        )

    def handle(self, period: str, through: str | None, metric: list[str] | None, fan_out: bool = False, **options):
        try:
            Month.parse(period)
            if through:
                Month.parse(through)
        except ValueError as exc:
            raise CommandError(f"a period is YYYY-MM: {exc}") from exc
        try:
            if fan_out:
                run_id, result = compute_fanned_out(period, through, metric)
                result.get(disable_sync_subtasks=False)
            else:
                run_id = compute_metrics_task.delay(period, through, metric).get()
        except (NoExtract, KeyError) as exc:
            raise CommandError(str(exc)) from exc
        run = MetricRun.objects.get(pk=run_id)
        self.stdout.write(
            self.style.SUCCESS(f"run {run.run_id}: {run.results.count()} results, {run.units.count()} units")
        )
