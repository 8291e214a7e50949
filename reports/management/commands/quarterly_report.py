"""Write the quarterly Response and Evaluation report of a quarter and scope to a file.

    python manage.py quarterly_report --quarter 2023Q3 --agency all --format pdf --out report.pdf

Without --published it builds a draft from the current stored figures (with the team's texts when
a report for the quarter exists in the app); --published takes the latest published version,
exactly as it was frozen. The command runs as the operator: it reads every agency.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Agency, User
from reports import document, rendering
from reports.models import Report
from reports.quarterly import STATEWIDE, BadQuarter, Quarter, Scope


def operator() -> User:
    """An unsaved superuser: the command's figures are the whole state's, as an operator sees them."""
    return User(username="quarterly_report command", is_superuser=True, is_staff=True)


class Command(BaseCommand):
    help = (
        "Write the quarterly report (draft from the stored figures, or --published) as json, html, pdf, docx or xlsx."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quarter", required=True, help="The calendar quarter, e.g. 2023Q3.")
        parser.add_argument("--agency", default=STATEWIDE, help="'all' for the statewide report, or an agency code.")
        parser.add_argument("--format", choices=rendering.FORMATS, default="json", dest="fmt")
        parser.add_argument("--out", default="-", help="The file to write; '-' (default) is standard output.")
        parser.add_argument("--published", action="store_true", help="The latest published version instead of a draft.")

    def handle(self, *args, quarter: str, agency: str, fmt: str, out: str, published: bool, **options):
        try:
            period = Quarter.parse(quarter)
        except BadQuarter as exc:
            raise CommandError(str(exc)) from exc
        scope = self._scope(agency)
        report = Report.objects.filter(quarter=str(period), agency=scope.agency).first()
        if published:
            version = report.latest_version if report else None
            if version is None:
                raise CommandError(f"No published version of the {period} report for {scope.parameter}.")
            snapshot = version.snapshot
        else:
            snapshot = document.build(
                operator(),
                period,
                scope,
                version=report.next_version_number if report else 1,
                texts=report.texts if report else None,
            )
        data = rendering.render(snapshot, fmt)
        if out == "-":
            if fmt not in ("json", "html"):
                raise CommandError(f"--format {fmt} is binary: give a file with --out.")
            sys.stdout.write(data.decode("utf-8"))
            return
        with open(out, "wb") as handle:
            handle.write(data)
        self.stderr.write(f"{rendering.filename(snapshot, fmt)} written to {out} ({len(data):,} bytes)")

    def _scope(self, agency: str) -> Scope:
        code = (agency or "").strip()
        if code.lower() == STATEWIDE:
            return Scope(None)
        found = Agency.objects.filter(code=code.upper()).first()
        if found is None:
            known = ", ".join(Agency.objects.order_by("code").values_list("code", flat=True))
            raise CommandError(f"--agency {agency!r} is not an agency: use 'all' or one of {known}.")
        return Scope(found)
