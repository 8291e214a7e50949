"""Score an interchange document: prints the scoring block as JSON (spec osri.md §9)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from reviews.instrument import INSTRUMENTS, get_instrument
from reviews.instrument.document import read_document, score_document


class Command(BaseCommand):
    help = (
        "Score one review document (osri-review JSON). Prints the scoring block on stdout; on invalid input "
        "prints one line per problem (code and rule) on stderr and exits with status 1."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="Path to the JSON document, or - for standard input.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        try:
            text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            self._fail([f"document: cannot read {path}: {exc.strerror} [rule: readable-file]"])
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            self._fail([f"document: not valid JSON at line {exc.lineno} column {exc.colno}: {exc.msg} [rule: json]"])
        doc, problems = read_document(data, INSTRUMENTS)
        scoring = score_document(doc, get_instrument(doc.instrument)) if doc is not None else None
        if scoring is not None:
            problems = get_instrument(doc.instrument).sort_problems(problems + scoring.problems)
        if problems or scoring is None:
            self._fail([str(p) for p in problems])
        self.stdout.write(json.dumps(scoring.block(), indent=2))

    def _fail(self, lines: list[str]) -> None:
        for line in lines:
            self.stderr.write(line)
        sys.exit(1)
