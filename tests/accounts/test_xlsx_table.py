"""accounts.exports.xlsx_table: a titled, filtered, readable table in a worksheet."""

from __future__ import annotations

from openpyxl import Workbook

from accounts.exports import XLSX_MAX_WIDTH, xlsx_table


def test_title_context_blank_row_then_the_table_with_fitted_columns():
    sheet = Workbook().active
    xlsx_table(
        sheet,
        title="Survey aggregates",
        context=[("Wave", '=HYPERLINK("http://x","y")'), ("Exported", "2026-01-05 10:00 by ana")],
        header=["Agency", "Question", "n"],
        rows=[["6ZA", "x" * 80, 12], ["6ZB", "Short", 3]],
    )
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Survey aggregates" and sheet["A1"].font.bold
    # context cells are spreadsheet-safe like every other cell: no live formula
    assert values[1][:2] == ["Wave", '\'=HYPERLINK("http://x","y")']
    assert values[3] == [None, None, None]
    assert values[4] == ["Agency", "Question", "n"] and sheet["B5"].font.bold
    assert sheet.freeze_panes == "A6" and sheet.auto_filter.ref == "A5:C7"
    assert sheet.column_dimensions["A"].width == len("Exported") + 2
    assert sheet.column_dimensions["B"].width == XLSX_MAX_WIDTH + 2 and sheet["B6"].alignment.wrap_text
    assert sheet.column_dimensions["C"].width == len("12") + 2
