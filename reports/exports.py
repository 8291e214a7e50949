"""The merged table of a quarterly report as rows, CSV and XLSX.

One row per figure: each metric month and the quarter, each OSRI item and outcome, each tagged
survey question per respondent group. Suppressed survey cells export no counts, only the
status SUPPRESSED, exactly as the page shows them.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from accounts.exports import csv_dict_writer, xlsx_append
from reports.formatting import metric_number, number, plain
from reports.quarterly import MeasureSection, MetricCell, MetricLine, QuarterlyReport

COLUMNS = [
    "quarter",
    "scope",
    "measure",
    "domain",
    "source",
    "indicator_code",
    "indicator",
    "respondent_group",
    "period",
    "numerator",
    "denominator",
    "value",
    "unit",
    "benchmark",
    "meets",
    "band",
    "status",
    "note",
]

METRIC, REVIEW, SURVEY = "Dashboard metric", "Case review", "Stakeholder survey"


def _bool(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _metric_row(base: dict, line: MetricLine, period: str, cell: MetricCell | None) -> dict:
    row = {
        **base,
        "source": METRIC,
        "indicator_code": line.code,
        "indicator": line.title,
        "period": period,
        "unit": line.unit,
        "benchmark": (f"{line.comparator} " if line.comparator else "") + plain(line.benchmark)
        if line.benchmark is not None
        else "",
    }
    if not line.computed:
        return {**row, "status": "NOT_COMPUTED", "note": "planned in the metrics specification, not computed yet"}
    if cell is None:
        return {**row, "status": "NO_RESULT", "note": "no stored result for this period"}
    return {
        **row,
        "numerator": plain(cell.numerator),
        "denominator": plain(cell.denominator),
        "value": metric_number(cell.value, line.unit),
        "meets": _bool(cell.meets),
        "band": cell.band,
        "status": cell.status,
        "note": "small n" if cell.small_n else "",
    }


def section_rows(report: QuarterlyReport, section: MeasureSection) -> list[dict]:
    base = {
        "quarter": str(report.quarter),
        "scope": report.scope.parameter,
        "measure": section.measure.title,
        "domain": section.measure.domain,
    }
    rows: list[dict] = []
    for line in section.metrics:
        if not line.computed:
            rows.append(_metric_row(base, line, report.quarter.metrics_period, None))
            continue
        for month, cell in line.months:
            rows.append(_metric_row(base, line, str(month), cell))
        rows.append(_metric_row(base, line, report.quarter.metrics_period, line.quarter))
    for line in section.items + section.outcomes:
        rows.append(
            {
                **base,
                "source": REVIEW,
                "indicator_code": line.label,
                "indicator": line.title,
                "period": report.quarter.metrics_period,
                "numerator": str(line.achieved),
                "denominator": str(line.applicable),
                "value": number(line.percent, 1),
                "unit": "PERCENT",
                "status": "OK" if line.applicable else "NO_APPLICABLE_CASES",
                "note": f"% {line.achieved_word} of applicable cases",
            }
        )
    for line in section.surveys:
        row = {
            **base,
            "source": SURVEY,
            "indicator_code": line.code,
            "indicator": line.text,
            "respondent_group": line.group_label,
            "period": report.quarter.metrics_period,
            "unit": "PERCENT",
        }
        if line.suppressed:
            row.update(status="SUPPRESSED", note="small-cell protection")
        elif not line.has_favourable:
            row.update(status="NO_FAVOURABLE_ANSWER", note="the question has no favourable answer")
        else:
            row.update(
                numerator=str(line.favourable),
                denominator=str(line.n),
                value=number(line.percent, 1),
                status="OK" if line.n else "NO_ANSWERS",
                note="% favourable (agree or strongly agree); 'does not apply' left out",
            )
        rows.append(row)
    return rows


def merged_rows(report: QuarterlyReport) -> list[dict]:
    return [dict.fromkeys(COLUMNS, "") | row for s in report.sections for row in section_rows(report, s)]


def to_csv(report: QuarterlyReport) -> str:
    out = io.StringIO()
    # Question texts, wave and agency names are typed by people: every cell goes through the
    # spreadsheet-safe writer (numbers, negative ones included, come out unchanged).
    writer = csv_dict_writer(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(merged_rows(report))
    return out.getvalue()


NUMERIC = {"numerator", "denominator", "value"}


def to_xlsx(report: QuarterlyReport) -> bytes:
    """The data appendix page's workbook: every figure, and an About sheet."""
    about = [
        ("Report", "Quarterly Response and Evaluation report"),
        ("Quarter", f"{report.quarter} ({report.quarter.label})"),
        ("Scope", report.scope.label),
        ("Extract as of", report.extract_as_of.isoformat() if report.extract_as_of else "no results"),
        ("Reviews counted", report.reviews_counted),
        (
            "Small-cell rule",
            f"survey figures about fewer than {report.min_cell} respondents are suppressed, and so are figures "
            "that could be subtracted from others to give them (complementary suppression)",
        ),
    ]
    return workbook(merged_rows(report), f"Quarterly {report.quarter}", about)


