"""CSV and XLSX export of the summary tables (the same rows the page shows)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook

from accounts.exports import csv_writer, xlsx_table
from reviews.summaries import AniReasons, NaReasonRow, Row

TABLES = ("items", "outcomes", "parents", "parents_na", "ani")
TITLES = {
    "items": "Item performance",
    "outcomes": "Outcome performance",
    "parents": "Visits with parents, siblings and the child (items 8, 14, 15)",
    "parents_na": "Why parents were not applicable (items 12B, 13, 15)",
    "ani": "Why items were ANI",
}


def performance_table(rows: Iterable[Row], key_title: str, achieved_title: str) -> tuple[list[str], list[list[Any]]]:
    header = ["Group", key_title, "Title", "Applicable n", achieved_title, f"% {achieved_title}"]
    body = [
        [r.group, r.key, r.label, r.applicable, r.achieved, r.percent if r.percent is not None else ""] for r in rows
    ]
    return header, body


def parent_table(rows: Iterable[Row]) -> tuple[list[str], list[list[Any]]]:
    header = ["Item", "Question", "Measure", "Applicable n", "Sufficient", "% sufficient"]
    body = [
        [r.group, r.key, r.label, r.applicable, r.achieved, r.percent if r.percent is not None else ""] for r in rows
    ]
    return header, body


def parent_na_table(rows: Iterable[NaReasonRow]) -> tuple[list[str], list[list[Any]]]:
    header = ["Item", "Question", "Parent", "Why not applicable", "People", "Cases"]
    body = [[r.item, r.code, r.parent, r.reason or "(not given)", r.people, r.cases] for r in rows]
    return header, body


def ani_table(groups: Iterable[AniReasons]) -> tuple[list[str], list[list[Any]]]:
    header = ["Item", "Title", "ANI ratings", "Deciding answer", "ANI ratings with it"]
    body = [[g.item, g.title, g.total, reason, n] for g in groups for reason, n in g.reasons]
    return header, body


def to_csv(header: Sequence[str], body: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(header)
    writer.writerows(body)
    # A BOM so spreadsheet programs read UTF-8 correctly.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(
    title: str,
    header: Sequence[str],
    body: Iterable[Sequence[Any]],
    *,
    heading: str = "",
    context: Sequence[tuple[str, Any]] = (),
) -> bytes:
    """One table in a workbook: its heading and filters above it (accounts.exports.xlsx_table)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    xlsx_table(sheet, title=heading or title, context=context, header=header, rows=body)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
