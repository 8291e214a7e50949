"""Spreadsheet-safe exports: every CSV and XLSX file the project writes goes through here.

A spreadsheet program reads a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some
programs, a tab or carriage return) as a formula: a wave named ``=HYPERLINK("http://x","y")``
or an extract value echoed in the import report would become a live link or worse when the file
is opened (CSV or formula injection). Following OWASP, such a text cell is written with a leading
single quote, which spreadsheet programs show as text and people can still read.

Numbers are left alone: an int, float or Decimal is written as it is, and so is a string that is
a plain number (``-5``, ``-0.25``, ``+1.5e3``, ``-1,234.5``, ``-12.5%``), because a number cannot
carry a formula and machine-readable exports (metrics section 8.3) must keep negative values
as numbers. ``"-5 days"`` is text and is neutralised.

Apps import the writers from here (accounts is the bottom of the dependency chain), never
``csv.writer`` or openpyxl's ``sheet.append`` directly; tests/accounts/test_exports.py checks that.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import IO, Any

# OWASP CSV injection: the first characters that make a cell a formula or command.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# A plain number: optional sign, digits (optionally grouped by thousands), decimals, exponent,
# an optional percent sign. Nothing else (no letters, parentheses or operators in between).
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+|(?=\.\d))(?:\.\d+)?(?:[eE][+-]?\d+)?%?")

_PASS_THROUGH = (bool, int, float, Decimal, dt.date, dt.datetime, dt.time)


def is_number_text(text: str) -> bool:
    """Whether `text` is a plain number (possibly negative), which no spreadsheet runs as a formula."""
    return bool(text) and _NUMBER.fullmatch(text) is not None


def safe_cell(value: Any) -> Any:
    """One cell made safe for a spreadsheet: numbers and dates unchanged, risky text quoted.

    None becomes an empty string. A text starting with a formula trigger (after any leading
    spaces, which some programs skip) gets a leading single quote unless it is a plain number.
    """
    if value is None:
        return ""
    if isinstance(value, _PASS_THROUGH):
        return value
    text = str(value)
    first = text.lstrip(" ")[:1]
    if first and first in FORMULA_TRIGGERS and not is_number_text(text.strip()):
        return "'" + text
    return text


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]


class CsvWriter:
    """`csv.writer` whose every cell passes through `safe_cell`."""

    def __init__(self, stream: IO[str], **fmtparams: Any) -> None:
        self._writer = csv.writer(stream, **fmtparams)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class CsvDictWriter:
    """`csv.DictWriter` whose every cell passes through `safe_cell` (missing keys are empty)."""

    def __init__(self, stream: IO[str], fieldnames: Sequence[str], **fmtparams: Any) -> None:
        self.fieldnames = list(fieldnames)
        self._writer = CsvWriter(stream, **fmtparams)

    def writeheader(self) -> Any:
        return self._writer.writerow(self.fieldnames)

    def writerow(self, row: Mapping[str, Any]) -> Any:
        extra = set(row) - set(self.fieldnames)
        if extra:
            raise ValueError(f"dict contains fields not in fieldnames: {', '.join(sorted(extra))}")
        return self._writer.writerow(row.get(name, "") for name in self.fieldnames)

    def writerows(self, rows: Iterable[Mapping[str, Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream: IO[str], **fmtparams: Any) -> CsvWriter:
    return CsvWriter(stream, **fmtparams)


def csv_dict_writer(stream: IO[str], fieldnames: Sequence[str], **fmtparams: Any) -> CsvDictWriter:
    return CsvDictWriter(stream, fieldnames, **fmtparams)


def xlsx_append(sheet: Any, row: Iterable[Any]) -> None:
    """Append a row to an openpyxl worksheet: numbers stay numbers, risky text is quoted.

    openpyxl stores any string starting with ``=`` as a formula; after `safe_cell` none does.
    """
    sheet.append(safe_row(row))


# Column widths in characters: at least the header, at most this (longer text wraps in its cell).
XLSX_MAX_WIDTH = 60


def xlsx_table(
    sheet: Any,
    *,
    title: str,
    context: Sequence[tuple[str, Any]],
    header: Sequence[Any],
    rows: Iterable[Sequence[Any]],
) -> None:
    """Write a table that says what it shows: a title, the filters and export date, then the table.

    Layout: the title (bold) in A1, one "label | value" row per context item (filters, period,
    who exported it and when), a blank row, the header (bold, with filter buttons, frozen so it
    stays in view) and the rows. Each column is as wide as its longest header or value, up to
    XLSX_MAX_WIDTH characters; longer text wraps. Every cell goes through `safe_cell`.
    """
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    xlsx_append(sheet, [title])
    sheet.cell(row=1, column=1).font = Font(bold=True, size=13)
    for label, value in context:
        xlsx_append(sheet, [label, value])
        sheet.cell(row=sheet.max_row, column=1).font = bold
    sheet.append([])  # a blank row between the context and the table
    xlsx_append(sheet, header)
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = bold
    widths = [len(str(h)) for h in header]
    widths[0] = max([widths[0], *(len(str(label)) for label, _ in context)])
    for row in rows:
        xlsx_append(sheet, row)
        for i, value in enumerate(row[: len(widths)]):
            widths[i] = max(widths[i], len(_display(value)))
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = min(width, XLSX_MAX_WIDTH) + 2
        if width > XLSX_MAX_WIDTH:
            for (cell,) in sheet.iter_rows(min_row=header_row + 1, min_col=i, max_col=i):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    last = get_column_letter(len(header))
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.auto_filter.ref = f"A{header_row}:{last}{max(sheet.max_row, header_row)}"


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
