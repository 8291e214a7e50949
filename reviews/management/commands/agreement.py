"""Print the inter-rater agreement of a quarter's calibration (dual) reviews, as JSON or CSV."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from accounts.exports import csv_writer
from accounts.models import Agency
from reviews.calibration import agreement_statistics, statistics_rows
from reviews.sampling import Quarter, SamplingError

CSV_COLUMNS = ["kind", "key", "pairs", "percent_agreement", "kappa", "kappa_ci_low", "kappa_ci_high", "flagged"]


class Command(BaseCommand):
    help = (
        "Percent agreement and Cohen's kappa (95 % CI) per item and outcome over the quarter's calibration "
        "cases whose two reviews are both submitted; flagged: kappa below 0.6 or fewer than 10 pairs."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quarter", required=True, help="e.g. 2023Q3: the quarter of the calibration cases.")
        parser.add_argument("--agency", default="all", help="An agency code, or all (the default).")
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            quarter = str(Quarter.parse(options["quarter"]))
        except SamplingError as exc:
            raise CommandError(str(exc)) from None
        code = options["agency"].strip()
        agency = None
        if code.lower() != "all":
            agency = Agency.objects.filter(code=code.upper()).first()
            if agency is None:
                raise CommandError(f"no agency {code!r}; give an agency code or all")
        result = agreement_statistics(quarter, agency)
        if options["format"] == "json":
            self.stdout.write(json.dumps(result, indent=2))
            return
        writer = csv_writer(self.stdout, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for row in statistics_rows(result):
            writer.writerow(row)
