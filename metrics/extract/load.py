"""Load an extract bundle (directory or .zip): validate everything, then replace the data at once.

Two passes over the files, so that memory does not grow with the largest files:

1. **Validate.** The files other rules look across (children, episodes, placements, workers,
   assignments, goals, reports and the small reference files) are read and kept; the rest (parents,
   visits, exams, restrictions, case plans, older-youth services, education records: two thirds of a
   bundle's rows) are streamed row by row, keeping only what later rules need (key sets, parent-child
   pairs). Headers, types, codes, required values, dates against `as_of_date` and 1990 (GEN3-GEN6),
   primary keys (GEN1), foreign keys (GEN2) and the file rules (CH1, EP3 ...) are checked; every
   problem is collected, nothing stops at the first one.
2. **Write.** Any ERROR: nothing is written. The same bundle (same extract_id and checksum) already
   current: nothing changes. Otherwise, in one transaction, each table is replaced (COPY on
   PostgreSQL, bulk_create elsewhere) from generators: derived rows (section 7.5) are built one at a
   time as they are written, and the streamed files are read a second time. The data-quality shares
   of section 7.6 are accumulated on the way.

On PostgreSQL (METRICS_IMPORT_STAGED, on by default) the streamed files are instead staged by COPY
into temporary tables and typed, checked and written in SQL (stage.py), with the same report and
the same rows; a bundle that cannot be staged exactly (quoted fields ...) takes the Python path.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import hashlib
import io
import lzma
import re
import sys
import unicodedata
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any, NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.db.models import CharField, IntegerField

from metrics import models
from metrics.dates import add_months, birthday
from metrics.extract import stage
from metrics.extract.report import ImportReport
from metrics.extract.schema import (
    BY_NAME,
    CONGREGATE,
    FILES,
    ID_LENGTH,
    INT_RANGE,
    NOT_PLACEMENT_SETTINGS,
    Column,
    FileSpec,
)

ID_RE = re.compile(rf"^[A-Za-z0-9_.\-]{{1,{ID_LENGTH}}}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
INT_RE = re.compile(r"^[+-]?[0-9]+$")
DEC_RE = re.compile(r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)$")
# Control characters other than tab and line ends: PostgreSQL cannot store NUL in text at all.
UNSAFE_BYTES = (b'"', b"\\", b"\x00", b"\x01", b"\x02")
SIMPLE_BYTES = bytes(range(0x20, 0x7F)) + b"\r\n"
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MIN_DATE = date(1990, 1, 1)
# The computation's calendar (CalendarMonth) ends in 2100; later dates would also overflow the
# derived 18th birthdays and re-entry limits.
MAX_DATE = date(2100, 12, 31)
PARENT_FINAL = {"POE", "CA", "UNS", "UNS_PSI", "FA"}

# Files read row by row in both passes (never held in memory), in the order they are validated:
# parents.csv first, because the visit and restriction files refer to its parent ids.
STREAMED = (
    "parents.csv",
    "parent_restrictions.csv",
    "worker_child_visits.csv",
    "worker_parent_visits.csv",
    "parent_child_visits.csv",
    "hcy_exams.csv",
    "case_plans.csv",
    "older_youth_services.csv",
    "education_records.csv",
)
CHUNK = 1 << 20
# A zip member that expands to no more than this is never refused for its compression ratio
# (small files of repeated values compress far better than a whole extract).
RATIO_FLOOR = 1 << 20

Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class Limits:
    """What one import may cost (docs/operations.md): checked while reading, never after."""

    max_bytes: int  # the bundle's CSV files together, uncompressed
    max_ratio: int  # uncompressed / compressed size of one zip member
    max_line: int  # characters in one line of a file
    max_problems: int  # errors (and, separately, warnings) listed in the report

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            max_bytes=settings.METRICS_IMPORT_MAX_MB * 1024 * 1024,
            max_ratio=settings.METRICS_IMPORT_MAX_RATIO,
            max_line=settings.METRICS_IMPORT_MAX_LINE_LENGTH,
            max_problems=settings.METRICS_IMPORT_MAX_PROBLEMS,
        )

    @property
    def max_mb(self) -> str:
        return f"{self.max_bytes / (1024 * 1024):g}"


class BundleRefused(Exception):
    """The bundle breaks a limit or cannot be read safely: it is refused at once, nothing more is
    read. The problem is reported as an ERROR (`rule` empty: the problems are already reported)."""

    def __init__(self, file: str = "", line: int | None = None, rule: str = "", message: str = "") -> None:
        super().__init__(message)
        self.file, self.line, self.rule, self.message = file, line, rule, message


class Source(NamedTuple):
    """One CSV file of the bundle: how to open it, and its compressed size when it is a zip member."""

    open: Callable[[], IO[bytes]]
    compressed: int | None = None


class Row:
    """One data row: its line number and its typed values, in the file's declared column order.

    Values are a tuple indexed through a per-file column map (shared by all rows) rather than a
    dict per row: the files kept for validation hold millions of rows at full scale."""

    __slots__ = ("line", "_values", "_index")

    def __init__(self, line: int, values: tuple, index: dict[str, int]) -> None:
        self.line, self._values, self._index = line, values, index

    def __getitem__(self, key: str) -> Any:
        position = self._index.get(key)
        return None if position is None else self._values[position]


@dataclass
class Bundle:
    """The kept files' rows, the names of every file present, row counts and the checksum."""

    sources: dict[str, Callable[[], IO[bytes]]] = field(default_factory=dict)
    limits: Limits | None = None
    files: dict[str, list[Row]] = field(default_factory=dict)
    present: list[str] = field(default_factory=list)
    readable: set[str] = field(default_factory=set)
    counts: dict[str, int] = field(default_factory=dict)
    checksum: str = ""
    # files with no double quote, backslash, NUL, \x01 or \x02 byte: the staged path may COPY them
    plain: set[str] = field(default_factory=set)
    simple: set[str] = field(default_factory=set)  # plain, and printable ASCII and line ends only
    staged: Any = None  # stage.Staged once the streamed files were checked in PostgreSQL

    def rows(self, name: str) -> list[Row]:
        return self.files.get(name, [])

    def has(self, name: str) -> bool:
        return name in self.readable


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


