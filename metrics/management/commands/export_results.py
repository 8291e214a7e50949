"""python manage.py export_results --period 2023-07 --format csv|json > results.csv"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from metrics.export import results_for_period, to_csv, to_json


class Command(BaseCommand):
    help = "Write the stored results of a period (latest run) to stdout, columns of spec section 8.3."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="YYYY-MM or YYYY-Qn")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")

    def handle(self, period: str, format: str, **options):
        results = list(results_for_period(period))
        if not results:
            raise CommandError(f"no computed results for {period}: run compute_metrics first")
        self.stdout.write(to_csv(results) if format == "csv" else to_json(results), ending="")
