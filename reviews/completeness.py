"""What is still missing before a review can be submitted: the one answer to that question.

`what_is_missing(review)` lists every unanswered required question, table that lacks rows, "No"
narrative, rating rationale, answer flagged for a re-check, open QA note without a reply, and
required Face Sheet field. The "What is missing" box, the sidebar's per-item counts, the item
tabs and Submit all read this one list, so they cannot disagree: a review can be submitted
exactly when the list is empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reviews.instrument import INCOMPLETE, Scoring, get_instrument
from reviews.instrument.questions import NO, YES
from reviews.instrument.round4 import missing_rationales
from reviews.models import Review
from reviews.scoring import StoredRows, raw_answers, score_review

# Item pages: 1-18; item 12's page carries its sub-items 12A, 12B and 12C.
PAGE_KEYS = tuple(str(n) for n in range(1, 19))
# Kinds of missing entries, in the order the navigator and Submit list them.
KINDS = ("face_sheet", "answer", "rows", "recheck", "incomplete", "narrative", "rationale", "note")


@dataclass(frozen=True)
class Missing:
    code: str  # question code, item key or Face Sheet code
    kind: str  # one of KINDS
    page: str  # the item page ("1".."18"), "face_sheet" or "detail"
    text: str  # a sentence a reviewer understands
    anchor: str = ""  # where on the page: q-<code>, rationale, ...


def item_number(item_key: str) -> str:
    return "".join(ch for ch in item_key if ch.isdigit())


def _rows(value: Any) -> int:
    return len(value) if isinstance(value, list) else 0


def missing_rows(scoring: Scoring) -> list[tuple[str, str]]:
    """Tables whose number of rows does not yet match what the other answers say.

    1A1: one row per accepted report, so at least one once 1APP = YES. 4A1: one row per placement
    counted in 4A (more rows than 4A is refused when saved). 5B1: every goal in effect during the
    period, so at least as many rows as 5A1 names goals (and one) once item 5 applies.
    """
    answers = scoring.answers
    result = []
    if answers.get("1APP") == YES and _rows(answers.get("1A1")) == 0:
        result.append(("1A1", "1A1 has no report yet: list each accepted report received during the period."))
    if answers.foster_care:
        count = answers.get("4A")
        rows = _rows(answers.get("4A1"))
        if isinstance(count, int) and not isinstance(count, bool) and rows < count:
            result.append(("4A1", f"4A1 lists {rows} of the {count} placement(s) counted in 4A: add the others."))
        if answers.get("5APP") != NO:
            goals = answers.get("5A1")
            needed = max(1, len(goals) if isinstance(goals, list) else 0)
            rows = _rows(answers.get("5B1"))
            if rows < needed:
                result.append(
                    (
                        "5B1",
                        f"5B1 lists {rows} goal(s): list every goal in effect during the period ({needed} at least).",
                    )
                )
    return result


def what_is_missing(review: Review, scoring: Scoring | None = None, rows: StoredRows | None = None) -> list[Missing]:
    """Everything that keeps the review from being submitted, in instrument order per kind.

    `rows` (the review's rows read once for the request) saves reading answers and notes again."""
    instrument = get_instrument(review.instrument_version)
    scoring = scoring or score_review(review, rows)
    _, narratives = rows.raw() if rows is not None else raw_answers(review)
    result: list[Missing] = []

    if not review.pur_start and not review.face_sheet.get("C_start"):
        result.append(
            Missing("C", "face_sheet", "face_sheet", "Face Sheet C: the first day of the period under review.")
        )

    for code in instrument.missing_questions(scoring.answers):
        question = instrument.question(code)
        result.append(Missing(code, "answer", item_number(question.item), question.text, f"q-{code}"))

    for code, text in missing_rows(scoring):
        result.append(Missing(code, "rows", item_number(instrument.question(code).item), text, f"q-{code}"))

    flagged = [
        a
        for a in (rows.flagged() if rows is not None else review.answers.filter(needs_review=True).order_by("id"))
        if a.question_code in instrument.questions
    ]
    seen = set()
    for answer in sorted(flagged, key=lambda a: instrument.questions.order(a.question_code)):
        if answer.question_code in seen:
            continue
        seen.add(answer.question_code)
        question = instrument.question(answer.question_code)
        text = f"Check {answer.question_code}: {answer.needs_review_reason or 'an answer it depends on changed'}."
        result.append(Missing(answer.question_code, "recheck", item_number(question.item), text, f"q-{question.code}"))

    # An item the rules leave Incomplete with nothing listed above still blocks: say so, with its reasons.
    listed = {m.page for m in result}
    for key, value in scoring.items.items():
        page = item_number(key)
        if value == INCOMPLETE and page not in listed and key != "12":
            reasons = "; ".join(scoring.calculated[key].reasons) or "a required answer is missing"
            result.append(Missing(key, "incomplete", page, f"Item {key} is incomplete: {reasons}.", "rationale"))
            listed.add(page)

    for code in instrument.missing_narratives(scoring.answers, narratives):
        question = instrument.question(code)
        text = f"A “No” narrative explaining the concern in {code}."
        result.append(Missing(code, "narrative", item_number(question.item), text, f"q-{code}"))

    for key in missing_rationales(scoring, narratives):
        result.append(Missing(key, "rationale", key, f"The rating rationale for item {key}.", "rationale"))

    # The "unresolved comments" navigator of spec §5.3: open QA notes still waiting for a reply.
    if rows is not None:
        open_notes = [n for n in rows.notes if not n.resolved and n.reply == ""]  # in (created, id) order
    else:
        open_notes = review.qa_notes.filter(resolved=False, reply="").order_by("created_at", "id")
    for note in open_notes:
        code = note.question_code
        if code in instrument.questions:
            page, anchor = item_number(instrument.question(code).item), f"q-{code}"
        elif item_number(code) in PAGE_KEYS:
            page, anchor = item_number(code), "rationale"
        else:
            page, anchor = "detail", f"note-{note.pk}"
        result.append(Missing(code, "note", page, f"QA note: {note.text}", anchor))
    return result


def missing_by_page(missing: list[Missing]) -> dict[str, int]:
    """How many entries each item page (and the Face Sheet) still has."""
    counts: dict[str, int] = {}
    for m in missing:
        counts[m.page] = counts.get(m.page, 0) + 1
    return counts


def _codes(entries: list[Missing]) -> str:
    return ", ".join(m.code for m in entries)


def submission_messages(missing: list[Missing]) -> list[str]:
    """The missing entries grouped into a few sentences for the Submit refusal."""
    by_kind: dict[str, list[Missing]] = {}
    for m in missing:
        by_kind.setdefault(m.kind, []).append(m)
    messages = []
    if entries := by_kind.get("face_sheet"):
        messages += [m.text for m in entries]
    if entries := by_kind.get("answer"):
        messages.append(f"Answer {len(entries)} question(s) still unanswered: {_codes(entries)}.")
    if entries := by_kind.get("rows"):
        messages += [m.text for m in entries]
    if entries := by_kind.get("recheck"):
        messages.append(
            f"Check the answer(s) to {_codes(entries)}: a participant they were about was removed "
            "(answer again, or keep the answer as it is)."
        )
    if entries := by_kind.get("incomplete"):
        messages += [m.text for m in entries]
    if entries := by_kind.get("narrative"):
        messages.append(f"Write the “No” narrative for {_codes(entries)} (answered with a concern).")
    if entries := by_kind.get("rationale"):
        messages.append(f"Write the rating rationale for item(s) {_codes(entries)}.")
    if entries := by_kind.get("note"):
        messages.append(f"Reply to the open QA note(s) on {_codes(entries)}.")
    return messages