@contextlib.contextmanager
def _open_sources(path: Path, report: ImportReport, limits: Limits) -> Iterator[dict[str, Source]]:
    """File name -> its Source (nothing read yet). Unsafe or colliding zip member names (ZIP1, ZIP2)
    and sizes declared above the limits (LIM1, LIM2) refuse the bundle before anything is read."""
    if path.is_dir():
        files = [p for p in sorted(path.iterdir()) if p.suffix == ".csv" and p.is_file()]
        total = sum(p.stat().st_size for p in files)
        if total > limits.max_bytes:
            largest = max(files, key=lambda p: p.stat().st_size)
            raise BundleRefused(largest.name, None, "LIM1", _size_message(total, limits))
        yield {p.name: Source(lambda p=p: p.open("rb")) for p in files}
        return
    if zipfile.is_zipfile(path):
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise BundleRefused(path.name, None, "FILE4", f"the .zip archive is damaged ({exc})") from exc
        with archive:
            members = _safe_members(archive.infolist(), report, limits)
            yield {Path(i.filename).name: Source(lambda info=i: archive.open(info), i.compress_size) for i in members}
        return
    raise FileNotFoundError(f"{path} is neither a directory nor a .zip of CSV files")


def _member_parts(name: str) -> list[str]:
    return [part for part in re.split(r"[/\\]", name) if part not in ("", ".")]


def _safe_members(infos: list[zipfile.ZipInfo], report: ImportReport, limits: Limits) -> list[zipfile.ZipInfo]:
    """The zip's CSV members, once every member name is safe and unique and the declared sizes are
    within the limits; otherwise every problem is reported and the bundle refused.

    A member name must be relative without `..` (ZIP2), and no two members may have the same name or
    the same file name once folders, case and Unicode form are set aside (ZIP1): the loader reads
    members by file name, so `sub/../../manifest.csv` or a second `children.csv` in another folder
    would silently replace a file."""
    seen: dict[str, str] = {}
    refused = False
    for info in infos:
        name = info.filename
        shown = name if len(name) <= 120 else name[:120] + "…"
        if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in _member_parts(name):
            report.error(shown, None, "", "", "ZIP2", "unsafe member name (absolute or with ..): refused")
            refused = True
            continue
        if info.is_dir():
            continue
        parts = _member_parts(name)
        key = unicodedata.normalize("NFC", parts[-1] if parts else name).casefold()
        if key in seen:
            other = seen[key]
            what = "the same name as" if other == name else "the same file name as"
            report.error(shown, None, "", "", "ZIP1", f"{what} member {other}: duplicate members are refused")
            refused = True
            continue
        seen[key] = name
    if refused:
        raise BundleRefused()
    members = [i for i in infos if i.filename.endswith(".csv") and not i.is_dir()]
    total = sum(i.file_size for i in members)
    if total > limits.max_bytes:
        largest = max(members, key=lambda i: i.file_size)
        raise BundleRefused(Path(largest.filename).name, None, "LIM1", _size_message(total, limits))
    for info in members:
        if info.file_size > RATIO_FLOOR and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise BundleRefused(
                Path(info.filename).name, None, "LIM2", _ratio_message(info.file_size, info.compress_size, limits)
            )
    return members


def _size_message(size: int, limits: Limits) -> str:
    return (
        f"the bundle's CSV files are {size:,} bytes uncompressed, more than the limit of {limits.max_mb} MB "
        "(METRICS_IMPORT_MAX_MB): refused, nothing was loaded"
    )


def _ratio_message(size: int, compressed: int, limits: Limits) -> str:
    return (
        f"expands from {compressed:,} to at least {size:,} bytes, more than {limits.max_ratio} times its compressed "
        "size (METRICS_IMPORT_MAX_RATIO): refused as a possible zip bomb, nothing was loaded"
    )


# Reading a damaged, encrypted or oddly compressed zip member raises one of these.
DAMAGED = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError, RuntimeError, NotImplementedError)


class Budget:
    """Bytes read so far in the checksum pass, against the bundle limits. Zip headers can lie about
    sizes, so the bytes actually read are counted as well as the declared sizes checked."""

    def __init__(self, limits: Limits) -> None:
        self.limits, self.total = limits, 0

    def spend(self, name: str, source: Source, read: int, chunk: int) -> None:
        self.total += chunk
        if self.total > self.limits.max_bytes:
            raise BundleRefused(name, None, "LIM1", _size_message(self.total, self.limits))
        if (
            source.compressed is not None
            and read > RATIO_FLOOR
            and read > self.limits.max_ratio * max(source.compressed, 1)
        ):
            raise BundleRefused(name, None, "LIM2", _ratio_message(read, source.compressed, self.limits))


