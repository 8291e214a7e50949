"""Load an extract bundle (directory or .zip): validate everything, then replace the data at once.

1. Read every file, check headers, types, codes, required values, dates against `as_of_date` and
   1990 (GEN3-GEN6), primary keys (GEN1), foreign keys (GEN2) and the file rules (CH1, EP3 ...).
   Every problem is collected; nothing stops at the first one.
2. Any ERROR: nothing is written. Otherwise, in one transaction, delete the previous extract's rows,
   insert the new ones (COPY on PostgreSQL, bulk_create elsewhere) and build the derived tables of
   section 7.5 and the data-quality shares of section 7.6.
3. The same bundle (same extract_id and checksum) already current: nothing changes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import sys
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from metrics import models
from metrics.dates import add_months, birthday
from metrics.extract.report import ImportReport
from metrics.extract.schema import BY_NAME, CONGREGATE, FILES, NOT_PLACEMENT_SETTINGS, FileSpec

ID_RE = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MIN_DATE = date(1990, 1, 1)
PARENT_FINAL = {"POE", "CA", "UNS", "UNS_PSI", "FA"}

Progress = Callable[[int, str], None]


class Row:
    """One data row: its line number and its typed values, in the file's declared column order.

    Values are a tuple indexed through a per-file column map (shared by all rows) rather than a
    dict per row: a bundle of millions of rows is held in memory during validation."""

    __slots__ = ("line", "_values", "_index")

    def __init__(self, line: int, values: tuple, index: dict[str, int]) -> None:
        self.line, self._values, self._index = line, values, index

    def __getitem__(self, key: str) -> Any:
        position = self._index.get(key)
        return None if position is None else self._values[position]


@dataclass
class Bundle:
    files: dict[str, list[Row]] = field(default_factory=dict)
    present: list[str] = field(default_factory=list)
    checksum: str = ""

    def rows(self, name: str) -> list[Row]:
        return self.files.get(name, [])


@dataclass
class LoadResult:
    status: str  # LOADED, UNCHANGED, REJECTED
    report: ImportReport
    extract: models.Extract | None = None

    @property
    def ok(self) -> bool:
        return self.status in ("LOADED", "UNCHANGED")


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def _open_sources(path: Path) -> dict[str, bytes]:
    if path.is_dir():
        return {p.name: p.read_bytes() for p in sorted(path.iterdir()) if p.suffix == ".csv"}
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return {
                Path(info.filename).name: archive.read(info)
                for info in archive.infolist()
                if info.filename.endswith(".csv") and not info.is_dir()
            }
    raise FileNotFoundError(f"{path} is neither a directory nor a .zip of CSV files")


_DATES: dict[str, date] = {}


def _parse_value(spec_type: str, codes: tuple[str, ...], raw: str) -> tuple[Any, str | None]:
    """(value, problem) for one non-empty field."""
    if spec_type == "id":
        return (raw, None) if ID_RE.match(raw) else (None, "not an id ([A-Za-z0-9_.-], up to 64 characters)")
    if spec_type == "date":
        # Dates repeat across millions of rows: share one object per distinct date.
        known = _DATES.get(raw)
        if known is not None:
            return known, None
        if not DATE_RE.match(raw):
            return None, "not a date YYYY-MM-DD"
        try:
            value = _DATES[raw] = date.fromisoformat(raw)
            return value, None
        except ValueError:
            return None, "not a calendar date"
    if spec_type == "int":
        try:
            return int(raw), None
        except ValueError:
            return None, "not an integer"
    if spec_type == "dec":
        if "," in raw:
            return None, "not a decimal (no thousands separator allowed)"
        try:
            return Decimal(raw), None
        except InvalidOperation:
            return None, "not a decimal"
    if spec_type in ("code", "yn"):
        return (sys.intern(raw), None) if raw in codes else (None, f"not one of {', '.join(codes)}")
    return raw, None


def read_bundle(path: Path, report: ImportReport) -> Bundle:
    sources = _open_sources(path)
    bundle = Bundle(present=sorted(sources))
    digest = hashlib.sha256()
    for name in sorted(sources):
        digest.update(name.encode())
        digest.update(hashlib.sha256(sources[name]).digest())
    bundle.checksum = digest.hexdigest()

    for name in sorted(set(sources) - set(BY_NAME)):
        report.warning(name, None, "", "", "FILE2", "unknown file, ignored")
    for spec in FILES:
        if spec.name not in sources:
            if spec.optional:
                report.warning(spec.name, None, "", "", "FILE3", "optional file absent: its metrics are not computed")
            else:
                report.error(spec.name, None, "", "", "FILE1", "required file missing")
            continue
        bundle.files[spec.name] = _read_file(spec, sources[spec.name], report)
    return bundle


def _read_file(spec: FileSpec, data: bytes, report: ImportReport) -> list[Row]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        report.error(spec.name, None, "", "", "FILE4", f"not UTF-8 ({exc.reason} at byte {exc.start})")
        return []
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        report.error(spec.name, 1, "", "", "FILE5", "empty file: a header row is required")
        return []
    names = {c.name for c in spec.columns}
    for column in spec.columns:
        if column.name not in header and column.required:
            report.error(spec.name, 1, column.name, "", "GEN4", "required column missing from the header")
    for extra in header:
        if extra not in names:
            report.warning(spec.name, 1, extra, "", "GEN7", "unknown column, ignored")
    index = {c.name: n for n, c in enumerate(spec.columns)}
    positions = [(i, index[h], spec.column(h)) for i, h in enumerate(header) if h in names]
    required = [(index[c.name], c) for c in spec.columns if c.required]
    rows: list[Row] = []
    width = len(spec.columns)
    for raw in reader:
        line = reader.line_num
        if not raw or raw == [""]:
            continue
        values: list[Any] = [None] * width
        for i, n, column in positions:
            cell = raw[i].strip() if i < len(raw) else ""
            if cell == "":
                continue
            value, problem = _parse_value(column.type, column.codes, cell)
            if problem:
                report.error(spec.name, line, column.name, cell, "GEN3", problem)
            values[n] = value
        for n, column in required:
            if values[n] is None and not _has_bad_value(report, spec.name, line, column):
                report.error(spec.name, line, column.name, "", "GEN4", "required value is empty")
        rows.append(Row(line, tuple(values), index))
    return rows


def _has_bad_value(report: ImportReport, name: str, line: int, column) -> bool:
    last = report.problems[-1] if report.problems else None
    return bool(last and last.file == name and last.line == line and last.column == column.name)


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------


def validate(bundle: Bundle, report: ImportReport) -> date | None:
    """All rules; returns the as_of_date (None when the manifest is unusable)."""
    manifest = bundle.rows("manifest.csv")
    as_of: date | None = None
    if "manifest.csv" in bundle.files:
        if len(manifest) != 1:
            report.error("manifest.csv", None, "", len(manifest), "MF3", "the manifest must have exactly one data row")
        if manifest:
            as_of = manifest[0]["as_of_date"]
            version = manifest[0]["schema_version"]
            if version is not None and version != "1":
                report.error(
                    "manifest.csv", manifest[0].line, "schema_version", version, "MF1", "schema_version must be 1"
                )

    _check_keys(bundle, report)
    _check_dates(bundle, report, as_of)
    for rule in FILE_RULES:
        rule(bundle, report, as_of)
    return as_of


def _check_keys(bundle: Bundle, report: ImportReport) -> None:
    for spec in FILES:
        seen: set = set()
        for row in bundle.rows(spec.name):
            key = tuple(row[k] for k in spec.pk)
            if any(v is None for v in key):
                continue
            if key in seen:
                rule = "CH2" if spec.name == "children.csv" else "GEN1"
                report.error(spec.name, row.line, ",".join(spec.pk), "|".join(map(str, key)), rule, "duplicate key")
            seen.add(key)
    # foreign keys
    cache: dict[tuple[str, str], set] = {}
    for spec in FILES:
        for column in spec.columns:
            if not column.fk:
                continue
            target = column.fk
            if target not in cache:
                cache[target] = {r[target[1]] for r in bundle.rows(target[0])}
            allowed = cache[target]
            rule = {
                ("worker_child_visits.csv", "worker_id"): "VC1",
                ("worker_parent_visits.csv", "parent_id"): "VP1",
            }.get((spec.name, column.name), "GEN2")
            for row in bundle.rows(spec.name):
                value = row[column.name]
                if value is not None and value not in allowed:
                    report.error(spec.name, row.line, column.name, value, rule, f"not found in {target[0]} {target[1]}")


def _check_dates(bundle: Bundle, report: ImportReport, as_of: date | None) -> None:
    for spec in FILES:
        date_columns = [c.name for c in spec.columns if c.type == "date"]
        for row in bundle.rows(spec.name):
            for name in date_columns:
                value = row[name]
                if value is None:
                    continue
                if value < MIN_DATE:
                    report.error(spec.name, row.line, name, value, "GEN6", "date before 1990-01-01")
                if as_of and value > as_of and spec.name != "manifest.csv":
                    if spec.name == "children.csv" and name == "date_of_birth":
                        report.error(spec.name, row.line, name, value, "CH1", f"date of birth after as_of_date {as_of}")
                    else:
                        report.error(spec.name, row.line, name, value, "GEN5", f"date after as_of_date {as_of}")


def _agencies(bundle: Bundle, report: ImportReport, as_of) -> None:
    cd_rows = [r for r in bundle.rows("agencies.csv") if r["agency_type"] == "CD"]
    if "agencies.csv" in bundle.files and len(cd_rows) != 1:
        report.error("agencies.csv", None, "agency_type", len(cd_rows), "AG1", "exactly one CD agency is required")


def _counties(bundle: Bundle, report: ImportReport, as_of) -> None:
    for row in bundle.rows("counties.csv"):
        fips = row["county_fips"]
        if fips and not re.match(r"^29\d{3}$", fips):
            report.error("counties.csv", row.line, "county_fips", fips, "CO1", "a Missouri FIPS code is 29 + 3 digits")


def _episodes(bundle: Bundle, report: ImportReport, as_of) -> None:
    f = "removal_episodes.csv"
    dob = {r["child_id"]: r["date_of_birth"] for r in bundle.rows("children.csv")}
    by_child: dict[str, list[Row]] = defaultdict(list)
    for row in bundle.rows(f):
        removal, discharge, birth = row["removal_date"], row["discharge_date"], dob.get(row["child_id"])
        if removal and birth:
            if removal < birth:
                report.error(f, row.line, "removal_date", removal, "EP1", f"before the date of birth {birth}")
            elif removal > add_months(birth, 12 * 21):
                report.error(f, row.line, "removal_date", removal, "EP2", f"more than 21 years after birth {birth}")
            elif removal >= birthday(birth, 18):
                report.warning(f, row.line, "removal_date", removal, "EP8", "child 18 or older at removal")
        if removal and discharge:
            if discharge < removal:
                report.error(f, row.line, "discharge_date", discharge, "EP3", f"before removal_date {removal}")
            elif discharge == removal:
                report.warning(f, row.line, "discharge_date", discharge, "EP4", "enters and exits the same day")
        if discharge and not row["discharge_reason"]:
            report.warning(f, row.line, "discharge_reason", "", "EP6", "discharge_date without discharge_reason")
        if row["discharge_reason"] and not discharge:
            report.error(
                f, row.line, "discharge_reason", row["discharge_reason"], "EP7", "reason without discharge_date"
            )
        if removal:
            by_child[row["child_id"]].append(row)
    for rows in by_child.values():
        rows.sort(key=lambda r: r["removal_date"])
        for prev, nxt in zip(rows, rows[1:], strict=False):
            end = prev["discharge_date"]
            if end is None or nxt["removal_date"] < end:
                report.error(
                    f,
                    nxt.line,
                    "removal_date",
                    nxt["removal_date"],
                    "EP5",
                    f"inside episode {prev['episode_id']} of the same child",
                )
            elif nxt["removal_date"] == end:
                report.warning(f, nxt.line, "removal_date", nxt["removal_date"], "EP9", "re-removal on a discharge day")


def _episode_index(bundle: Bundle) -> dict[str, Row]:
    return {r["episode_id"]: r for r in bundle.rows("removal_episodes.csv")}


def _placements(bundle: Bundle, report: ImportReport, as_of) -> None:
    f = "placements.csv"
    episodes = _episode_index(bundle)
    by_episode: dict[str, list[Row]] = defaultdict(list)
    for row in bundle.rows(f):
        ep = episodes.get(row["episode_id"])
        start, end = row["start_date"], row["end_date"]
        if ep and start and ep["removal_date"]:
            if start < ep["removal_date"] or (ep["discharge_date"] and start > ep["discharge_date"]):
                report.error(f, row.line, "start_date", start, "PL1", "outside its episode")
            elif end and ep["discharge_date"] and end > ep["discharge_date"]:
                report.warning(f, row.line, "end_date", end, "PL6", "after the discharge date: trimmed")
        if start and end and end < start:
            report.error(f, row.line, "end_date", end, "PL2", f"before start_date {start}")
        if row["setting_type"] and row["setting_type"] != "QRTP":
            for name in ("qrtp_assessment_date", "qrtp_court_approval_date"):
                if row[name]:
                    report.warning(f, row.line, name, row[name], "PL5", "QRTP date on a non-QRTP placement: ignored")
        if start:
            by_episode[row["episode_id"]].append(row)
    for episode_id, rows in by_episode.items():
        rows.sort(key=lambda r: (r["start_date"], r["placement_id"]))
        for prev, nxt in zip(rows, rows[1:], strict=False):
            if prev["end_date"] is None or prev["end_date"] > nxt["start_date"]:
                report.warning(
                    f, nxt.line, "start_date", nxt["start_date"], "PL3", f"overlaps {prev['placement_id']}: trimmed"
                )
        ep = episodes.get(episode_id)
        if ep and ep["removal_date"] and rows and not _covers(ep, rows):
            report.warning(f, None, "episode_id", episode_id, "PL4", "days of the episode with no placement")


def _covers(ep: Row, rows: list[Row]) -> bool:
    cursor = ep["removal_date"]
    last = ep["discharge_date"]
    for row in rows:
        if row["start_date"] > cursor:
            return False
        end = row["end_date"]
        if end is None:
            return True
        cursor = max(cursor, end)
    return last is not None and cursor >= last


def _workers(bundle: Bundle, report: ImportReport, as_of) -> None:
    f = "workers.csv"
    by_worker: dict[str, list[Row]] = defaultdict(list)
    for row in bundle.rows(f):
        fte = row["fte"]
        if fte is not None and not (0 < fte <= 1):
            report.error(f, row.line, "fte", fte, "WK3", "fte must be more than 0 and at most 1")
        if row["period_start"]:
            by_worker[row["worker_id"]].append(row)
    for rows in by_worker.values():
        rows.sort(key=lambda r: r["period_start"])
        for prev, nxt in zip(rows, rows[1:], strict=False):
            if prev["period_end"] is None or prev["period_end"] >= nxt["period_start"]:
                report.error(f, nxt.line, "period_start", nxt["period_start"], "WK1", "overlaps another period")
    for row in bundle.rows(f):
        sup = row["supervisor_worker_id"]
        if sup and row["period_start"] and _role_on(by_worker.get(sup, []), row["period_start"]) != "SUPERVISOR":
            report.warning(f, row.line, "supervisor_worker_id", sup, "WK2", "not a SUPERVISOR on period_start")


def _role_on(periods: list[Row], d: date) -> str | None:
    for p in periods:
        if p["period_start"] <= d and (p["period_end"] is None or d <= p["period_end"]):
            return p["role"]
    return None


def _assignments(bundle: Bundle, report: ImportReport, as_of) -> None:
    f = "worker_assignments.csv"
    episodes = _episode_index(bundle)
    workers: dict[str, list[Row]] = defaultdict(list)
    for w in bundle.rows("workers.csv"):
        if w["period_start"]:
            workers[w["worker_id"]].append(w)
    primary: dict[str, list[Row]] = defaultdict(list)
    for row in bundle.rows(f):
        ep = episodes.get(row["episode_id"])
        start, end = row["start_date"], row["end_date"]
        if ep and row["child_id"] and ep["child_id"] != row["child_id"]:
            report.error(
                f, row.line, "episode_id", row["episode_id"], "WA1", f"episode of another child {ep['child_id']}"
            )
        if start and end and end < start:
            report.error(f, row.line, "end_date", end, "WA2", f"before start_date {start}")
        if ep and start and ep["removal_date"]:
            if start < ep["removal_date"] or (ep["discharge_date"] and start > ep["discharge_date"]):
                report.error(f, row.line, "start_date", start, "WA3", "outside its episode")
            elif ep["discharge_date"] and (end is None or end > ep["discharge_date"]) and end is not None:
                report.warning(f, row.line, "end_date", end, "WA3", "after the discharge date: trimmed")
        if start and row["agency_code"]:
            agency = _agency_on(workers.get(row["worker_id"], []), start)
            if agency and agency != row["agency_code"]:
                report.warning(f, row.line, "agency_code", row["agency_code"], "WA6", f"worker's agency is {agency}")
        if row["assignment_role"] == "PRIMARY" and start:
            primary[row["episode_id"]].append(row)
    for rows in primary.values():
        rows.sort(key=lambda r: (r["start_date"], r["assignment_id"]))
        for prev, nxt in zip(rows, rows[1:], strict=False):
            if prev["end_date"] is None or prev["end_date"] >= nxt["start_date"]:
                report.warning(f, nxt.line, "start_date", nxt["start_date"], "WA4", "overlapping PRIMARY rows")
    if as_of is None:
        return
    for ep in bundle.rows("removal_episodes.csv"):
        if not ep["removal_date"] or (ep["discharge_date"] and ep["discharge_date"] < ep["removal_date"]):
            continue
        if _unassigned_days(ep, primary.get(ep["episode_id"], []), as_of):
            report.warning(
                "removal_episodes.csv",
                ep.line,
                "episode_id",
                ep["episode_id"],
                "WA5",
                "days in care without a PRIMARY assignment: attributed to CD and the jurisdiction county",
            )


def _unassigned_days(ep: Row, rows: list[Row], as_of: date) -> bool:
    cursor = ep["removal_date"].toordinal()
    last = (ep["discharge_date"] or as_of).toordinal()
    for row in sorted(rows, key=lambda r: r["start_date"]):
        if row["start_date"].toordinal() > cursor:
            return True
        end = row["end_date"].toordinal() if row["end_date"] else last
        cursor = max(cursor, end + 1)
        if cursor > last:
            return False
    return cursor <= last


def _agency_on(periods: list[Row], d: date) -> str | None:
    for p in periods:
        if p["period_start"] <= d and (p["period_end"] is None or d <= p["period_end"]):
            return p["agency_code"]
    return None


def _visits(bundle: Bundle, report: ImportReport, as_of) -> None:
    f = "worker_child_visits.csv"
    episodes: dict[str, list[Row]] = defaultdict(list)
    for ep in bundle.rows("removal_episodes.csv"):
        episodes[ep["child_id"]].append(ep)
    workers: dict[str, list[Row]] = defaultdict(list)
    for w in bundle.rows("workers.csv"):
        if w["period_start"]:
            workers[w["worker_id"]].append(w)
    for row in bundle.rows(f):
        d = row["visit_date"]
        if not d:
            continue
        if not _episode_on(episodes.get(row["child_id"], []), d):
            report.warning(f, row.line, "visit_date", d, "VC2", "outside every episode of the child: ignored")
        if row["worker_id"] in workers and _role_on(workers[row["worker_id"]], d) is None:
            report.warning(f, row.line, "visit_date", d, "VC3", "worker not active on the visit date")


def _episode_on(episodes: list[Row], d: date) -> Row | None:
    for ep in episodes:
        if (
            ep["removal_date"]
            and ep["removal_date"] <= d
            and (ep["discharge_date"] is None or d <= ep["discharge_date"])
        ):
            return ep
    return None


def _parents(bundle: Bundle, report: ImportReport, as_of) -> None:
    f = "parents.csv"
    dob = {r["child_id"]: r["date_of_birth"] for r in bundle.rows("children.csv")}
    mothers: dict[str, int] = defaultdict(int)
    for row in bundle.rows(f):
        birth = dob.get(row["child_id"])
        if row["tpr_date"] and birth and row["tpr_date"] < birth:
            report.error(f, row.line, "tpr_date", row["tpr_date"], "PA1", f"before the child's birth {birth}")
        if row["relationship"] == "BIRTH_MOTHER":
            mothers[row["child_id"]] += 1
            if mothers[row["child_id"]] == 2:
                report.warning(f, row.line, "relationship", "BIRTH_MOTHER", "PA2", "more than one birth mother")
    pairs = {(r["parent_id"], r["child_id"]) for r in bundle.rows(f)}
    for row in bundle.rows("parent_child_visits.csv"):
        if row["parent_id"] and row["child_id"] and (row["parent_id"], row["child_id"]) not in pairs:
            report.error(
                "parent_child_visits.csv",
                row.line,
                "parent_id",
                row["parent_id"],
                "PV1",
                f"no parents.csv row for parent {row['parent_id']} and child {row['child_id']}",
            )


def _exams(bundle: Bundle, report: ImportReport, as_of) -> None:
    f = "hcy_exams.csv"
    dob = {r["child_id"]: r["date_of_birth"] for r in bundle.rows("children.csv")}
    removals: dict[str, list[date]] = defaultdict(list)
    for ep in bundle.rows("removal_episodes.csv"):
        if ep["removal_date"]:
            removals[ep["child_id"]].append(ep["removal_date"])
    for row in bundle.rows(f):
        d, birth = row["exam_date"], dob.get(row["child_id"])
        if d and birth and d < birth:
            report.error(f, row.line, "exam_date", d, "HE1", f"before the date of birth {birth}")
        if d and row["exam_type"] == "HCY_FULL":
            for removal in removals.get(row["child_id"], []):
                if 0 < (removal - d).days <= 30:
                    report.warning(f, row.line, "exam_date", d, "HE2", f"within 30 days before the removal {removal}")


def _reports(bundle: Bundle, report: ImportReport, as_of) -> None:
    f = "maltreatment_reports.csv"
    dob = {r["child_id"]: r["date_of_birth"] for r in bundle.rows("children.csv")}
    for row in bundle.rows(f):
        rd, disp, inc = row["report_date"], row["disposition_date"], row["incident_date"]
        birth = dob.get(row["child_id"])
        if rd and birth and rd < birth:
            report.error(f, row.line, "report_date", rd, "MR1", f"before the date of birth {birth}")
        if row["finding"] in PARENT_FINAL and disp is None:
            report.error(f, row.line, "disposition_date", "", "MR2", f"required with finding {row['finding']}")
        if rd and disp and disp < rd:
            report.error(f, row.line, "disposition_date", disp, "MR3", f"before report_date {rd}")
        if rd and inc and inc > rd:
            report.error(f, row.line, "incident_date", inc, "MR4", f"after report_date {rd}")


def _goals(bundle: Bundle, report: ImportReport, as_of) -> None:
    f = "permanency_goals.csv"
    episodes = _episode_index(bundle)
    by_key: dict[tuple, list[Row]] = defaultdict(list)
    has_primary: dict[str, date] = {}
    for row in bundle.rows(f):
        ep = episodes.get(row["episode_id"])
        if ep and row["start_date"] and ep["removal_date"] and row["start_date"] < ep["removal_date"]:
            report.error(
                f, row.line, "start_date", row["start_date"], "PG1", f"before the removal {ep['removal_date']}"
            )
        if row["start_date"]:
            by_key[(row["episode_id"], row["goal_rank"])].append(row)
            if row["goal_rank"] == "PRIMARY":
                first = has_primary.get(row["episode_id"])
                has_primary[row["episode_id"]] = min(first, row["start_date"]) if first else row["start_date"]
    for rows in by_key.values():
        rows.sort(key=lambda r: (r["start_date"], r["goal_id"]))
        for prev, nxt in zip(rows, rows[1:], strict=False):
            if prev["end_date"] is None or prev["end_date"] >= nxt["start_date"]:
                report.warning(
                    f, nxt.line, "start_date", nxt["start_date"], "PG2", "overlapping goals of the same rank"
                )
    if as_of is None:
        return
    for ep in bundle.rows("removal_episodes.csv"):
        removal = ep["removal_date"]
        if not removal:
            continue
        due = removal.toordinal() + 60
        end = (ep["discharge_date"] or as_of).toordinal()
        first = has_primary.get(ep["episode_id"])
        if end >= due and (first is None or first.toordinal() > due):
            report.warning(
                "removal_episodes.csv",
                ep.line,
                "episode_id",
                ep["episode_id"],
                "PG3",
                "no PRIMARY goal 60 days after removal",
            )


def _trainings(bundle: Bundle, report: ImportReport, as_of) -> None:
    for row in bundle.rows("trainings.csv"):
        if row["status"] == "COMPLETED" and row["completion_date"] is None:
            report.error("trainings.csv", row.line, "completion_date", "", "TR1", "required when status is COMPLETED")


def _returns(bundle: Bundle, report: ImportReport, as_of) -> None:
    f = "returned_cases.csv"
    cd = {r["agency_code"] for r in bundle.rows("agencies.csv") if r["agency_type"] == "CD"}
    for row in bundle.rows(f):
        if row["from_agency_code"] in cd:
            report.error(f, row.line, "from_agency_code", row["from_agency_code"], "RC1", "must be an FCCM agency")
        if row["reason"] == "CATASTROPHIC_COST" and row["cost_amount"] is None:
            report.warning(f, row.line, "cost_amount", "", "RC2", "missing for CATASTROPHIC_COST")
        if row["reason"] == "COURT_ORDER" and row["court_order_date"] is None:
            report.warning(f, row.line, "court_order_date", "", "RC3", "missing for COURT_ORDER")


def _sentinels(bundle: Bundle, report: ImportReport, as_of) -> None:
    f = "sentinel_events.csv"
    for row in bundle.rows(f):
        ev, aw, rep = row["event_date"], row["awareness_date"], row["reported_date"]
        if ev and aw and aw < ev:
            report.error(f, row.line, "awareness_date", aw, "SE1", f"before event_date {ev}")
        if aw and rep and rep < aw:
            report.warning(f, row.line, "reported_date", rep, "SE2", "before awareness_date: treated as on time")
    if "sentinel_events.csv" in bundle.files and "holidays.csv" not in bundle.files:
        report.warning("holidays.csv", None, "", "", "HD1", "no holidays file: only weekends are skipped")


FILE_RULES: list[Callable[[Bundle, ImportReport, date | None], None]] = [
    _agencies,
    _counties,
    _episodes,
    _placements,
    _workers,
    _assignments,
    _visits,
    _parents,
    _exams,
    _reports,
    _goals,
    _trainings,
    _returns,
    _sentinels,
]


# --------------------------------------------------------------------------------------------
# Derivations (section 7.5)
# --------------------------------------------------------------------------------------------


def _days(d: date | None) -> int | None:
    return d.toordinal() if d else None


def derive(bundle: Bundle, as_of: date) -> dict[str, Iterable[dict]]:
    """Model name -> rows to insert, extract rows plus their derived columns and tables (lists, or
    generators read once by the writer)."""
    out: dict[str, Any] = defaultdict(list)
    raw = {spec.name: spec for spec in FILES}

    def plain(name: str) -> Iterable[dict]:
        spec = raw[name]
        for row in bundle.rows(name):
            yield {c.name: _blank(row[c.name], c.type) for c in spec.columns}

    county_circuit = {r["county_fips"]: r["circuit_code"] for r in bundle.rows("counties.csv")}
    as_of_day = as_of.toordinal()

    out["ExtractAgency"] = list(plain("agencies.csv"))
    out["ExtractCircuit"] = list(plain("circuits.csv"))
    out["ExtractCounty"] = list(plain("counties.csv"))
    out["Holiday"] = list(plain("holidays.csv"))

    dob: dict[str, date] = {}
    for row in plain("children.csv"):
        age18 = birthday(row["date_of_birth"], 18)
        dob[row["child_id"]] = row["date_of_birth"]
        out["Child"].append({**row, "age18_date": age18, "age18_day": age18.toordinal()})

    episodes: dict[str, dict] = {}
    for row in plain("removal_episodes.csv"):
        birth = dob[row["child_id"]]
        age18 = birthday(birth, 18)
        discharge = row["discharge_date"]
        ep = {
            **row,
            "removal_day": row["removal_date"].toordinal(),
            "discharge_day": _days(discharge),
            "date_of_birth": birth,
            "age18_day": age18.toordinal(),
            "under18_at_removal": row["removal_date"] < age18,
            "reentry_limit_day": _days(add_months(discharge, 12)) if discharge else None,
            "removal_month_index": row["removal_date"].year * 12 + row["removal_date"].month - 1,
            "removal_dom": row["removal_date"].day,
        }
        episodes[row["episode_id"]] = ep
        out["RemovalEpisode"].append(ep)

    # Workers: circuit of the office county.
    workers: dict[str, list[dict]] = defaultdict(list)
    for row in plain("workers.csv"):
        row["fte"] = row["fte"] if row["fte"] is not None else Decimal("1.0")
        row["office_circuit_code"] = county_circuit.get(row["office_county_fips"], "")
        out["WorkerPeriod"].append(row)
        workers[row["worker_id"]].append(row)
    for periods in workers.values():
        periods.sort(key=lambda p: p["period_start"])

    # Assignments (end trimmed to the discharge) and responsibility spans.
    primary: dict[str, list[dict]] = defaultdict(list)
    for row in plain("worker_assignments.csv"):
        ep = episodes[row["episode_id"]]
        end_day = _days(row["end_date"])
        if ep["discharge_day"] is not None and (end_day is None or end_day > ep["discharge_day"]):
            end_day = ep["discharge_day"]
        row["start_day"] = row["start_date"].toordinal()
        row["end_day"] = end_day
        row["discharge_day"] = ep["discharge_day"]
        out["WorkerAssignment"].append(row)
        if row["assignment_role"] == "PRIMARY":
            primary[row["episode_id"]].append(row)
    spans_by_episode: dict[str, list[dict]] = {}
    for ep in episodes.values():
        spans = _spans(ep, primary.get(ep["episode_id"], []), county_circuit, as_of_day)
        spans_by_episode[ep["episode_id"]] = spans
        out["ResponsibilitySpan"].extend(spans)

    # Placements and their trimmed segments (PL3, PL6).
    by_episode: dict[str, list[dict]] = defaultdict(list)
    for row in plain("placements.csv"):
        if row["setting_type"] != "QRTP":
            row["qrtp_assessment_date"] = row["qrtp_court_approval_date"] = None  # PL5
        row["start_day"] = row["start_date"].toordinal()
        row["qrtp_assessment_day"] = _days(row["qrtp_assessment_date"])
        out["Placement"].append(row)
        by_episode[row["episode_id"]].append(row)
    for episode_id, rows in by_episode.items():
        out["PlacementSegment"].extend(_split(_segments(episodes[episode_id], rows), spans_by_episode[episode_id]))

    child_episodes: dict[str, list[dict]] = defaultdict(list)
    for ep in episodes.values():
        child_episodes[ep["child_id"]].append(ep)

    def child_visits() -> Iterator[dict]:
        for row in plain("worker_child_visits.csv"):
            row["worker_role"] = _worker_role(workers.get(row["worker_id"], []), row["visit_date"])
            ep = _containing(child_episodes.get(row["child_id"], []), row["visit_date"].toordinal())
            row["episode_id"] = ep["episode_id"] if ep else ""
            yield row

    def parent_visits() -> Iterator[dict]:
        for row in plain("worker_parent_visits.csv"):
            row["worker_role"] = _worker_role(workers.get(row["worker_id"], []), row["visit_date"])
            yield row

    # The visit and parent files are half of a bundle's rows and nothing else is derived from them:
    # they are derived row by row while being written (generators) instead of holding a dict per row.
    out["WorkerChildVisit"] = child_visits()
    out["WorkerParentVisit"] = parent_visits()
    out["ParentLink"] = plain("parents.csv")
    out["ParentRestriction"] = plain("parent_restrictions.csv")
    out["ParentChildVisit"] = plain("parent_child_visits.csv")
    for row in plain("hcy_exams.csv"):
        out["HcyExam"].append({**row, "exam_day": row["exam_date"].toordinal()})

    substantiated: dict[tuple[str, str], dict] = {}
    for row in plain("maltreatment_reports.csv"):
        out["MaltreatmentReport"].append(row)
        if row["finding"] not in ("POE", "CA"):
            continue
        key = (row["report_id"], row["child_id"])
        current = substantiated.get(key)
        if current is None:
            substantiated[key] = current = {
                "report_id": row["report_id"],
                "child_id": row["child_id"],
                "report_date": row["report_date"],
                "report_day": row["report_date"].toordinal(),
                "incident_day": _days(row["incident_date"]),
                "disposition_date": row["disposition_date"],
            }
        elif row["disposition_date"] and (
            current["disposition_date"] is None or row["disposition_date"] > current["disposition_date"]
        ):
            current["disposition_date"] = row["disposition_date"]
        if current["incident_day"] is None and row["incident_date"]:
            current["incident_day"] = row["incident_date"].toordinal()
    for rep in substantiated.values():
        rep["disposition_day"] = _days(rep["disposition_date"])
        ep = _containing(child_episodes.get(rep["child_id"], []), rep["report_day"])
        rep.update(_episode_facts(ep) if ep else {"episode_id": ""})
        out["SubstantiatedReport"].append(rep)

    goals: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in plain("permanency_goals.csv"):
        out["PermanencyGoal"].append(row)
        goals[(row["episode_id"], row["goal_rank"])].append(row)
    for rows in goals.values():
        rows.sort(key=lambda r: (r["start_date"], r["goal_id"]))
        for i, row in enumerate(rows):
            end = _days(row["end_date"])
            if i + 1 < len(rows):
                nxt = rows[i + 1]["start_date"].toordinal() - 1
                end = nxt if end is None else min(end, nxt)
            if end is not None and end < row["start_date"].toordinal():
                continue  # entirely replaced by a later goal starting the same day (PG2)
            out["GoalSpan"].append(
                {
                    "goal_id": row["goal_id"],
                    "episode_id": row["episode_id"],
                    "goal_rank": row["goal_rank"],
                    "goal_type": row["goal_type"],
                    "start_day": row["start_date"].toordinal(),
                    "end_day": end,
                    "concurrent_exempt": row["concurrent_exempt"] == "Y",
                    **_episode_facts(episodes[row["episode_id"]]),
                    "removal_month_index": episodes[row["episode_id"]]["removal_month_index"],
                    "removal_dom": episodes[row["episode_id"]]["removal_dom"],
                }
            )

    out["Training"] = list(plain("trainings.csv"))
    for row in plain("returned_cases.csv"):
        out["ReturnedCase"].append({**row, "return_day": row["return_date"].toordinal()})
    for row in plain("sentinel_events.csv"):
        ep = _containing(child_episodes.get(row["child_id"], []), row["event_date"].toordinal())
        row.update(
            event_day=row["event_date"].toordinal(), report_due_date=None, episode_id=ep["episode_id"] if ep else ""
        )
        out["SentinelEvent"].append(row)
    out["CasePlan"] = [{**r, "completed_day": _days(r["completed_date"])} for r in plain("case_plans.csv")]
    out["OlderYouthService"] = [
        {**r, "service_day": r["service_date"].toordinal()} for r in plain("older_youth_services.csv")
    ]
    out["EducationRecord"] = list(plain("education_records.csv"))
    return out


def _containing(episodes: list[dict], d: int) -> dict | None:
    """The child's episode in care on day d (removal day and discharge day included)."""
    for e in episodes:
        if e["removal_day"] <= d and (e["discharge_day"] is None or d <= e["discharge_day"]):
            return e
    return None


