"""Import review documents (osri-review JSON): one file, or every *.json file of a directory."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from reviews.interchange import ImportRejected, import_document


class Command(BaseCommand):
    help = (
        "Import reviews from a JSON file or a directory of them. Each file is imported atomically; a review is "
        "identified by case id + period under review start, so importing the same file again changes nothing."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", help="A .json file or a directory of .json files.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if path.is_dir():
            files = sorted(path.glob("*.json"))
        elif path.is_file():
            files = [path]
        else:
            raise CommandError(f"{path}: no such file or directory")
        failed = 0
        for file in files:
            try:
                data = json.loads(file.read_text(encoding="utf-8"))
                result = import_document(data)
            except json.JSONDecodeError as exc:
                failed += 1
                self.stderr.write(f"{file.name}: document: not valid JSON at line {exc.lineno}: {exc.msg} [rule: json]")
                continue
            except ImportRejected as exc:
                failed += 1
                for problem in exc.problems:
                    self.stderr.write(f"{file.name}: {problem}")
                continue
            review = result.review
            self.stdout.write(f"{file.name}: {result.action} review {review.case.case_id} from {review.pur_start}")
        self.stdout.write(f"{len(files) - failed} of {len(files)} file(s) imported")
        if failed:
            sys.exit(1)
