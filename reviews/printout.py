"""One review as a printable document: the instrument with the answers, ratings, reasons,
narratives, rationales and QA notes, as OMS's completed-case report (spec osri.md 5.5).

`printout(review)` builds what the template `reviews/print.html` loops over; `to_html` renders the
standalone document (print styles inline), `to_pdf` turns it into one PDF with WeasyPrint.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from reviews import entry, workflow
from reviews.completeness import what_is_missing
from reviews.forms import label
from reviews.instrument import get_instrument
from reviews.instrument.labels import column_label
from reviews.instrument.questions import Kind
from reviews.models import Review
from reviews.scoring import score_review

# Statuses in which the printout is the review's final record; before that it says "draft".
FINAL = (Review.Status.APPROVED, Review.Status.SECOND_LEVEL_QA, Review.Status.FINALIZED)


def show(value: Any) -> str:
    """An answer in words: codes as labels, lists joined, nothing as a dash."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(label(str(v)) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{label(str(k))}: {show(v)}" for k, v in value.items())
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return label(str(value))


@dataclass
class PrintedAnswer:
    who: str  # "" for the case, else the person ("Father f2 (birth father)")
    text: str
    rows: list[list[str]] = field(default_factory=list)  # a table's rows, cells in words


@dataclass
class PrintedQuestion:
    code: str
    text: str
    answers: list[PrintedAnswer]
    locked: str
    narrative: str
    notes: list


@dataclass
class PrintedItem:
    key: str
    title: str
    na_reason: str
    ratings: list
    rationale: str
    questions: list[PrintedQuestion]
    columns: dict[str, list[str]]  # table question code -> column headings
    notes: list


def _who(person) -> str:
    if person is None:
        return ""
    text = f"{person.get_role_display()} {person.key}"
    if person.label:
        text += f" ({person.label})"
    return text


def _items(review: Review, scoring, missing) -> list[PrintedItem]:
    items = []
    for key in entry.PAGE_KEYS:
        page = entry.item_page(review, key, False, scoring, missing=missing)
        questions, columns = [], {}
        for block in page.blocks:
            answers = []
            for f in block.fields:
                if block.question.kind is Kind.TABLE:
                    columns[block.question.code] = [column_label(c.name) for c in block.question.columns]
                    rows = [[show(row.get(c.name)) for c in block.question.columns] for row in f.value or []]
                    answers.append(PrintedAnswer(_who(f.person), "" if rows else "no rows", rows))
                else:
                    value = f.value if f.value is not None else f.derived
                    answers.append(PrintedAnswer(_who(f.person), show(value)))
            narrative = block.fields[0].narrative if block.fields else ""
            questions.append(
                PrintedQuestion(block.question.code, block.question.text, answers, block.locked, narrative, block.notes)
            )
        items.append(
            PrintedItem(
                key, page.title, page.na_reason, page.ratings, page.rationale, questions, columns, page.item_notes
            )
        )
    return items


def printout(review: Review) -> dict[str, Any]:
    """Everything the printed review shows, in instrument order."""
    instrument = get_instrument(review.instrument_version)
    scoring = score_review(review)
    missing = what_is_missing(review, scoring)
    face_sheet = [(spec.code, spec.label, show(review.face_sheet.get(spec.code))) for spec in instrument.face_sheet]
    return {
        "review": review,
        "instrument": instrument,
        "final": review.status in FINAL,
        "printed_at": timezone.localtime(),
        "reviewers": ", ".join(u.get_full_name() or u.username for u in review.reviewers.all()),
        "qa_names": workflow.qa_names(review),
        "face_sheet": face_sheet,
        "participants": list(review.participants.all()),
        "outcomes": list(review.outcome_ratings.select_related("override_by")),
        "items": _items(review, scoring, missing),
        "missing": missing,
        "notes": list(review.qa_notes.select_related("author", "replied_by", "resolved_by")),
        "changes": list(review.status_changes.select_related("user")),
    }


def to_html(review: Review, for_print: bool = True) -> str:
    """The standalone document; `for_print` leaves out the screen's Print button."""
    return render_to_string("reviews/print.html", {**printout(review), "for_print": for_print})


def to_pdf(review: Review) -> bytes:
    from weasyprint import HTML

    return HTML(string=to_html(review)).write_pdf()
