"""The import report: every ERROR and WARNING with file, line, column, value and rule id (section 7.2)."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import asdict, dataclass, field

from accounts.exports import csv_dict_writer

ERROR = "ERROR"
WARNING = "WARNING"


@dataclass(frozen=True)
class Problem:
    severity: str
    file: str
    line: int | None
    column: str
    value: str
    rule: str
    message: str

    def __str__(self) -> str:
        where = self.file + (f" line {self.line}" if self.line else "")
        what = f" {self.column} {self.value}".rstrip() if self.column else ""
        return f"{self.severity} {where}{what}: {self.message} (rule {self.rule})"


@dataclass
class ImportReport:
    """Every problem is counted; at most `limit` errors and `limit` warnings are kept with their
    details (a bundle of millions of bad rows must not hold millions of problems in memory). The
    rest are "… and N more" in the page and the CSV."""

    limit: int | None = None
    problems: list[Problem] = field(default_factory=list)
    totals: Counter = field(default_factory=Counter)  # severity -> every problem found
    rule_counts: Counter = field(default_factory=Counter)  # (severity, rule) -> every problem found
    last: tuple[str, int | None, str] | None = None  # (file, line, column) of the latest problem

    def error(self, file: str, line: int | None, column: str, value: object, rule: str, message: str) -> None:
        self.add(ERROR, file, line, column, value, rule, message)

    def warning(self, file: str, line: int | None, column: str, value: object, rule: str, message: str) -> None:
        self.add(WARNING, file, line, column, value, rule, message)

    def add(self, severity: str, file: str, line: int | None, column: str, value: object, rule: str, message: str):
        self.totals[severity] += 1
        self.rule_counts[(severity, rule)] += 1
        self.last = (file, line, column)
        if self.limit is None or self.totals[severity] <= self.limit:
            self.problems.append(Problem(severity, file, line, column, _text(value), rule, message))

    def tally(self, severity: str, rule: str, n: int) -> None:
        """Count n problems found beyond the listed ones (the staged import counts them in SQL)."""
        self.totals[severity] += n
        self.rule_counts[(severity, rule)] += n

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def has_errors(self) -> bool:
        return self.totals[ERROR] > 0

    def counts(self, severity: str | None = None) -> dict[str, int]:
        """rule id -> number of problems found (listed or not)."""
        counted: Counter = Counter()
        for (found, rule), n in self.rule_counts.items():
            if severity is None or found == severity:
                counted[rule] += n
        return dict(counted)

    def rules(self) -> set[str]:
        return {rule for _, rule in self.rule_counts}

    def omitted(self) -> dict[str, int]:
        """severity -> problems found beyond the listed ones."""
        return {
            s: self.totals[s] - self.limit
            for s in (ERROR, WARNING)
            if self.limit is not None and self.totals[s] > self.limit
        }

    def as_dicts(self) -> list[dict]:
        return [asdict(p) for p in self.problems]

    def to_csv(self) -> str:
        return problems_csv(self.as_dicts(), self.omitted())

    def summary(self) -> str:
        return f"{self.totals[ERROR]} error(s), {self.totals[WARNING]} warning(s)"


def more_text(severity: str, n: int, listed: int) -> str:
    """The line that stands for the problems of one severity beyond the listed ones."""
    noun = "error" if severity == ERROR else "warning"
    return f"… and {n} more {noun}{'s' if n != 1 else ''} not listed (the report keeps the first {listed})"


def problems_csv(rows: list[dict], omitted: dict[str, int] | None = None) -> str:
    """The listed problems, then one "… and N more" row per severity with problems not listed.

    Values are echoed from the extract, so cells go through the spreadsheet-safe writer."""
    out = io.StringIO()
    writer = csv_dict_writer(out, fieldnames=["severity", "file", "line", "column", "value", "rule", "message"])
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    for severity, n in (omitted or {}).items():
        if n > 0:
            listed = sum(1 for row in rows if row["severity"] == severity)
            writer.writerow({"severity": severity, "message": more_text(severity, n, listed)})
    return out.getvalue()


VALUE_SHOWN = 200  # characters of a value echoed in the report


def _text(value: object) -> str:
    if value is None:
        return ""
    text = str(value)
    return text if len(text) <= VALUE_SHOWN else text[:VALUE_SHOWN] + "…"