def _scan(name: str, source: Source, report: ImportReport, budget: Budget) -> tuple[bytes, bool, bool, bool]:
    """(sha256 of the bytes, is valid UTF-8, is plain, is simple: see Bundle), reading the file once
    in chunks within the budget."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    offset, valid, plain, simple = 0, True, True, True
    try:
        with source.open() as stream:
            while chunk := stream.read(CHUNK):
                budget.spend(name, source, offset + len(chunk), len(chunk))
                digest.update(chunk)
                if plain and any(b in chunk for b in UNSAFE_BYTES):
                    plain = False
                if simple and chunk.translate(None, SIMPLE_BYTES):
                    simple = False
                if valid:
                    pending = len(decoder.getstate()[0])
                    try:
                        decoder.decode(chunk)
                    except UnicodeDecodeError as exc:
                        where = offset - pending + exc.start
                        report.error(name, None, "", "", "FILE4", f"not UTF-8 ({exc.reason} at byte {where})")
                        valid = False
                offset += len(chunk)
    except DAMAGED as exc:
        report.error(name, None, "", "", "FILE4", f"unreadable: damaged, encrypted or unsupported zip member ({exc})")
        return digest.digest(), False, False, False
    if valid:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            report.error(name, None, "", "", "FILE4", f"not UTF-8 ({exc.reason} at byte {offset})")
            valid = False
    return digest.digest(), valid, plain, simple


_DATES: dict[str, date] = {}


def _parse_value(column: Column, raw: str) -> tuple[Any, str | None]:
    """(value, problem) for one non-empty field."""
    spec_type = column.type
    if spec_type == "id":
        return (raw, None) if ID_RE.match(raw) else (None, f"not an id ([A-Za-z0-9_.-], up to {ID_LENGTH} characters)")
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
        if not INT_RE.match(raw):
            return None, "not an integer"
        value = int(raw)
        low, high = INT_RANGE
        if not low <= value <= high:
            return None, f"integer out of range ({low} to {high})"
        return value, None
    if spec_type == "dec":
        if "," in raw:
            return None, "not a decimal (no thousands separator allowed)"
        if not DEC_RE.match(raw):
            return None, "not a decimal"
        return _decimal(column, raw)
    if spec_type in ("code", "yn"):
        codes = column.codes
        return (sys.intern(raw), None) if raw in codes else (None, f"not one of {', '.join(codes)}")
    if column.max_length is not None and len(raw) > column.max_length:
        return None, f"longer than {column.max_length} characters"
    if CONTROL_RE.search(raw):
        return None, "contains a control character (NUL, or another below 0x20 other than tab and line ends)"
    return raw, None


def _decimal(column: Column, raw: str) -> tuple[Decimal | None, str | None]:
    """A decimal rounded half-up to the column's places (as the database would store it), refused
    when its whole part does not fit the column."""
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None, "not a decimal"
    if column.digits is None:
        return value, None
    digits, places = column.digits
    if value.as_tuple().exponent < -places:
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if abs(value) >= Decimal(10) ** (digits - places):
        return None, f"too large (at most {digits - places} digits before the decimal point)"
    return value, None


def open_bundle(path: Path, sources: dict[str, Source], report: ImportReport, limits: Limits) -> Bundle:
    """Checksum and UTF-8 check of every file within the size limits; FILE1-FILE3 for missing and
    unknown files."""
    bundle = Bundle(present=sorted(sources), limits=limits)
    digest = hashlib.sha256()
    budget = Budget(limits)
    for name in sorted(sources):
        file_digest, valid, plain, simple = _scan(name, sources[name], report, budget)
        digest.update(name.encode())
        digest.update(file_digest)
        if name in BY_NAME:
            bundle.readable.add(name)
            if valid:
                bundle.sources[name] = sources[name].open
                if plain:
                    bundle.plain.add(name)
                    if simple:  # (a BOM is not ASCII)
                        bundle.simple.add(name)
    bundle.checksum = digest.hexdigest()
    for name in sorted(set(sources) - set(BY_NAME)):
        report.warning(name, None, "", "", "FILE2", "unknown file, ignored")
    for spec in FILES:
        if spec.name not in sources:
            if spec.optional:
                report.warning(spec.name, None, "", "", "FILE3", "optional file absent: its metrics are not computed")
            else:
                report.error(spec.name, None, "", "", "FILE1", "required file missing")
    return bundle


def read_rows(spec: FileSpec, bundle: Bundle, report: ImportReport) -> Iterator[Row]:
    """The file's rows one at a time, typed; header, GEN3 and GEN4 problems reported on the way.

    Nothing (an absent or undecodable file) yields no rows."""
    opener = bundle.sources.get(spec.name)
    if opener is None:
        return
    max_line = bundle.limits.max_line if bundle.limits else sys.maxsize
    with opener() as binary:
        text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
        reader = csv.reader(_lines(text, spec.name, max_line))
        try:
            header = next(reader, None)
        except csv.Error as exc:
            report.error(spec.name, reader.line_num, "", "", "FILE4", f"unreadable CSV ({exc})")
            return
        if header is None:
            report.error(spec.name, 1, "", "", "FILE5", "empty file: a header row is required")
            return
        names = {c.name for c in spec.columns}
        for column in spec.columns:
            if column.name not in header and column.required:
                report.error(spec.name, 1, column.name, "", "GEN4", "required column missing from the header")
        for extra in header:
            if extra not in names:
                report.warning(spec.name, 1, extra, "", "GEN7", "unknown column, ignored")
        index = {c.name: n for n, c in enumerate(spec.columns)}
        positions = [(i, index[h], spec.column(h)) for i, h in enumerate(header) if h in names]
        # The common cases inline (text as is, a known date, a well-formed id, a listed code);
        # anything else through _parse_value, which also names the problem.
        fast = [
            (
                i,
                n,
                column,
                column.type,
                {code: sys.intern(code) for code in column.codes},
                column.max_length or sys.maxsize,
            )
            for i, n, column in positions
        ]
        required = [(index[c.name], c) for c in spec.columns if c.required]
        width, known_dates, id_match, control = len(spec.columns), _DATES, ID_RE.match, CONTROL_RE.search
        while True:
            try:
                raw = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:  # a field over csv's own size limit: the rest cannot be trusted
                report.error(spec.name, reader.line_num, "", "", "FILE4", f"unreadable CSV ({exc})")
                return
            line = reader.line_num
            if not raw or raw == [""]:
                continue
            values: list[Any] = [None] * width
            length = len(raw)
            for i, n, column, kind, codes, max_length in fast:
                cell = raw[i].strip() if i < length else ""
                if cell == "":
                    continue
                if kind == "text" and len(cell) <= max_length and not control(cell):
                    values[n] = cell
                    continue
                if kind == "date":
                    value = known_dates.get(cell)
                elif kind == "id":
                    value = cell if id_match(cell) else None
                else:
                    value = codes.get(cell)  # None for text, int and dec, which have no codes
                if value is None:
                    value, problem = _parse_value(column, cell)
                    if problem:
                        report.error(spec.name, line, column.name, cell, "GEN3", problem)
                values[n] = value
            for n, column in required:
                if values[n] is None and not _has_bad_value(report, spec.name, line, column):
                    report.error(spec.name, line, column.name, "", "GEN4", "required value is empty")
            yield Row(line, tuple(values), index)


def _has_bad_value(report: ImportReport, name: str, line: int, column) -> bool:
    return report.last == (name, line, column.name)


def _lines(text: IO[str], name: str, limit: int) -> Iterator[str]:
    """The file's lines, refusing the bundle at the first line longer than `limit` characters (line
    end not counted) without reading the rest of that line."""
    readline = text.readline
    number = 0
    while line := readline(limit + 2):
        number += 1
        if len(line) > limit and len(line.rstrip("\r\n")) > limit:
            raise BundleRefused(
                name,
                number,
                "LIM3",
                f"line longer than {limit:,} characters (METRICS_IMPORT_MAX_LINE_LENGTH): refused, nothing was loaded",
            )
        yield line


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------


def validate(bundle: Bundle, report: ImportReport) -> date | None:
    """Read the kept files and check them, then stream the others through their checks.

    Returns the as_of_date (None when the manifest is unusable)."""
    for spec in FILES:
        if spec.name not in STREAMED:
            rows = bundle.files[spec.name] = list(read_rows(spec, bundle, report))
            bundle.counts[spec.name] = len(rows)
    manifest = bundle.rows("manifest.csv")
    as_of: date | None = None
    if bundle.has("manifest.csv"):
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
    if staged_import():
        try:
            bundle.staged = stage.check(bundle, report, as_of, STREAMED)
        except stage.Unstageable:
            bundle.staged = None
    if bundle.staged is None:
        StreamedChecks(bundle, report, as_of).run()
    return as_of


def staged_import() -> bool:
    """Whether the streamed files are checked and written in PostgreSQL (stage.py): on PostgreSQL
    unless METRICS_IMPORT_STAGED is off."""
    return connection.vendor == "postgresql" and getattr(settings, "METRICS_IMPORT_STAGED", True)


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
                if value < MIN_DATE or value > MAX_DATE:
                    report.error(spec.name, row.line, name, value, "GEN6", "date outside 1990-01-01 to 2100-12-31")
                if as_of and value > as_of and spec.name != "manifest.csv":
                    if spec.name == "children.csv" and name == "date_of_birth":
                        report.error(spec.name, row.line, name, value, "CH1", f"date of birth after as_of_date {as_of}")
                    else:
                        report.error(spec.name, row.line, name, value, "GEN5", f"date after as_of_date {as_of}")


def _agencies(bundle: Bundle, report: ImportReport, as_of) -> None:
    cd_rows = [r for r in bundle.rows("agencies.csv") if r["agency_type"] == "CD"]
    if bundle.has("agencies.csv") and len(cd_rows) != 1:
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


def _episode_on(episodes: list[Row], d: date) -> Row | None:
    for ep in episodes:
        if (
            ep["removal_date"]
            and ep["removal_date"] <= d
            and (ep["discharge_date"] is None or d <= ep["discharge_date"])
        ):
            return ep
    return None


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
    if bundle.has("sentinel_events.csv") and not bundle.has("holidays.csv"):
        report.warning("holidays.csv", None, "", "", "HD1", "no holidays file: only weekends are skipped")


FILE_RULES: list[Callable[[Bundle, ImportReport, date | None], None]] = [
    _agencies,
    _counties,
    _episodes,
    _placements,
    _workers,
    _assignments,
    _reports,
    _goals,
    _trainings,
    _returns,
    _sentinels,
]


class StreamedChecks:
    """The streamed files' rules, one row at a time (second half of pass 1).

    Keeps only key sets (GEN1), the parents' ids and parent-child pairs (GEN2, PV1) and a count of
    birth mothers per child (PA2); everything else is looked up in the kept files."""

    FK_RULES = {("worker_child_visits.csv", "worker_id"): "VC1", ("worker_parent_visits.csv", "parent_id"): "VP1"}

    def __init__(self, bundle: Bundle, report: ImportReport, as_of: date | None) -> None:
        self.bundle, self.report, self.as_of = bundle, report, as_of
        self.targets: dict[tuple[str, str], set] = {}
        self.dob = {r["child_id"]: r["date_of_birth"] for r in bundle.rows("children.csv")}
        self.episodes: dict[str, list[Row]] = defaultdict(list)
        for ep in bundle.rows("removal_episodes.csv"):
            self.episodes[ep["child_id"]].append(ep)
        self.workers: dict[str, list[Row]] = defaultdict(list)
        for w in bundle.rows("workers.csv"):
            if w["period_start"]:
                self.workers[w["worker_id"]].append(w)
        self.parent_ids: set[str] = set()
        self.pairs: set[tuple[str, str]] = set()
        self.mothers: dict[str, int] = defaultdict(int)

    def target(self, fk: tuple[str, str]) -> set:
        if fk == ("parents.csv", "parent_id"):
            return self.parent_ids
        if fk not in self.targets:
            self.targets[fk] = {r[fk[1]] for r in self.bundle.rows(fk[0])}
        return self.targets[fk]

    def run(self) -> None:
        for name in STREAMED:
            spec = BY_NAME[name]
            check = getattr(self, "_" + name.removesuffix(".csv"), None)
            fks = [(c.name, self.target(c.fk), self.FK_RULES.get((name, c.name), "GEN2")) for c in spec.columns if c.fk]
            dates = [c.name for c in spec.columns if c.type == "date"]
            single = len(spec.pk) == 1
            seen: set = set()
            count = 0
            for row in read_rows(spec, self.bundle, self.report):
                count += 1
                self._generic(spec, row, single, seen, fks, dates)
                if check:
                    check(row)
            self.bundle.counts[name] = count

    def _generic(self, spec: FileSpec, row: Row, single: bool, seen: set, fks: list, dates: list[str]) -> None:
        report, name = self.report, spec.name
        key = row[spec.pk[0]] if single else tuple(row[k] for k in spec.pk)
        if (key is not None) if single else all(v is not None for v in key):
            if key in seen:
                shown = key if single else "|".join(map(str, key))
                report.error(name, row.line, ",".join(spec.pk), shown, "GEN1", "duplicate key")
            seen.add(key)
        for column, allowed, rule in fks:
            value = row[column]
            if value is not None and value not in allowed:
                report.error(name, row.line, column, value, rule, f"not found in {BY_NAME_FK[(name, column)]}")
        for column in dates:
            value = row[column]
            if value is None:
                continue
            if value < MIN_DATE or value > MAX_DATE:
                report.error(name, row.line, column, value, "GEN6", "date outside 1990-01-01 to 2100-12-31")
            if self.as_of and value > self.as_of:
                report.error(name, row.line, column, value, "GEN5", f"date after as_of_date {self.as_of}")

    def _parents(self, row: Row) -> None:
        f = "parents.csv"
        if row["parent_id"] is not None:
            self.parent_ids.add(row["parent_id"])
        if row["parent_id"] is not None and row["child_id"] is not None:
            self.pairs.add((row["parent_id"], row["child_id"]))
        birth = self.dob.get(row["child_id"])
        if row["tpr_date"] and birth and row["tpr_date"] < birth:
            self.report.error(f, row.line, "tpr_date", row["tpr_date"], "PA1", f"before the child's birth {birth}")
        if row["relationship"] == "BIRTH_MOTHER":
            self.mothers[row["child_id"]] += 1
            if self.mothers[row["child_id"]] == 2:
                self.report.warning(f, row.line, "relationship", "BIRTH_MOTHER", "PA2", "more than one birth mother")

    def _worker_child_visits(self, row: Row) -> None:
        f, d = "worker_child_visits.csv", row["visit_date"]
        if not d:
            return
        if not _episode_on(self.episodes.get(row["child_id"], []), d):
            self.report.warning(f, row.line, "visit_date", d, "VC2", "outside every episode of the child: ignored")
        if row["worker_id"] in self.workers and _role_on(self.workers[row["worker_id"]], d) is None:
            self.report.warning(f, row.line, "visit_date", d, "VC3", "worker not active on the visit date")

    def _parent_child_visits(self, row: Row) -> None:
        parent, child = row["parent_id"], row["child_id"]
        if parent and child and (parent, child) not in self.pairs:
            self.report.error(
                "parent_child_visits.csv",
                row.line,
                "parent_id",
                parent,
                "PV1",
                f"no parents.csv row for parent {parent} and child {child}",
            )

    def _hcy_exams(self, row: Row) -> None:
        f = "hcy_exams.csv"
        d, birth = row["exam_date"], self.dob.get(row["child_id"])
        if d and birth and d < birth:
            self.report.error(f, row.line, "exam_date", d, "HE1", f"before the date of birth {birth}")
        if d and row["exam_type"] == "HCY_FULL":
            for ep in self.episodes.get(row["child_id"], []):
                removal = ep["removal_date"]
                if removal and 0 < (removal - d).days <= 30:
                    self.report.warning(
                        f, row.line, "exam_date", d, "HE2", f"within 30 days before the removal {removal}"
                    )


BY_NAME_FK = {(s.name, c.name): f"{c.fk[0]} {c.fk[1]}" for s in FILES for c in s.columns if c.fk}


# --------------------------------------------------------------------------------------------
# Derivations (section 7.5), built one row at a time while the tables are written
# --------------------------------------------------------------------------------------------


def _days(d: date | None) -> int | None:
    return d.toordinal() if d else None


class Ep(NamedTuple):
    """What the derivations need of one removal episode (kept for every episode during the write)."""

    episode_id: str
    child_id: str
    removal_day: int
    discharge_day: int | None
    age18_day: int
    under18_at_removal: bool
    removal_month_index: int
    removal_dom: int
    jurisdiction_county_fips: str
    discharge_reason: str

    def facts(self) -> dict:
        return {
            "episode_id": self.episode_id,
            "removal_day": self.removal_day,
            "discharge_day": self.discharge_day,
            "age18_day": self.age18_day,
            "under18_at_removal": self.under18_at_removal,
        }


# The episode facts of a row that falls in no episode (a report on a day the child is not in care).
NO_EPISODE = {
    "episode_id": "",
    "removal_day": None,
    "discharge_day": None,
    "age18_day": None,
    "under18_at_removal": None,
}


class Span(NamedTuple):
    """One piece of responsibility for an episode: days [start_day, end_day] with one owner."""

    start_day: int
    end_day: int
    agency_code: str
    county_fips: str
    circuit_code: str
    worker_id: str
    fallback: bool


class Derivation:
    """The rows to write for each model, extract rows plus their derived columns and tables.

    Indexes of the kept files (episodes, workers, responsibility spans) are built once; every table
    is a generator read once by the writer. The quality shares (section 7.6) are ready after every
    table has been written."""

    def __init__(self, bundle: Bundle, as_of: date) -> None:
        self.bundle = bundle
        self.as_of_day = as_of.toordinal()
        self.county_circuit = {r["county_fips"]: r["circuit_code"] for r in bundle.rows("counties.csv")}
        self.dob: dict[str, date] = {r["child_id"]: r["date_of_birth"] for r in bundle.rows("children.csv")}
        self.episodes: dict[str, Ep] = {}
        self.child_episodes: dict[str, list[Ep]] = defaultdict(list)
        for row in bundle.rows("removal_episodes.csv"):
            removal, discharge = row["removal_date"], row["discharge_date"]
            age18 = birthday(self.dob[row["child_id"]], 18)
            ep = Ep(
                row["episode_id"],
                row["child_id"],
                removal.toordinal(),
                _days(discharge),
                age18.toordinal(),
                removal < age18,
                removal.year * 12 + removal.month - 1,
                removal.day,
                row["jurisdiction_county_fips"],
                row["discharge_reason"] or "",
            )
            self.episodes[ep.episode_id] = ep
            self.child_episodes[ep.child_id].append(ep)
        # Workers: circuit of the office county; periods in date order.
        self.worker_rows: list[dict] = []
        self.workers: dict[str, list[dict]] = defaultdict(list)
        for row in self.plain("workers.csv"):
            row["fte"] = row["fte"] if row["fte"] is not None else Decimal("1.0")
            row["office_circuit_code"] = self.county_circuit.get(row["office_county_fips"], "")
            self.worker_rows.append(row)
            self.workers[row["worker_id"]].append(row)
        for periods in self.workers.values():
            periods.sort(key=lambda p: p["period_start"])
        # Responsibility spans from the PRIMARY assignments (end trimmed to the discharge).
        primary: dict[str, list[tuple]] = defaultdict(list)
        for row in bundle.rows("worker_assignments.csv"):
            if row["assignment_role"] == "PRIMARY":
                start, end = self._assignment_days(row)
                primary[row["episode_id"]].append(
                    (
                        start,
                        end,
                        row["assignment_id"],
                        row["agency_code"],
                        row["responsible_county_fips"],
                        row["worker_id"],
                    )
                )
        self.spans: dict[str, list[Span]] = {
            ep.episode_id: _spans(ep, primary.get(ep.episode_id, []), self.county_circuit, self.as_of_day)
            for ep in self.episodes.values()
        }
        del primary
        self.placed: dict[str, int] = defaultdict(int)

    # -- helpers ------------------------------------------------------------------------------

    def plain(self, name: str) -> Iterator[dict]:
        """The file's rows as dicts of its columns (text columns "" when empty)."""
        spec = BY_NAME[name]
        if name in STREAMED:
            yield from _reread(spec, self.bundle)
            return
        columns = [(c.name, c.type in ("id", "code", "yn", "text")) for c in spec.columns]
        for row in self.bundle.rows(name):
            values = row._values
            yield {
                column: ("" if value is None and text else value)
                for (column, text), value in zip(columns, values, strict=True)
            }

    def _assignment_days(self, row) -> tuple[int, int | None]:
        discharge = self.episodes[row["episode_id"]].discharge_day
        end = _days(row["end_date"])
        if discharge is not None and (end is None or end > discharge):
            end = discharge
        return row["start_date"].toordinal(), end

    def episode_on(self, child_id: str, d: int) -> Ep | None:
        """The child's episode in care on day d (removal day and discharge day included)."""
        for e in self.child_episodes.get(child_id, ()):
            if e.removal_day <= d and (e.discharge_day is None or d <= e.discharge_day):
                return e
        return None

    # -- tables -------------------------------------------------------------------------------

    def tables(self) -> dict[str, Callable[[], Iterable[dict]]]:
        return {
            "ExtractAgency": lambda: self.plain("agencies.csv"),
            "ExtractCircuit": lambda: self.plain("circuits.csv"),
            "ExtractCounty": lambda: self.plain("counties.csv"),
            "Holiday": lambda: self.plain("holidays.csv"),
            "Child": self.children,
            "RemovalEpisode": self.removal_episodes,
            "Placement": self.placements,
            "PlacementSegment": self.placement_segments,
            "WorkerPeriod": lambda: self.worker_rows,
            "WorkerAssignment": self.assignments,
            "ResponsibilitySpan": self.responsibility_spans,
            "WorkerChildVisit": self.child_visits,
            "WorkerParentVisit": self.parent_visits,
            "ParentLink": lambda: self.plain("parents.csv"),
            "ParentRestriction": lambda: self.plain("parent_restrictions.csv"),
            "ParentChildVisit": lambda: self.plain("parent_child_visits.csv"),
            "HcyExam": lambda: ({**r, "exam_day": r["exam_date"].toordinal()} for r in self.plain("hcy_exams.csv")),
            "MaltreatmentReport": lambda: self.plain("maltreatment_reports.csv"),
            "SubstantiatedReport": self.substantiated_reports,
            "PermanencyGoal": lambda: self.plain("permanency_goals.csv"),
            "GoalSpan": self.goal_spans,
            "Training": lambda: self.plain("trainings.csv"),
            "ReturnedCase": lambda: (
                {**r, "return_day": r["return_date"].toordinal()} for r in self.plain("returned_cases.csv")
            ),
            "SentinelEvent": self.sentinel_events,
            "CasePlan": lambda: (
                {**r, "completed_day": _days(r["completed_date"])} for r in self.plain("case_plans.csv")
            ),
            "OlderYouthService": lambda: (
                {**r, "service_day": r["service_date"].toordinal()} for r in self.plain("older_youth_services.csv")
            ),
            "EducationRecord": lambda: self.plain("education_records.csv"),
        }

    def children(self) -> Iterator[dict]:
        for row in self.plain("children.csv"):
            age18 = birthday(row["date_of_birth"], 18)
            yield {**row, "age18_date": age18, "age18_day": age18.toordinal()}

    def removal_episodes(self) -> Iterator[dict]:
        for row in self.plain("removal_episodes.csv"):
            ep = self.episodes[row["episode_id"]]
            discharge = row["discharge_date"]
            yield {
                **row,
                "removal_day": ep.removal_day,
                "discharge_day": ep.discharge_day,
                "date_of_birth": self.dob[row["child_id"]],
                "age18_day": ep.age18_day,
                "under18_at_removal": ep.under18_at_removal,
                "reentry_limit_day": _days(add_months(discharge, 12)) if discharge else None,
                "removal_month_index": ep.removal_month_index,
                "removal_dom": ep.removal_dom,
            }

    def assignments(self) -> Iterator[dict]:
        for row in self.plain("worker_assignments.csv"):
            row["start_day"], row["end_day"] = self._assignment_days(row)
            row["discharge_day"] = self.episodes[row["episode_id"]].discharge_day
            yield row

    def responsibility_spans(self) -> Iterator[dict]:
        for episode_id, spans in self.spans.items():
            ep = self.episodes[episode_id]
            for span in spans:
                yield {
                    "episode_id": episode_id,
                    "child_id": ep.child_id,
                    "agency_code": span.agency_code,
                    "county_fips": span.county_fips,
                    "circuit_code": span.circuit_code,
                    "start_day": span.start_day,
                    "end_day": span.end_day,
                    "worker_id": span.worker_id,
                    "fallback": span.fallback,
                    **ep.facts(),
                }

    def placements(self) -> Iterator[dict]:
        for row in self.plain("placements.csv"):
            if row["setting_type"] != "QRTP":
                row["qrtp_assessment_date"] = row["qrtp_court_approval_date"] = None  # PL5
            row["start_day"] = row["start_date"].toordinal()
            row["qrtp_assessment_day"] = _days(row["qrtp_assessment_date"])
            yield row

    def placement_segments(self) -> Iterator[dict]:
        """Placements trimmed (PL3, PL6) and cut at changes of responsibility (rule R3)."""
        by_episode: dict[str, list[Row]] = defaultdict(list)
        for row in self.bundle.rows("placements.csv"):
            by_episode[row["episode_id"]].append(row)
        end_of_care = self.as_of_day + 1
        for episode_id, rows in by_episode.items():
            ep = self.episodes[episode_id]
            for piece in _split(ep, _segments(ep, rows), self.spans[episode_id]):
                end = piece["end_day"] if piece["end_day"] is not None else (ep.discharge_day or end_of_care)
                self.placed[episode_id] += max(0, end - piece["start_day"])
                yield piece

    def child_visits(self) -> Iterator[dict]:
        for row in self.plain("worker_child_visits.csv"):
            row["worker_role"] = _worker_role(self.workers.get(row["worker_id"], []), row["visit_date"])
            ep = self.episode_on(row["child_id"], row["visit_date"].toordinal())
            row["episode_id"] = ep.episode_id if ep else ""
            yield row

    def parent_visits(self) -> Iterator[dict]:
        for row in self.plain("worker_parent_visits.csv"):
            row["worker_role"] = _worker_role(self.workers.get(row["worker_id"], []), row["visit_date"])
            yield row

    def substantiated_reports(self) -> Iterator[dict]:
        """One row per substantiated (report, child): latest disposition, first known incident date."""
        substantiated: dict[tuple[str, str], dict] = {}
        for row in self.plain("maltreatment_reports.csv"):
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
            ep = self.episode_on(rep["child_id"], rep["report_day"])
            rep.update(ep.facts() if ep else NO_EPISODE)
            yield rep

    def goal_spans(self) -> Iterator[dict]:
        """Each goal until its end or the next goal of the same rank (PG2)."""
        goals: dict[tuple[str, str], list[Row]] = defaultdict(list)
        for row in self.bundle.rows("permanency_goals.csv"):
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
                ep = self.episodes[row["episode_id"]]
                yield {
                    "goal_id": row["goal_id"],
                    "episode_id": row["episode_id"],
                    "goal_rank": row["goal_rank"],
                    "goal_type": row["goal_type"],
                    "start_day": row["start_date"].toordinal(),
                    "end_day": end,
                    "concurrent_exempt": row["concurrent_exempt"] == "Y",
                    **ep.facts(),
                    "removal_month_index": ep.removal_month_index,
                    "removal_dom": ep.removal_dom,
                }

    def sentinel_events(self) -> Iterator[dict]:
        for row in self.plain("sentinel_events.csv"):
            ep = self.episode_on(row["child_id"], row["event_date"].toordinal())
            row.update(
                event_day=row["event_date"].toordinal(),
                report_due_date=None,
                episode_id=ep.episode_id if ep else "",
            )
            yield row

    # -- section 7.6 --------------------------------------------------------------------------

    def quality_shares(self) -> dict[str, dict[str, float]]:
        """Shares overall ("ALL") and per agency (responsible at the episode's last day).

        PL4 uses the placement days counted while the placement segments were written."""
        last_agency: dict[str, str] = {}
        days_total: dict[str, int] = defaultdict(int)
        days_unassigned: dict[str, int] = defaultdict(int)
        for episode_id, spans in self.spans.items():
            for span in spans:
                n = span.end_day - span.start_day + 1
                last_agency[episode_id] = span.agency_code
                for key in ("ALL", span.agency_code):
                    days_total[key] += n
                    if span.fallback:
                        days_unassigned[key] += n
        episodes_by: dict[str, int] = defaultdict(int)
        discharged: dict[str, int] = defaultdict(int)
        no_reason: dict[str, int] = defaultdict(int)
        same_day: dict[str, int] = defaultdict(int)
        days_open: dict[str, int] = defaultdict(int)
        days_unplaced: dict[str, int] = defaultdict(int)
        for ep in self.episodes.values():
            end = ep.discharge_day if ep.discharge_day is not None else self.as_of_day + 1
            n = max(0, end - ep.removal_day)
            for key in ("ALL", last_agency.get(ep.episode_id, "CD")):
                episodes_by[key] += 1
                if ep.discharge_day is not None:
                    discharged[key] += 1
                    no_reason[key] += not ep.discharge_reason
                    same_day[key] += ep.discharge_day == ep.removal_day
                days_open[key] += n
                days_unplaced[key] += max(0, n - self.placed.get(ep.episode_id, 0))
        # Substantiation pending more than 60 days at the as-of date, among all child-reports.
        reports: dict[str, int] = defaultdict(int)
        pending: dict[str, int] = defaultdict(int)
        for row in self.bundle.rows("maltreatment_reports.csv"):
            reports["ALL"] += 1
            if row["finding"] == "PENDING" and row["report_date"].toordinal() < self.as_of_day - 60:
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