def _episode_facts(ep: dict) -> dict:
    return {
        "episode_id": ep["episode_id"],
        "removal_day": ep["removal_day"],
        "discharge_day": ep["discharge_day"],
        "age18_day": ep["age18_day"],
        "under18_at_removal": ep["under18_at_removal"],
    }


def _split(segments: list[dict], spans: list[dict]) -> list[dict]:
    """Cut placement segments at changes of responsibility, so days split by agency (rule R3)."""
    out: list[dict] = []
    facts = None
    for seg in segments:
        start = seg["start_day"]
        end = seg["end_day"] if seg["end_day"] is not None else 10**7
        first = True
        for i, span in enumerate(spans):
            lo, hi = max(start, span["start_day"]), min(end, span["end_day"] + 1)
            if lo >= hi:
                continue
            facts = facts or {k: span[k] for k in ("removal_day", "discharge_day", "age18_day", "under18_at_removal")}
            out.append(
                {
                    **seg,
                    **facts,
                    "start_day": lo,
                    "end_day": None if seg["end_day"] is None and i == len(spans) - 1 else hi,
                    "placement_start_day": seg["start_day"],
                    "placement_end_day": seg["end_day"],
                    "agency_code": span["agency_code"],
                    "county_fips": span["county_fips"],
                    "circuit_code": span["circuit_code"],
                    "is_move": seg["is_move"] and first,
                }
            )
            first = False
    return out


