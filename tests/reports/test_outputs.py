"""The report's files: the PDF read back with pypdf, the Word document with python-docx, the workbook.

The PDF checks are on the text WeasyPrint wrote: page count, "Page N of M" on every page, the
running header, no page holding only a heading, and landscape only for the wide appendix.
"""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from reports import charts, document, rendering
from reports.quarterly import Quarter, resolve_scope
from tests.reports import helpers as h

Q3 = Quarter(2023, 3)
HEADER = "HB 1414 Response and Evaluation Report · July–September 2023 · Statewide"


@pytest.fixture
def snapshot(q3, personas):
    # Birth parents in both agencies, 6 each: no small cell, so their statewide figure is shown
    # (q3's youth figures are all suppressed, statewide included).
    parents, visits = h.tagged_survey("parent", "cm_visits", ("worker_child_visits",))
    wave = h.make_wave(parents)
    for code in ("6ZA", "6ZB"):
        h.answers(wave, parents, visits, code, "2023-08-20", *["agree"] * 4, "disagree", "strongly_agree")
    user = personas.state_supervisor
    snap = document.build(user, Q3, resolve_scope(user, "all"))
    snap["texts"]["commentary"]["worker_child_visits"] = "August dipped after two caseworkers left."
    return snap


def body_lines(text: str) -> list[str]:
    """A page's lines without the running header and the footer."""
    return [
        line
        for line in text.splitlines()
        if line.strip() and not line.startswith(HEADER) and "Page " not in line and "not for distribution" not in line
    ]


def test_the_pdf_numbers_every_page_leaves_none_near_empty_and_turns_only_the_appendix(snapshot):
    reader = PdfReader(io.BytesIO(rendering.to_pdf(snapshot)))
    pages = [page.extract_text() for page in reader.pages]
    total = len(pages)
    assert total >= 8
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in text, number
        if number > 1:
            assert HEADER in text, number
        lines = body_lines(text)
        if number < total:
            # no near-empty page: at least a few lines of content besides a heading
            assert len(lines) >= 6, (number, lines)
            assert sum(len(line) for line in lines) >= 250, (number, lines)
    assert "Response and Evaluation Report for Case Management of Children in Foster Care" in " ".join(pages[0].split())
    assert "Contents" in pages[1]
    whole = "\n".join(pages)
    assert "August dipped after two caseworkers left." in whole
    assert "Statewide, the goal for worker/child visits (at least 95.0%) was met in July (96.7%)" in " ".join(
        whole.split()
    )
    assert not re.search(r"visit_frequency|PERCENT|worker_child_visits", whole)  # words, not codes
    # Letter portrait; landscape only for the wide appendix at the end
    sizes = [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages]
    landscape = [i for i, (w, h) in enumerate(sizes) if w > h]
    assert set(sizes) <= {(612, 792), (792, 612)}  # US Letter in points
    assert landscape and "Appendix" in pages[landscape[0]]
    assert landscape == list(range(landscape[0], len(sizes)))  # only the appendix pages at the end


def test_the_word_document_has_real_headings_tables_charts_and_page_numbers(snapshot):
    doc = Document(io.BytesIO(rendering.to_docx(snapshot)))
    headings = {(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")}
    for expected in [
        ("Heading 1", "Introduction"),
        ("Heading 1", "Successes and challenges"),
        ("Heading 1", "Safety"),
        ("Heading 2", "Worker/child visits"),
        ("Heading 3", "Data analysis"),
        ("Heading 3", "Commentary"),
        ("Heading 1", "Conclusion"),
    ]:
        assert expected in headings, expected
    assert any(p.style.name == "Title" for p in doc.paragraphs)
    assert len(doc.tables) > 10 and len(doc.inline_shapes) >= 1
    assert doc.inline_shapes[0]._inline.docPr.get("descr").startswith("Worker/child visits by agency")
    footer = doc.sections[0].footer._element.xml
    assert "PAGE" in footer and "NUMPAGES" in footer
    assert doc.sections[-1].page_width > doc.sections[-1].page_height  # the appendix section is landscape
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "August dipped after two caseworkers left." in text
    assert "TOC" in doc.element.body.xml  # the table of contents field


def test_the_workbook_has_every_figure_and_the_analysis_sentences(snapshot):
    book = load_workbook(io.BytesIO(rendering.to_xlsx(snapshot)))
    assert book.sheetnames == ["Quarterly 2023Q3", "Analysis", "About"]
    sentences = [row[2] for row in book["Analysis"].iter_rows(min_row=2, values_only=True)]
    assert any(s.startswith("Statewide, the goal for worker/child visits") for s in sentences)
    assert book["Quarterly 2023Q3"].max_row == len(snapshot["rows"]) + 1


def test_charts_are_drawn_the_same_in_svg_and_png_and_never_empty(snapshot):
    specs = snapshot["charts"]["worker_child_visits"]
    assert [s["part"] for s in specs] == ["metric", "reviews", "surveys"]
    svg = charts.to_svg(specs[0])
    assert svg.startswith("<svg") and "<script" not in svg and "Goal: at least 95.0%" in svg
    png = charts.to_png(specs[0])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    zero = {"months": dict.fromkeys(snapshot["context"]["months"], {"value": "0.0"}), "unit": "PERCENT", "title": "x"}
    assert charts.metric_chart(zero | {"goal": None, "statewide": None}, snapshot["context"] | {"scope": "6ZA"}) is None