def _date(text: str) -> date:
    return _DATES.get(text) or date.fromisoformat(text)


_CONVERT: dict[str, Callable[[str], Any]] = {"date": _date, "int": int, "dec": Decimal}


def _reread(spec: FileSpec, bundle: Bundle) -> Iterator[dict]:
    """A streamed file read again for writing, once pass 1 found no error: every value is known to be
    well formed, so cells are only stripped and converted (the same values `read_rows` gives)."""
    opener = bundle.sources.get(spec.name)
    if opener is None:
        return
    with opener() as binary:
        reader = csv.reader(io.TextIOWrapper(binary, encoding="utf-8-sig", newline=""))
        header = next(reader, None)
        if header is None:
            return
        where = {h: i for i, h in enumerate(header)}
        plan = [(c.name, where.get(c.name), _CONVERT.get(c.type)) for c in spec.columns]
        width = len(header)
        for raw in reader:
            if not raw or raw == [""]:
                continue
            if len(raw) < width:
                raw += [""] * (width - len(raw))
            row = {}
            for column, i, convert in plan:
                cell = raw[i].strip() if i is not None else ""
                row[column] = (convert(cell) if cell else None) if convert else cell
            yield row


def _split(ep: Ep, segments: list[dict], spans: list[Span]) -> list[dict]:
    """Cut placement segments at changes of responsibility, so days split by agency (rule R3)."""
    out: list[dict] = []
    facts = {
        "removal_day": ep.removal_day,
        "discharge_day": ep.discharge_day,
        "age18_day": ep.age18_day,
        "under18_at_removal": ep.under18_at_removal,
    }
    for seg in segments:
        start = seg["start_day"]
        end = seg["end_day"] if seg["end_day"] is not None else 10**7
        first = True
        for i, span in enumerate(spans):
            lo, hi = max(start, span.start_day), min(end, span.end_day + 1)
            if lo >= hi:
                continue
            out.append(
                {
                    **seg,
                    **facts,
                    "start_day": lo,
                    "end_day": None if seg["end_day"] is None and i == len(spans) - 1 else hi,
                    "placement_start_day": seg["start_day"],
                    "placement_end_day": seg["end_day"],
                    "agency_code": span.agency_code,
                    "county_fips": span.county_fips,
                    "circuit_code": span.circuit_code,
                    "is_move": seg["is_move"] and first,
                }
            )
            first = False
    return out