def _blank(value: Any, type_: str) -> Any:
    # Text columns store "" for empty, dates/numbers store NULL.
    if value is None and type_ in ("id", "code", "yn", "text"):
        return ""
    return value


def _worker_role(periods: list[dict], d: date) -> str:
    """The role on the visit date; otherwise the last role held before it (VC3), else the last one."""
    for p in periods:
        if p["period_start"] <= d and (p["period_end"] is None or d <= p["period_end"]):
            return p["role"]
    before = [p for p in periods if p["period_start"] <= d]
    if before:
        return before[-1]["role"]
    return periods[-1]["role"] if periods else ""


def _segments(ep: dict, rows: list[dict]) -> list[dict]:
    rows = sorted(rows, key=lambda r: (r["start_day"], r["placement_id"]))
    discharge = ep["discharge_day"]
    kept: list[dict] = []
    for row in rows:
        end = _days(row["end_date"])
        if discharge is not None and (end is None or end > discharge):
            end = discharge  # PL6; the discharge day itself is not a placement day
        seg = {
            "placement_id": row["placement_id"],
            "episode_id": ep["episode_id"],
            "child_id": ep["child_id"],
            "setting_type": row["setting_type"],
            "provider_id": row["provider_id"],
            "start_day": row["start_day"],
            "end_day": end,
            "is_placement_setting": row["setting_type"] not in NOT_PLACEMENT_SETTINGS,
            "congregate": row["setting_type"] in CONGREGATE,
            "is_move": False,
        }
        if kept:
            prev = kept[-1]
            inf = 10**9
            prev_end = prev["end_day"] if prev["end_day"] is not None else inf
            seg_end = seg["end_day"] if seg["end_day"] is not None else inf
            if prev_end > seg["start_day"]:
                if seg_end <= prev_end and seg["start_day"] > prev["start_day"]:
                    continue  # entirely inside the previous placement: dropped (PL3)
                prev["end_day"] = seg["start_day"]  # ends when the next one starts (PL3)
                if prev["end_day"] <= prev["start_day"]:
                    kept.pop()
        kept.append(seg)
    # Moves: a change between settings, consecutive rows with the same provider merged, ignoring
    # stays that are not placement settings (runaway, trial home visit, respite ...).
    last_provider: str | None = None
    first = True
    for seg in kept:
        if not seg["is_placement_setting"]:
            continue
        provider = seg["provider_id"] or f"#{seg['placement_id']}"
        if first:
            first = False
        elif provider != last_provider:
            seg["is_move"] = True
        last_provider = provider
    return kept


