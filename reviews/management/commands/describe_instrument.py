"""Print the instrument as a Markdown document a reviewer can hold against the federal OSRI."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from reviews.instrument import CURRENT_VERSION, INSTRUMENTS, get_instrument
from reviews.instrument.describe import describe


class Command(BaseCommand):
    help = "Print the review instrument (questions, answers, applicability, rating and outcome rules) as Markdown."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--instrument", default=CURRENT_VERSION, help=f"One of {', '.join(INSTRUMENTS)}.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            instrument = get_instrument(options["instrument"])
        except KeyError as exc:
            raise CommandError(str(exc.args[0])) from None
        self.stdout.write(describe(instrument))