def _worker_role(periods: list[dict], d: date) -> str:
    """The role on the visit date; otherwise the last role held before it (VC3), else the last one."""
    for p in periods:
        if p["period_start"] <= d and (p["period_end"] is None or d <= p["period_end"]):
            return p["role"]
    before = [p for p in periods if p["period_start"] <= d]
    if before:
        return before[-1]["role"]
    return periods[-1]["role"] if periods else ""


def _segments(ep: Ep, rows: list[Row]) -> list[dict]:
    rows = sorted(rows, key=lambda r: (r["start_date"], r["placement_id"]))
    discharge = ep.discharge_day
    kept: list[dict] = []
    for row in rows:
        end = _days(row["end_date"])
        if discharge is not None and (end is None or end > discharge):
            end = discharge  # PL6; the discharge day itself is not a placement day
        seg = {
            "placement_id": row["placement_id"],
            "episode_id": ep.episode_id,
            "child_id": ep.child_id,
            "setting_type": row["setting_type"],
            "provider_id": row["provider_id"] or "",
            "start_day": row["start_date"].toordinal(),
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


def _spans(ep: Ep, rows: list[tuple], county_circuit: dict[str, str], as_of_day: int) -> list[Span]:
    """Non-overlapping responsibility over [removal, discharge or as_of], later start winning.

    `rows` are the episode's PRIMARY assignments as (start_day, end_day, assignment_id, agency_code,
    responsible_county_fips, worker_id), the end already trimmed to the discharge."""
    first = ep.removal_day
    last = ep.discharge_day if ep.discharge_day is not None else as_of_day
    if last < first:
        return []
    bounds = {first, last + 1}
    for start, end, *_ in rows:
        bounds.add(max(first, start))
        bounds.add(min(last, end if end is not None else last) + 1)
    points = sorted(b for b in bounds if first <= b <= last + 1)
    spans: list[Span] = []
    for lo, hi in zip(points, points[1:], strict=False):
        covering = [r for r in rows if r[0] <= lo and (r[1] if r[1] is not None else last) >= hi - 1]
        if covering:
            _, _, _, agency, county, worker = max(covering, key=lambda r: (r[0], r[2]))
            fallback = False
        else:
            agency, county, worker, fallback = "CD", ep.jurisdiction_county_fips, "", True
        if (
            spans
            and spans[-1].end_day == lo - 1
            and (spans[-1].agency_code, spans[-1].county_fips, spans[-1].worker_id, spans[-1].fallback)
            == (agency, county, worker, fallback)
        ):
            spans[-1] = spans[-1]._replace(end_day=hi - 1)
            continue
        spans.append(Span(lo, hi - 1, agency, county, county_circuit.get(county, ""), worker, fallback))
    return spans


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
        # pg_index of this table only: the pg_indexes view computes the definition of other tables'
        # indexes too, and fails ("cache lookup failed") when one is dropped meanwhile (a session's
        # temporary tables removed as it ends).
        cursor.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = %s::regclass "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conname = c.relname) ORDER BY c.relname",
            [table],
        )
        return list(cursor.fetchall())