def _spans(ep: dict, rows: list[dict], county_circuit: dict[str, str], as_of_day: int) -> list[dict]:
    """Non-overlapping responsibility over [removal, discharge or as_of], later start winning."""
    first = ep["removal_day"]
    last = ep["discharge_day"] if ep["discharge_day"] is not None else as_of_day
    if last < first:
        return []
    bounds = {first, last + 1}
    for r in rows:
        bounds.add(max(first, r["start_day"]))
        end = r["end_day"] if r["end_day"] is not None else last
        bounds.add(min(last, end) + 1)
    points = sorted(b for b in bounds if first <= b <= last + 1)
    spans: list[dict] = []
    for lo, hi in zip(points, points[1:], strict=False):
        covering = [
            r for r in rows if r["start_day"] <= lo and (r["end_day"] if r["end_day"] is not None else last) >= hi - 1
        ]
        if covering:
            owner = max(covering, key=lambda r: (r["start_day"], r["assignment_id"]))
            agency, county, worker, fallback = (
                owner["agency_code"],
                owner["responsible_county_fips"],
                owner["worker_id"],
                False,
            )
        else:
            agency, county, worker, fallback = "CD", ep["jurisdiction_county_fips"], "", True
        if (
            spans
            and spans[-1]["end_day"] == lo - 1
            and (spans[-1]["agency_code"], spans[-1]["county_fips"], spans[-1]["worker_id"], spans[-1]["fallback"])
            == (agency, county, worker, fallback)
        ):
            spans[-1]["end_day"] = hi - 1
            continue
        spans.append(
            {
                "episode_id": ep["episode_id"],
                "child_id": ep["child_id"],
                "agency_code": agency,
                "county_fips": county,
                "circuit_code": county_circuit.get(county, ""),
                "start_day": lo,
                "end_day": hi - 1,
                "worker_id": worker,
                "fallback": fallback,
                **_episode_facts(ep),
            }
        )
    return spans


