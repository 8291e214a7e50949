"""A report snapshot as a file: JSON, standalone HTML, PDF (WeasyPrint), Word (reports.word), XLSX.

Every output is made from the snapshot alone (reports.document), so a published version prints
the same in every format and forever.
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

from reports import exports

FORMATS = ("json", "html", "pdf", "docx", "xlsx")
CONTENT_TYPES = {
    "json": "application/json",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
PRINT_CSS = Path(__file__).resolve().parent / "static" / "reports" / "report-print.css"
SHORT_TITLE = "HB 1414 Response and Evaluation Report"


@cache
def print_css() -> str:
    return PRINT_CSS.read_text(encoding="utf-8")


def filename(snapshot: dict[str, Any], fmt: str) -> str:
    report = snapshot["report"]
    edition = f"v{report['version']}" if report["status"] == "published" else f"{report['status']}-v{report['version']}"
    return f"response-evaluation-report_{report['quarter']}_{report['scope']}_{edition}.{fmt}"


def edition_line(snapshot: dict[str, Any]) -> str:
    """'Version 1, published December 15, 2023' or 'Draft version 1, figures as of ...: not for distribution'."""
    report, context = snapshot["report"], snapshot["context"]
    if report["status"] == "published" and context.get("published_at"):
        day = datetime.fromisoformat(context["published_at"])
        return f"Version {report['version']}, published {day:%B} {day.day}, {day.year}"
    day = datetime.fromisoformat(report["generated_at"])
    status = "In review" if report["status"] == "in_review" else "Draft"
    return f"{status} (version {report['version']}), figures as of {day:%B} {day.day}, {day.year}: not for distribution"


def issued_line(snapshot: dict[str, Any]) -> str:
    report, context = snapshot["report"], snapshot["context"]
    if report["status"] == "published" and context.get("published_at"):
        day = datetime.fromisoformat(context["published_at"])
        return f"Issued {day:%B %Y}"
    return "Draft: not for distribution"


def to_json(snapshot: dict[str, Any]) -> str:
    return json.dumps(snapshot["report"], indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def to_html(snapshot: dict[str, Any]) -> str:
    """A standalone HTML document (print styles inline): what the PDF is made from."""
    context = snapshot["context"]
    scope = "Statewide" if snapshot["report"]["scope"] == "all" else snapshot["report"]["scope"]
    return render_to_string(
        "reports/document/print.html",
        {
            "snap": snapshot,
            "print_css": print_css(),
            "header_left": f"{SHORT_TITLE} · {context['quarter_label']} · {scope}",
            "header_right": issued_line(snapshot),
            "footer_left": edition_line(snapshot),
        },
    )


def to_pdf(snapshot: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    return HTML(string=to_html(snapshot), base_url=str(PRINT_CSS.parent)).write_pdf()


def to_docx(snapshot: dict[str, Any]) -> bytes:
    from reports import word

    return word.to_docx(snapshot)


def to_xlsx(snapshot: dict[str, Any]) -> bytes:
    return exports.snapshot_xlsx(snapshot)


def render(snapshot: dict[str, Any], fmt: str) -> bytes:
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r}: choose one of {', '.join(FORMATS)}")
    out = {"json": to_json, "html": to_html, "pdf": to_pdf, "docx": to_docx, "xlsx": to_xlsx}[fmt](snapshot)
    return out.encode("utf-8") if isinstance(out, str) else out