def _write(model_name: str, rows: Iterable[dict]) -> None:
    model = getattr(models, model_name)
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    if connection.vendor == "postgresql":
        _copy_replace(model, fields, rows)
        return
    model.objects.all().delete()
    _insert_many(model, fields, rows)


def _insert_many(model, fields: list, rows: Iterable[dict], batch_size: int = 5000) -> None:
    """INSERT the rows with executemany (SQLite and other non-PostgreSQL databases).

    bulk_create built a model instance per row and compiled every batch's SQL again: at 5,000
    children (about 190,000 rows) that took about 20 of the load's 26 seconds, SQLite itself 2.
    Text and integer values go in as they are; the other fields are converted as Django saves them.
    """
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
    plain = (CharField, IntegerField)
    steps = [(f.name, None if isinstance(f, plain) and not f.is_relation else f.get_db_prep_save) for f in fields]
    batch: list[list] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append([row.get(n) if prep is None else prep(row.get(n), connection=connection) for n, prep in steps])
            if len(batch) >= batch_size:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


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


def load_bundle(path: str | Path, progress: Progress | None = None, limits: Limits | None = None) -> LoadResult:
    """Validate and load the bundle at `path` (see module docstring) within `limits` (by default the
    METRICS_IMPORT_* settings): a bundle over a limit is refused at once (REJECTED)."""
    say = progress or (lambda pct, step: None)
    limits = limits or Limits.from_settings()
    report = ImportReport(limit=limits.max_problems)
    try:
        return _load(Path(path), say, report, limits)
    except BundleRefused as refused:
        if refused.rule:
            report.error(refused.file, refused.line, "", "", refused.rule, refused.message)
        return LoadResult("REJECTED", report)