def quality_shares(derived: dict[str, Iterable[dict]], as_of_day: int) -> dict[str, dict[str, float]]:
    """Section 7.6 shares, overall ("ALL") and per agency (responsible at the episode's last day)."""
    last_agency: dict[str, str] = {}
    days_total: dict[str, int] = defaultdict(int)
    days_unassigned: dict[str, int] = defaultdict(int)
    for span in derived["ResponsibilitySpan"]:
        n = span["end_day"] - span["start_day"] + 1
        last_agency[span["episode_id"]] = span["agency_code"]
        for key in ("ALL", span["agency_code"]):
            days_total[key] += n
            if span["fallback"]:
                days_unassigned[key] += n
    episodes_by: dict[str, int] = defaultdict(int)
    discharged: dict[str, int] = defaultdict(int)
    no_reason: dict[str, int] = defaultdict(int)
    same_day: dict[str, int] = defaultdict(int)
    for ep in derived["RemovalEpisode"]:
        for key in ("ALL", last_agency.get(ep["episode_id"], "CD")):
            episodes_by[key] += 1
            if ep["discharge_day"] is not None:
                discharged[key] += 1
                no_reason[key] += not ep["discharge_reason"]
                same_day[key] += ep["discharge_day"] == ep["removal_day"]

    # PL4: episode-days without a placement row (pieces cover [start, end) up to the episode's end).
    placed: dict[str, int] = defaultdict(int)
    episode_end = {ep["episode_id"]: ep["discharge_day"] for ep in derived["RemovalEpisode"]}
    for piece in derived["PlacementSegment"]:
        key = piece["episode_id"]
        end = piece["end_day"] if piece["end_day"] is not None else (episode_end.get(key) or as_of_day + 1)
        placed[key] += max(0, end - piece["start_day"])
    days_open: dict[str, int] = defaultdict(int)
    days_unplaced: dict[str, int] = defaultdict(int)
    for ep in derived["RemovalEpisode"]:
        end = ep["discharge_day"] if ep["discharge_day"] is not None else as_of_day + 1
        n = max(0, end - ep["removal_day"])
        for key in ("ALL", last_agency.get(ep["episode_id"], "CD")):
            days_open[key] += n
            days_unplaced[key] += max(0, n - placed.get(ep["episode_id"], 0))
    # Substantiation pending more than 60 days at the as-of date, among all child-reports.
    reports: dict[str, int] = defaultdict(int)
    pending: dict[str, int] = defaultdict(int)
    for row in derived["MaltreatmentReport"]:
        reports["ALL"] += 1
        if row["finding"] == "PENDING" and row["report_date"].toordinal() < as_of_day - 60:
            pending["ALL"] += 1

    def share(num: dict, den: dict) -> dict[str, float]:
        return {k: round(num.get(k, 0) / v, 6) for k, v in den.items() if v}

    return {
        "EP6": share(no_reason, discharged),
        "EP4": share(same_day, episodes_by),
        "WA5": share(days_unassigned, days_total),
        "PL4": share(days_unplaced, days_open),
        "PENDING": share(pending, reports),
    }


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------