ANALYSIS_COLUMNS = ["measure", "source", "sentence", "table", "facts"]


def snapshot_xlsx(snapshot: dict) -> bytes:
    """A report version's workbook: every figure, the analysis sentences on their own sheet, About."""
    report, context = snapshot["report"], snapshot["context"]
    status = report["status"].replace("_", " ")
    about = [
        ("Report", f"{context['law']} {context['title']}"),
        ("Quarter", f"{report['quarter']} ({context['quarter_label']})"),
        ("Scope", context["scope_label"]),
        ("Status", f"{status}, version {report['version']}" if report.get("version") else status),
        ("Generated", report["generated_at"]),
        ("Extract as of", context.get("extract_as_of") or "no results"),
        ("Reviews counted", context["reviews_counted"]),
        (
            "Small-cell rule",
            f"survey figures about fewer than {context['min_cell']} respondents are suppressed, and so are figures "
            "that could be subtracted from others to give them (complementary suppression)",
        ),
    ]
    if context.get("published_at"):
        about.insert(4, ("Published", f"{context['published_at']} by {context.get('published_by', '')}"))
    sources = {"goal_status": METRIC, "values": METRIC}
    analysis = []
    for measure in report["measures"]:
        for sentence in measure["analysis"]:
            table = sentence.get("table", "")
            source = SURVEY if table.endswith("-surveys") else REVIEW if table.endswith("-reviews") else METRIC
            analysis.append(
                [
                    measure["title"],
                    sources.get(sentence.get("kind"), source),
                    sentence["text"],
                    table,
                    json.dumps(sentence.get("facts", {}), sort_keys=True),
                ]
            )
    return workbook(snapshot["rows"], f"Quarterly {report['quarter']}", about, analysis)


def workbook(rows: list[dict], title: str, about: list[tuple], analysis: list[list] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    xlsx_append(sheet, COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        xlsx_append(sheet, [_xlsx_value(column, row[column]) for column in COLUMNS])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = 40 if column in ("indicator", "note") else 16
    if analysis is not None:
        sentences = book.create_sheet("Analysis")
        xlsx_append(sentences, ANALYSIS_COLUMNS)
        for cell in sentences[1]:
            cell.font = Font(bold=True)
        for line in analysis:
            xlsx_append(sentences, [str(v) for v in line])
        sentences.freeze_panes = "A2"
        for letter, width in zip("ABCDE", (32, 18, 100, 36, 60), strict=True):
            sentences.column_dimensions[letter].width = width
    sheet_about = book.create_sheet("About")
    for key, value in about:
        xlsx_append(sheet_about, [key, value])
    sheet_about.column_dimensions["A"].width = 24
    sheet_about.column_dimensions["B"].width = 80
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_value(column: str, text: str):
    """Numbers as numbers (so the sheet can sum them); text is neutralised by `xlsx_append`."""
    if column in NUMERIC and text != "":
        value = Decimal(text)
        return int(value) if value == value.to_integral_value() and "." not in text else value
    return text