def _load(path: Path, say: Progress, report: ImportReport, limits: Limits) -> LoadResult:
    try:
        return _load_sources(path, say, report, limits)
    finally:
        if staged_import():
            stage.drop_all()


def _load_sources(path: Path, say: Progress, report: ImportReport, limits: Limits) -> LoadResult:
    with _open_sources(path, report, limits) as sources:
        say(2, "checking files")
        bundle = open_bundle(path, sources, report, limits)
        say(10, "validating")
        as_of = validate(bundle, report)
        if report.has_errors or as_of is None:
            return LoadResult("REJECTED", report)
        manifest = bundle.rows("manifest.csv")[0]
        current = models.Extract.objects.filter(is_current=True).first()
        if current and current.extract_id == manifest["extract_id"] and current.checksum == bundle.checksum:
            return LoadResult("UNCHANGED", report, current)
        say(45, "deriving tables")
        derivation = Derivation(bundle, as_of)
        tables = derivation.tables()
        with transaction.atomic():
            if bundle.staged is not None:
                stage.prepare_write(derivation)
            total = len(WRITE_ORDER)
            for i, name in enumerate(WRITE_ORDER):
                say(50 + 45 * i // total, f"writing {name}")
                if bundle.staged is not None and name in stage.MODEL_FILES:
                    stage.write(name, _secondary_indexes)
                else:
                    _write(name, tables[name]())
            if connection.vendor == "postgresql":
                # Fresh statistics after a bulk replace, or the planner guesses badly for the metric queries.
                with connection.cursor() as cursor:
                    for name in WRITE_ORDER:
                        cursor.execute(f"ANALYZE {connection.ops.quote_name(getattr(models, name)._meta.db_table)}")
            models.Extract.objects.filter(is_current=True).update(is_current=False)
            models.Extract.objects.filter(extract_id=manifest["extract_id"]).delete()
            extract = models.Extract.objects.create(
                extract_id=manifest["extract_id"],
                schema_version=manifest["schema_version"],
                state=manifest["state"],
                as_of_date=as_of,
                source_system=manifest["source_system"],
                generated_at=manifest["generated_at"] or "",
                checksum=bundle.checksum,
                files=bundle.present,
                row_counts={name: bundle.counts[name] for name in sorted(bundle.readable)},
                warning_counts=report.counts("WARNING"),
                quality=derivation.quality_shares(),
                is_current=True,
            )
    say(100, "loaded")
    return LoadResult("LOADED", report, extract)