WRITE_ORDER = [
    "ExtractAgency",
    "ExtractCircuit",
    "ExtractCounty",
    "Holiday",
    "Child",
    "RemovalEpisode",
    "Placement",
    "PlacementSegment",
    "WorkerPeriod",
    "WorkerAssignment",
    "ResponsibilitySpan",
    "WorkerChildVisit",
    "WorkerParentVisit",
    "ParentLink",
    "ParentRestriction",
    "ParentChildVisit",
    "HcyExam",
    "MaltreatmentReport",
    "SubstantiatedReport",
    "PermanencyGoal",
    "GoalSpan",
    "Training",
    "ReturnedCase",
    "SentinelEvent",
    "CasePlan",
    "OlderYouthService",
    "EducationRecord",
]


def _secondary_indexes(table: str) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of the table's indexes that back no constraint (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
            "AND i.tablename = %s AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname) "
            "ORDER BY i.indexname",
            [table],
        )
        return list(cursor.fetchall())


def _write(model_name: str, rows: Iterable[dict]) -> None:
    model = getattr(models, model_name)
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    names = [f.name for f in fields]
    if connection.vendor == "postgresql":
        _copy_replace(model, fields, rows)
        return
    model.objects.all().delete()
    model.objects.bulk_create((model(**{n: row.get(n) for n in names}) for row in rows), batch_size=2000)


