"""Export reviews as osri-review JSON documents, one file per review."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from reviews.interchange import export_document
from reviews.models import Review


class Command(BaseCommand):
    help = "Write every review (or one agency's) to DIR as <case id>_<period start>.json, with its scoring block."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--out", required=True, help="Directory to write into (created if missing).")
        parser.add_argument("--agency", help="Only reviews of this agency code.")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        # Ordinary reviews only: the two blind calibration reviews of a case share its period (and so
        # its file name); they are compared by the agreement command, not exchanged.
        reviews = (
            Review.objects.filter(calibration=False)
            .select_related("case__agency")
            .order_by("case__case_id", "pur_start")
        )
        if options.get("agency"):
            reviews = reviews.filter(case__agency__code=options["agency"])
        count = 0
        for review in reviews:
            name = re.sub(r"[^A-Za-z0-9._-]", "_", f"{review.case.case_id}_{review.pur_start:%Y-%m-%d}") + ".json"
            (out / name).write_text(json.dumps(export_document(review), indent=2) + "\n", encoding="utf-8")
            count += 1
        self.stdout.write(f"{count} review(s) written to {out}")
