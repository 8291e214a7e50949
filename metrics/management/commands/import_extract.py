"""python manage.py import_extract PATH: validate and load an extract bundle (directory or .zip)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from accounts.audit import log_action
from metrics.extract.load import load_bundle
from metrics.imports import import_audit_data


class Command(BaseCommand):
    help = "Validate an extract bundle and load it (nothing is written if there is any ERROR)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="bundle directory or .zip")
        parser.add_argument("--report", help="also write the problem list to this CSV file")

    def handle(self, path: str, report: str | None = None, **options):
        log_action("metrics.import.started", data={"file": path, "via": "command"})
        try:
            result = load_bundle(path, progress=lambda pct, step: self.stderr.write(f"{pct:3d}% {step}"))
        except Exception as exc:
            log_action("metrics.import.failed", data={"file": path, "via": "command", "error": type(exc).__name__})
            if isinstance(exc, FileNotFoundError):
                raise CommandError(str(exc)) from exc
            raise
        log_action("metrics.import.finished", data={"file": path, "via": "command", **import_audit_data(result)})
        for problem in result.report.problems:
            self.stdout.write(str(problem))
        if report:
            with open(report, "w", newline="") as fh:
                fh.write(result.report.to_csv())
        summary = f"{result.status}: {result.report.summary()}"
        if result.status == "REJECTED":
            raise CommandError(summary + " - nothing was written")
        self.stdout.write(self.style.SUCCESS(f"{summary}; extract {result.extract.extract_id}"))
