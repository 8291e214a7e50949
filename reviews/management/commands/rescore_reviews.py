"""Recompute the stored ratings of every review (or one agency's) and list answers a rule now refuses.

Run it after an instrument correction (migration 0004, issue 12): ratings follow the corrected rules,
and reviews whose stored answers break one (13APP = NO in an in-home case, an override to NA of an item
that is never NA, ...) are listed with the code and the rule, for their reviewers to correct.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from reviews.models import Review
from reviews.scoring import rescore


class Command(BaseCommand):
    help = "Recompute every review's rating rows from its answers; list the reviews whose answers break a rule."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--agency", help="Only reviews of this agency code.")

    def handle(self, *args: Any, **options: Any) -> None:
        reviews = Review.objects.select_related("case__agency").order_by("case__case_id", "pur_start")
        if options.get("agency"):
            reviews = reviews.filter(case__agency__code=options["agency"])
        count = flagged = 0
        for review in reviews:
            scoring = rescore(review)
            count += 1
            if scoring.problems:
                flagged += 1
                for problem in scoring.problems:
                    self.stdout.write(f"{review.case.case_id} {review.pur_start:%Y-%m-%d} ({review.status}): {problem}")
        self.stdout.write(f"{count} review(s) rescored; {flagged} with answers a rule refuses")
