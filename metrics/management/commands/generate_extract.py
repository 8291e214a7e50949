"""python manage.py generate_extract --out DIR --children N --months M --seed S"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from metrics.synthetic import generate


class Command(BaseCommand):
    help = "Write a synthetic, valid extract bundle (same seed, same bytes)."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True)
        parser.add_argument("--children", type=int, default=300)
        parser.add_argument("--months", type=int, default=48, help="months of history ending at the as-of date")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--as-of", default="2023-11-30")

    def handle(self, out: str, children: int, months: int, seed: int, as_of: str, **options):
        counts = generate(out, children=children, months=months, seed=seed, as_of=as_of)
        for name, n in counts.items():
            self.stdout.write(f"{name}: {n} rows")
