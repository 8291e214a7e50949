"""The quarterly report as a Word document (python-docx), for the team to edit further.

Real structure, not a picture of the page: Title and Heading 1–3 styles (so Word's navigation
pane and table of contents work), a table of contents field Word fills in when the file is
opened, tables with header rows, bullet lists, the charts as PNG images with their description
as alternative text (python-docx cannot embed SVG; reports.charts paints the same drawing with
Pillow), "Page N of M" in the footer, the running header, and the wide appendix in a landscape
section. Everything comes from the snapshot, like the PDF.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor

from reports import charts, rendering
from reports import wording as w

NAVY = RGBColor(0x0B, 0x2E, 0x59)
GREY = RGBColor(0x49, 0x50, 0x57)


# --------------------------------------------------------------------------------------------
# Small building blocks
# --------------------------------------------------------------------------------------------


def _field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES, TOC ...) that Word computes."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = instruction
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    placeholder = OxmlElement("w:t")
    placeholder.text = "1" if instruction.strip() in ("PAGE", "NUMPAGES") else "Right-click and choose Update field."
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, text, separate, placeholder, end):
        run._r.append(element)


def _update_fields_on_open(document) -> None:
    settings = document.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _table(document, caption: str, header: list[str], rows: list[list[str]], numeric_from: int = 1, widths=None):
    """A captioned table with a repeated header row; numbers right-aligned."""
    title = document.add_paragraph(style="Caption")
    title.add_run(caption).bold = True
    title.paragraph_format.keep_with_next = True
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    for index, text in enumerate(header):
        cell = table.rows[0].cells[index]
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        if index >= numeric_from:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _repeat_header(table.rows[0])
    for values in rows:
        cells = table.add_row().cells
        for index, text in enumerate(values):
            cells[index].text = text
            if index >= numeric_from:
                cells[index].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.space_after = Pt(0)
                for run in paragraph.runs:
                    run.font.size = Pt(8.5)
    if widths:
        for row in table.rows:
            for index, width in enumerate(widths):
                row.cells[index].width = width
    document.add_paragraph().paragraph_format.space_after = Pt(2)
    return table


def _chart(document, spec: dict, width: float = 6.2) -> None:
    document.add_picture(io.BytesIO(charts.to_png(spec)), width=Inches(width))
    picture = document.paragraphs[-1]
    picture.paragraph_format.keep_with_next = False
    inline = document.inline_shapes[-1]._inline
    inline.docPr.set("descr", f"{spec['title']}. {spec.get('description', '')}")
    inline.docPr.set("title", spec["title"])


def _bullets(document, lines: list[str]) -> None:
    for line in lines:
        document.add_paragraph(line, style="List Bullet")


def _paragraphs(document, text: str) -> None:
    for part in (text or "").split("\n\n"):
        if part.strip():
            document.add_paragraph(part.strip())


def _date(value: str | None) -> str:
    if not value:
        return ""
    day = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    return f"{day:%B} {day.day}, {day.year}"


def _cell(cell: dict | None, unit: str) -> str:
    if cell is None:
        return "no result"
    if cell.get("value") in (None, ""):
        return "no entries"
    return w.bare(cell["value"], unit)


def _meets(cell: dict | None) -> str:
    if not cell or cell.get("value") in (None, ""):
        return ""
    return {True: "met", False: "not met"}.get(cell.get("meets"), "")


def _has_values(metric: dict) -> bool:
    return any(c and c.get("value") not in (None, "") for c in [*metric["months"].values(), metric.get("quarter")])


# --------------------------------------------------------------------------------------------
# The document
# --------------------------------------------------------------------------------------------


def to_docx(snapshot: dict[str, Any]) -> bytes:
    report, context, texts = snapshot["report"], snapshot["context"], snapshot["texts"]
    document = Document()
    _styles(document)
    section = document.sections[0]
    section.page_width, section.page_height = Inches(8.5), Inches(11)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Inches(0.75))
    section.top_margin, section.bottom_margin = Inches(0.8), Inches(0.8)
    _header_footer(section, snapshot)
    document.core_properties.title = f"{context['title']}, {context['quarter_label']}"
    document.core_properties.subject = context["scope_label"]
    document.core_properties.author = "Children's Division, Research and Evaluation Team"

    _title_page(document, snapshot)
    document.add_heading("Contents", level=1)
    _field(document.add_paragraph(), 'TOC \\o "1-2" \\h \\z \\u')
    _update_fields_on_open(document)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    document.add_heading("Introduction", level=1)
    _paragraphs(document, texts.get("introduction", ""))
    document.add_heading("Successes and challenges", level=1)
    document.add_heading("Successes", level=2)
    _bullets(document, texts.get("successes") or ["None recorded for this quarter."])
    document.add_heading("Challenges", level=2)
    _bullets(document, texts.get("challenges") or ["None recorded for this quarter."])
    _about(document, snapshot)

    domain = None
    for measure in report["measures"]:
        if measure["domain"] != domain:
            domain = measure["domain"]
            document.add_heading(domain, level=1)
        _measure(document, snapshot, measure)

    document.add_heading("Additional data applicable to all domains", level=1)
    _paragraphs(document, texts.get("additional_data") or "None this period.")
    document.add_heading("Conclusion", level=1)
    _paragraphs(document, texts.get("conclusion", ""))
    closing = document.add_paragraph()
    closing.add_run("Next reporting period: ").bold = True
    closing.add_run(f"{context['next_label']}. ")
    closing.add_run("Publication due by: ").bold = True
    closing.add_run(f"{_date(texts.get('next_due'))}.")
    _appendix(document, snapshot)

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _styles(document) -> None:
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    for name, size in (("Heading 1", 16), ("Heading 2", 13), ("Heading 3", 11)):
        style = document.styles[name]
        style.font.size = Pt(size)
        style.font.color.rgb = NAVY
        style.paragraph_format.keep_with_next = True


def _header_footer(section, snapshot: dict) -> None:
    context = snapshot["context"]
    scope = "Statewide" if snapshot["report"]["scope"] == "all" else snapshot["report"]["scope"]
    header = section.header.paragraphs[0]
    header.text = f"{rendering.SHORT_TITLE} · {context['quarter_label']} · {scope}\t\t{rendering.issued_line(snapshot)}"
    for run in header.runs:
        run.font.size = Pt(8)
        run.font.color.rgb = GREY
    footer = section.footer.paragraphs[0]
    footer.text = ""
    left = footer.add_run(f"{rendering.edition_line(snapshot)}\t\tPage ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")
    for run in footer.runs:
        run.font.size = Pt(8)
    left.font.color.rgb = GREY


def _title_page(document, snapshot: dict) -> None:
    report, context = snapshot["report"], snapshot["context"]
    law = document.add_paragraph(context["law"].upper())
    law.paragraph_format.space_before = Pt(96)
    document.add_paragraph(context["title"], style="Title")
    quarter = document.add_paragraph()
    run = quarter.add_run(context["quarter_label"])
    run.font.size, run.font.color.rgb = Pt(18), NAVY
    document.add_paragraph(context["scope_label"]).runs[0].font.size = Pt(13)
    rows = []
    if report["status"] == "published":
        rows += [("Version", str(report["version"])), ("Published", _date(context.get("published_at")))]
        if context.get("version_reason"):
            rows.append(("Why this version", context["version_reason"]))
    else:
        status = "In review" if report["status"] == "in_review" else "Draft"
        rows += [
            ("Status", f"{status}, version {report['version']}: not for distribution"),
            ("Figures as of", _date(report["generated_at"])),
        ]
    rows.append(
        ("Reporting period", f"{w.month_label(context['months'][0])} to {w.month_label(context['months'][-1])}")
    )
    table = document.add_table(rows=0, cols=2)
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
        cells[0].paragraphs[0].runs[0].bold = True
        cells[0].width, cells[1].width = Inches(1.8), Inches(4.6)
    issuer = document.add_paragraph(
        "Missouri Department of Social Services · Children's Division · Research and Evaluation Team"
    )
    issuer.paragraph_format.space_before = Pt(72)
    issuer.runs[0].font.color.rgb = GREY
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _about(document, snapshot: dict) -> None:
    context = snapshot["context"]
    document.add_heading("About the data", level=1)
    document.add_paragraph("Each measure is looked at from three sources, in the same order every quarter.")
    as_of = f" as of {_date(context['extract_as_of'])}" if context.get("extract_as_of") else ""
    pooled = (
        "; statewide figures add up the agencies' shown groups only" if snapshot["report"]["scope"] == "all" else ""
    )
    _bullets(
        document,
        [
            f"Dashboard data come from the monthly administrative extract{as_of}, computed the same way for the state, "
            "each agency, circuit and county. A value is marked met when it is at or better than the goal. Counts "
            "under 10 are small: one child more or less moves a rate a lot.",
            f"Case reviews use the federal Onsite Review Instrument. {context['reviews_counted']} review(s) approved by "
            "quality assurance, with a period under review ending in the quarter, are counted.",
            "Stakeholder feedback comes from the standardized surveys submitted in the quarter. Percent favourable "
            f"counts the favourable answers among those who answered. A group with fewer than {context['min_cell']} "
            f"responses is not shown, and no total is given from which it could be worked out{pooled}.",
        ],
    )


def _measure(document, snapshot: dict, measure: dict) -> None:
    context, texts = snapshot["context"], snapshot["texts"]
    scope = snapshot["report"]["scope"]
    document.add_heading(measure["title"], level=2)
    requirement = document.add_paragraph()
    requirement.add_run("What the regulation asks: ").bold = True
    requirement.add_run(measure["requirement"])

    document.add_heading("Definition", level=3)
    for metric in measure["metrics"]:
        p = document.add_paragraph()
        p.add_run(f"{metric['title']}. ").bold = True
        p.add_run(metric["definition"] or "Planned in the metrics specification; not computed yet.")
        goal = w.goal_text(metric.get("comparator", ""), metric.get("goal"), metric["unit"]) or "no goal set yet"
        direction = {"HIGHER": "higher is better", "LOWER": "lower is better"}.get(metric.get("direction", ""), "")
        facts = [f"Goal: {goal}{'; ' + direction if direction else ''}."]
        if metric.get("includes"):
            facts.append(f"Includes: {metric['includes']}")
        if metric.get("excludes"):
            facts.append(f"Excludes: {metric['excludes']}")
        _bullets(document, facts)

    document.add_heading("Dashboard data", level=3)
    specs = snapshot["charts"].get(measure["code"], [])
    for index, metric in enumerate(measure["metrics"]):
        if not metric.get("computed", True):
            document.add_paragraph(f"{metric['title']}: not computed by the dashboard yet.")
            continue
        if not _has_values(metric):
            document.add_paragraph(f"{metric['title']}: no figures for {context['quarter_label']}.")
            continue
        _metric_table(document, context, metric, scope)
        if index == 0:
            for spec in specs:
                if spec.get("part") == "metric":
                    _chart(document, spec)
        _agency_table(document, context, metric)

    document.add_heading("Case reviews", level=3)
    reviews = measure["reviews"]
    if reviews["items"] or reviews["outcomes"]:
        for item in reviews["items"]:
            p = document.add_paragraph()
            p.add_run(f"Item {item['item']}, {item['title']}: ").bold = True
            p.add_run(item["purpose"])
        rows = [
            [
                f"Item {i['item']}: {i['title']}",
                str(i["strength"]),
                str(i["applicable"]),
                w.pct(i["percent_strength"]) or "—",
            ]
            for i in reviews["items"]
        ]
        rows += [
            [
                f"Outcome {o['outcome']}: {o['title']}",
                str(o["substantially_achieved"]),
                str(o["applicable"]),
                w.pct(o["percent"]) or "—",
            ]
            for o in reviews["outcomes"]
        ]
        rows += [
            [p["label"], str(p["sufficient"]), str(p["applicable"]), w.pct(p["percent"]) or "—"]
            for p in reviews["people"]
        ]
        _table(
            document,
            f"Case reviews approved for {context['quarter_label']}",
            ["Item or outcome", "Strength / substantially achieved", "Applicable cases", "Percent"],
            rows,
            widths=[Inches(3.4), Inches(1.2), Inches(1.0), Inches(0.9)],
        )
        for spec in specs:
            if spec.get("part") == "reviews":
                _chart(document, spec)
    else:
        document.add_paragraph("No case-review item of the OSRI measures this directly.")

    document.add_heading("Stakeholder feedback", level=3)
    surveys = measure["surveys"]
    if surveys["results"]:
        rows = []
        for v in surveys["results"]:
            if v["suppressed"]:
                rows.append(
                    [v["text"], v["group_label"], "", "", f"not shown: fewer than {context['min_cell']} responses"]
                )
            else:
                rows.append(
                    [v["text"], v["group_label"], w.count(v["favourable"]), w.count(v["n"]), w.pct(v["percent"]) or "—"]
                )
        _table(
            document,
            f"Survey answers submitted in {context['quarter_label']}",
            ["Question", "Respondents", "Favourable", "Answered (n)", "Percent"],
            rows,
            numeric_from=2,
            widths=[Inches(2.6), Inches(1.5), Inches(0.8), Inches(0.8), Inches(1.0)],
        )
        for spec in specs:
            if spec.get("part") == "surveys":
                _chart(document, spec)
    else:
        document.add_paragraph(
            "No survey data is available for this measure this period."
            if surveys["tagged"]
            else "No stakeholder survey question is linked to this measure."
        )

    document.add_heading("Data analysis", level=3)
    _bullets(document, [s["text"] for s in measure["analysis"]])
    document.add_heading("Commentary", level=3)
    note = (texts.get("commentary") or {}).get(measure["code"], "")
    _paragraphs(document, note or "No commentary for this quarter.")


def _metric_table(document, context: dict, metric: dict, scope: str) -> None:
    unit = metric["unit"]
    suffix = w.unit_suffix(unit).strip()
    header = ["Period", "Value", "Numerator", "Denominator", "Goal"]
    if metric.get("statewide"):
        header.append("Statewide")
    if metric.get("circuits_meeting"):
        header.append("Circuits meeting the goal")
    rows = []
    for period in context["months"]:
        cell = metric["months"].get(period)
        row = [
            w.month_label(period),
            _cell(cell, unit),
            w.count((cell or {}).get("numerator")),
            w.count((cell or {}).get("denominator")),
            _meets(cell),
        ]
        if metric.get("statewide"):
            row.append(_cell(metric["statewide"]["months"].get(period), unit))
        if metric.get("circuits_meeting"):
            of = (metric.get("circuits_with_result") or {}).get(period)
            row.append(f"{metric['circuits_meeting'].get(period, '')}{f' of {of}' if of else ''}")
        rows.append(row)
    quarter = metric.get("quarter")
    row = [
        "Quarter",
        _cell(quarter, unit),
        w.count((quarter or {}).get("numerator")),
        w.count((quarter or {}).get("denominator")),
        _meets(quarter),
    ]
    if metric.get("statewide"):
        row.append(_cell(metric["statewide"].get("quarter"), unit))
    if metric.get("circuits_meeting"):
        every = metric.get("circuits_meeting_every_month")
        row.append(f"{every} in all three months" if every is not None else "")
    rows.append(row)
    if previous := metric.get("previous_quarter"):
        row = [
            context["previous_label"],
            _cell(previous, unit),
            w.count(previous.get("numerator")),
            w.count(previous.get("denominator")),
            _meets(previous),
        ]
        row += [""] * (len(header) - len(row))
        rows.append(row)
    who = "statewide" if scope == "all" else w.agency_name(scope)
    _table(document, f"{metric['title']}, {who}{f' ({suffix})' if suffix else ''}", header, rows)


def _agency_table(document, context: dict, metric: dict) -> None:
    agencies = metric.get("agencies") or {}
    if not any(
        c and c.get("value") not in (None, "")
        for row in agencies.values()
        for c in [*row["months"].values(), row.get("quarter")]
    ):
        return
    unit = metric["unit"]
    suffix = w.unit_suffix(unit).strip()
    header = ["Agency", *[w.month_label(p) for p in context["months"]], "Quarter"]
    has_goal = metric.get("goal") not in (None, "")
    if has_goal:
        header.append("Months met")
    rows = []
    for code, row in agencies.items():
        cells = [row["months"].get(p) for p in context["months"]]
        line = [w.agency_name(code), *[_cell(c, unit) for c in cells], _cell(row.get("quarter"), unit)]
        if has_goal:
            with_result = [c for c in cells if c and c.get("value") not in (None, "")]
            met = sum(1 for c in with_result if c.get("meets") is True)
            line.append(f"{met} of {len(with_result)}" if with_result else "")
        rows.append(line)
    _table(document, f"{metric['title']} by agency{f' ({suffix})' if suffix else ''}", header, rows)


def _appendix(document, snapshot: dict) -> None:
    report, context = snapshot["report"], snapshot["context"]
    statewide = report["scope"] == "all"
    if statewide:
        section = document.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Inches(11), Inches(8.5)
        section.left_margin = section.right_margin = Inches(0.5)
    document.add_heading("Appendix: every measure at a glance", level=1)
    if statewide:
        codes = [a["code"] for a in context["agencies"]]
        header = ["Measure (headline metric)", "Goal", "State", *codes]
        rows = []
        for measure in report["measures"]:
            metric = measure["metrics"][0]
            unit = metric["unit"]
            suffix = w.unit_suffix(unit).strip()
            row = [
                measure["title"] + (f" ({suffix})" if suffix else ""),
                w.goal_text(metric.get("comparator", ""), metric.get("goal"), unit) or "no goal set yet",
                _appendix_cell(metric.get("quarter"), unit),
            ]
            row += [
                _appendix_cell(((metric.get("agencies") or {}).get(code) or {}).get("quarter"), unit) for code in codes
            ]
            rows.append(row)
        _table(
            document,
            f"Headline metrics for {context['quarter_label']}, by agency (✓ meets the goal)",
            header,
            rows,
            numeric_from=2,
        )
    else:
        header = [
            "Measure (headline metric)",
            *[w.month_label(p) for p in context["months"]],
            "Quarter",
            "Statewide",
            "Goal",
        ]
        rows = []
        for measure in report["measures"]:
            metric = measure["metrics"][0]
            unit = metric["unit"]
            row = [measure["title"], *[_appendix_cell(metric["months"].get(p), unit) for p in context["months"]]]
            row += [
                _appendix_cell(metric.get("quarter"), unit),
                _appendix_cell((metric.get("statewide") or {}).get("quarter"), unit),
                w.goal_text(metric.get("comparator", ""), metric.get("goal"), unit) or "no goal set yet",
            ]
            rows.append(row)
        _table(document, f"Headline metrics for {context['quarter_label']} (✓ meets the goal)", header, rows)


def _appendix_cell(cell: dict | None, unit: str) -> str:
    if not cell or cell.get("value") in (None, ""):
        return ""
    return w.bare(cell["value"], unit) + (" ✓" if cell.get("meets") else "")
