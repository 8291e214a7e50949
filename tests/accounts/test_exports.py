"""The spreadsheet-safe export helper: risky text is quoted, numbers are not, and every export uses it."""

from __future__ import annotations

import ast
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from accounts.exports import csv_dict_writer, csv_writer, safe_cell, xlsx_append

PAYLOAD = '=HYPERLINK("http://x","y")'
ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "reviews", "metrics", "surveys", "reports", "config")


@pytest.mark.parametrize(
    "text",
    [PAYLOAD, "+1+2", "-2+3", "-5 days", "@SUM(A1)", "\tfoo", "\r=1", "  =1+1", "-", "-A1", "=1"],
)
def test_text_that_a_spreadsheet_would_run_gets_a_leading_quote(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    "value",
    ["-5", "-0.25", "+1.5e3", "-1,234.5", "-12.5%", "-.5", "0", "95.0", "2023-07-01", "6ZA", "", "O'Brien", "a=b"],
)
def test_numbers_dates_and_ordinary_text_are_unchanged(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize("value", [-5, -0.25, Decimal("-1.50"), True, dt.date(2023, 7, 1)])
def test_typed_numbers_and_dates_stay_typed(value):
    assert safe_cell(value) is value


def test_none_is_an_empty_cell_and_quoting_is_idempotent():
    assert safe_cell(None) == ""
    assert safe_cell(safe_cell(PAYLOAD)) == "'" + PAYLOAD


def test_the_csv_writers_quote_every_risky_cell():
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow([PAYLOAD, -5, "-5", "-5 days"])
    dict_writer = csv_dict_writer(out, ["a", "b"], lineterminator="\n")
    dict_writer.writerow({"a": "@x"})
    assert out.getvalue() == '"\'=HYPERLINK(""http://x"",""y"")",-5,-5,\'-5 days\n\'@x,\n'
    with pytest.raises(ValueError, match="not in fieldnames"):
        dict_writer.writerow({"c": 1})


def test_xlsx_rows_hold_no_formula_and_keep_numbers():
    book = Workbook()
    xlsx_append(book.active, [PAYLOAD, -5, Decimal("-2.5"), "-5 days"])
    buffer = io.BytesIO()
    book.save(buffer)
    row = next(load_workbook(buffer).active.iter_rows())
    assert [c.data_type for c in row] == ["s", "n", "n", "s"]
    assert [c.value for c in row] == ["'" + PAYLOAD, -5, -2.5, "'-5 days"]


# --- every CSV/XLSX writer in the project goes through accounts/exports.py ----------------

# Files that may write CSV without the helper, and why.
ALLOWED = {
    # Writes synthetic *input* for the extract loader (generated values, read back by machine).
    "metrics/synthetic.py": "synthetic extract bundle, not an export",
}
RAW_WRITERS = {("csv", "writer"), ("csv", "DictWriter")}


def _worksheet_names(tree: ast.AST) -> set[str]:
    """Names bound to an openpyxl worksheet: `x = book.active`, `x = book.create_sheet(...)`."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            value = node.value
            if isinstance(value, ast.Call):
                value = value.func
            if isinstance(value, ast.Attribute) and value.attr in ("active", "create_sheet", "get_sheet_by_name"):
                names.add(node.targets[0].id)
    return names


def _raw_writer_calls(path: Path) -> list[str]:
    """csv.writer / csv.DictWriter uses and worksheet.append calls found in one source file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    sheets = _worksheet_names(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if (node.value.id, node.attr) in RAW_WRITERS:
                found.append(f"{node.value.id}.{node.attr} line {node.lineno}")
        if isinstance(node, ast.ImportFrom) and node.module == "csv":
            names = {a.name for a in node.names}
            if names & {"writer", "DictWriter"}:
                found.append(f"from csv import {', '.join(sorted(names))} line {node.lineno}")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "append":
            target = node.func.value
            if isinstance(target, ast.Name) and target.id in sheets:
                found.append(f"{target.id}.append line {node.lineno}")
    return found


def test_every_csv_and_xlsx_writer_uses_the_safe_helper():
    offenders = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if relative == "accounts/exports.py" or relative in ALLOWED or "/migrations/" in relative:
                continue
            calls = _raw_writer_calls(path)
            if calls:
                offenders[relative] = calls
    assert offenders == {}, "write CSV/XLSX through accounts.exports (csv_writer, csv_dict_writer, xlsx_append)"


def test_the_guard_notices_a_raw_writer(tmp_path):
    sample = tmp_path / "x.py"
    sample.write_text("import csv\nw = csv.writer(f)\nws = book.create_sheet('x')\nws.append([1])\n", encoding="utf-8")
    assert sorted(_raw_writer_calls(sample)) == ["csv.writer line 2", "ws.append line 4"]
