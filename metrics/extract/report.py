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
    problems: list[Problem] = field(default_factory=list)

    def error(self, file: str, line: int | None, column: str, value: object, rule: str, message: str) -> None:
        self.problems.append(Problem(ERROR, file, line, column, _text(value), rule, message))

    def warning(self, file: str, line: int | None, column: str, value: object, rule: str, message: str) -> None:
        self.problems.append(Problem(WARNING, file, line, column, _text(value), rule, message))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def has_errors(self) -> bool:
        return any(p.severity == ERROR for p in self.problems)

    def counts(self, severity: str | None = None) -> dict[str, int]:
        return dict(Counter(p.rule for p in self.problems if severity is None or p.severity == severity))

    def rules(self) -> set[str]:
        return {p.rule for p in self.problems}

    def as_dicts(self) -> list[dict]:
        return [asdict(p) for p in self.problems]

    def to_csv(self) -> str:
        return problems_csv(self.as_dicts())

    def summary(self) -> str:
        return f"{len(self.errors)} error(s), {len(self.warnings)} warning(s)"


def problems_csv(rows: list[dict]) -> str:
    """The report as CSV; values are echoed from the extract, so cells go through the safe writer."""
    out = io.StringIO()
    writer = csv_dict_writer(out, fieldnames=["severity", "file", "line", "column", "value", "rule", "message"])
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue()


def _text(value: object) -> str:
    if value is None:
        return ""
    return str(value)
