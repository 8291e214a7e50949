"""Draw a reproducible random sample of cases for a quarter (e.g. 2023Q3, circuits 16, 36, 45)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from reviews.models import CaseType
from reviews.sampling import SamplingError, draw_sample


class Command(BaseCommand):
    help = (
        "Draw a random sample of cases for a quarter: --size cases from the site circuits and --statewide cases "
        "from the rest of the state, shared among (circuit, case type) strata in proportion to their populations. "
        "The seed is recorded; the same seed on the same cases gives the same sample."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quarter", required=True, help="e.g. 2023Q3")
        parser.add_argument("--circuits", required=True, help="Site circuits, comma separated, e.g. 16,36,45")
        parser.add_argument(
            "--size",
            type=int,
            default=40,
            help="Cases to draw from the site circuits (default 40, as in the 2023 review).",
        )
        parser.add_argument("--statewide", type=int, default=0, help="Cases to draw from the rest of the state.")
        parser.add_argument("--seed", type=int, help="Random seed (a new one is chosen and recorded when omitted).")
        parser.add_argument(
            "--case-type",
            action="append",
            choices=CaseType.values,
            dest="case_types",
            help="Case type(s) in the population (repeatable; default FOSTER_CARE).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            circuits = [int(part) for part in options["circuits"].split(",") if part.strip()]
        except ValueError:
            raise CommandError("--circuits must be circuit numbers separated by commas, e.g. 16,36,45") from None
        try:
            sample = draw_sample(
                options["quarter"],
                circuits,
                options["size"],
                options["statewide"],
                seed=options.get("seed"),
                case_types=options.get("case_types"),
            )
        except SamplingError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Sample {sample.pk}: {sample.quarter}, seed {sample.seed}, {sample.cases.count()} case(s)")
        for entry in sample.cases.select_related("case").order_by("stratum", "draw_order"):
            self.stdout.write(f"  {entry.stratum:<32} {entry.draw_order:>4}  {entry.case.case_id}")