def _copy_replace(model, fields: list, rows: Iterable[dict]) -> None:
    """Replace the table's rows with `rows` through COPY (PostgreSQL), inside the caller's transaction.

    TRUNCATE is transactional in PostgreSQL (a failed load rolls it back) and, unlike DELETE, leaves
    no dead rows behind. Secondary indexes are dropped for the COPY and built once afterwards:
    maintaining them row by row took about three times as long as the COPY itself."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    names = [f.name for f in fields]
    indexes = _secondary_indexes(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {table}")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
        with cursor.connection.cursor().copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row.get(n) for n in names])
        for _, definition in indexes:
            cursor.execute(definition)


def load_bundle(path: str | Path, progress: Progress | None = None) -> LoadResult:
    """Validate and load the bundle at `path` (see module docstring)."""
    say = progress or (lambda pct, step: None)
    report = ImportReport()
    path = Path(path)
    say(5, "reading files")
    bundle = read_bundle(path, report)
    say(30, "validating")
    as_of = validate(bundle, report)
    if report.has_errors or as_of is None:
        return LoadResult("REJECTED", report)
    manifest = bundle.rows("manifest.csv")[0]
    current = models.Extract.objects.filter(is_current=True).first()
    if current and current.extract_id == manifest["extract_id"] and current.checksum == bundle.checksum:
        return LoadResult("UNCHANGED", report, current)
    say(45, "deriving tables")
    derived = derive(bundle, as_of)
    metadata = {
        "extract_id": manifest["extract_id"],
        "schema_version": manifest["schema_version"],
        "state": manifest["state"],
        "as_of_date": as_of,
        "source_system": manifest["source_system"],
        "generated_at": manifest["generated_at"] or "",
        "checksum": bundle.checksum,
        "files": bundle.present,
        "row_counts": {name: len(bundle.rows(name)) for name in bundle.files},
        "warning_counts": report.counts("WARNING"),
        "quality": quality_shares(derived, as_of.toordinal()),
    }
    del bundle  # only the derived rows (and the generators over the parsed visit files) are written
    with transaction.atomic():
        total = len(WRITE_ORDER)
        for i, name in enumerate(WRITE_ORDER):
            say(50 + 45 * i // total, f"writing {name}")
            _write(name, derived.pop(name, []))
        if connection.vendor == "postgresql":
            # Fresh statistics after a bulk replace, or the planner guesses badly for the metric queries.
            with connection.cursor() as cursor:
                for name in WRITE_ORDER:
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(getattr(models, name)._meta.db_table)}")
        models.Extract.objects.filter(is_current=True).update(is_current=False)
        models.Extract.objects.filter(extract_id=metadata["extract_id"]).delete()
        extract = models.Extract.objects.create(**metadata, is_current=True)
    say(100, "loaded")
    return LoadResult("LOADED", report, extract)
