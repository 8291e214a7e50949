"""What the review-entry pages show, built from the instrument and the stored answers.

Views call `item_page`, `sidebar` and `navigator`; the templates only loop. Which questions are
locked (and why) follows the instrument: case type, the item's applicability gate, and answers
the instrument derives from other answers ("1B = NA because 1A = YES").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from reviews import completeness
from reviews.forms import AnswerForm, initial_for, prefix_for, table_rows
from reviews.instrument import Instrument, Scoring, get_instrument
from reviews.instrument.answers import GATED_ITEMS
from reviews.instrument.questions import NO, SLOT_ROLES, Kind, Question
from reviews.models import Answer, ItemRating, Participant, Review
from reviews.scoring import StoredRows, raw_answers, score_review

CASE_TYPE_WORDS = {"FOSTER_CARE": "foster care", "IN_HOME": "in-home", "IN_HOME_DR_AR": "in-home"}
FOSTER_CARE_ONLY_ITEMS = {"4", "5", "6", "7", "8", "9", "10", "11"}
# Item pages: 1-18; item 12's page carries its sub-items 12A, 12B and 12C.
PAGE_KEYS = tuple(str(n) for n in range(1, 19))


def item_number(item_key: str) -> str:
    return "".join(ch for ch in item_key if ch.isdigit())


@dataclass
class Field:
    """One question for one person (or for the case) on an item page."""

    question: Question
    person: Participant | None
    value: Any
    form: AnswerForm | None
    prefix: str
    locked: str = ""  # why the field cannot be answered here
    derived: Any = None  # the value the instrument filled in
    error: str = ""
    typed: Any = None  # a rejected value, shown back as typed
    narrative: str = ""
    show_narrative: bool = False
    table: list = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"q-{self.question.code}"


@dataclass
class QuestionBlock:
    question: Question
    fields: list[Field]
    notes: list = field(default_factory=list)
    locked: str = ""
    recheck: str = ""  # why the stored answer needs a check (a participant was removed)


@dataclass
class ItemPage:
    key: str
    title: str
    na_reason: str
    blocks: list[QuestionBlock]
    ratings: list[ItemRating]
    rationale: str
    rationale_needed: bool
    item_notes: list = field(default_factory=list)


def holders(question: Question, people: list[Participant]) -> list[Participant]:
    """The persons a per-participant question is asked about (spec §1.8)."""
    if question.slot is None:
        return []
    return [p for p in people if p.role in SLOT_ROLES[question.slot] and not (question.slot == "SIBLING" and p.target)]


def page_questions(instrument: Instrument, key: str) -> list[Question]:
    keys = {key, f"{key}A", f"{key}B", f"{key}C"} if key == "12" else {key}
    return [q for q in instrument.questions.questions if q.item in keys]


def item_na_reason(review: Review, key: str) -> str:
    if key in FOSTER_CARE_ONLY_ITEMS and review.case.case_type != "FOSTER_CARE":
        return f"NA because the case is {CASE_TYPE_WORDS[review.case.case_type]}: item {key} is asked only in foster care cases."
    return ""


def question_lock(question: Question, review: Review, scoring: Scoring, raw: dict[str, Any]) -> str:
    case_type = review.case.case_type
    if case_type not in question.case_types:
        return f"Not asked in {CASE_TYPE_WORDS[case_type]} cases."
    number = item_number(question.item)
    gate = f"{number}APP"
    if not question.is_gate and number in GATED_ITEMS and scoring.answers.get(gate) == NO and question.code not in raw:
        return f"Not asked because {gate} = No (the item is NA)."
    derived = scoring.answers.derived.get(question.code)
    if derived and question.code not in raw:
        return f"Set by the instrument because {derived}."
    # Why a parent is NA (12B, 13, 15) is asked only once that parent's answer is NA.
    if question.code not in raw and (
        why := get_instrument(review.instrument_version).not_asked(question, scoring.answers)
    ):
        return why
    return ""


def item_page(
    review: Review,
    key: str,
    editable: bool,
    scoring: Scoring | None = None,
    typed: dict[str, tuple[Any, str]] | None = None,
    missing: list[completeness.Missing] | None = None,
    rows: StoredRows | None = None,
) -> ItemPage:
    """The questions of one item page with their state; `typed` carries rejected input by prefix.

    `rows` (the review's rows read once for the request, as scored) saves reading them again."""
    instrument = get_instrument(review.instrument_version)
    scoring = scoring or score_review(review, rows)
    if rows is not None:
        raw, narratives = rows.raw()
        people = list(rows.participants)
        notes = rows.notes
        flagged = [(a.question_code, a.needs_review_reason) for a in rows.flagged()]
    else:
        raw, narratives = raw_answers(review)
        people = list(review.participants.all())
        notes = review.qa_notes.select_related("author", "replied_by").all()
        flagged = review.answers.filter(needs_review=True).values_list("question_code", "needs_review_reason")
    notes_by_code: dict[str, list] = {}
    for note in notes:
        notes_by_code.setdefault(note.question_code, []).append(note)
    typed = typed or {}
    if missing is None:
        missing = completeness.what_is_missing(review, scoring, rows)
    blocks = []
    recheck = dict(flagged)
    na_reason = item_na_reason(review, key)
    for question in [] if na_reason else page_questions(instrument, key):
        lock = question_lock(question, review, scoring, raw)
        stored = raw.get(question.code)
        persons: list[Participant | None] = holders(question, people) or [None]
        fields = []
        for person in persons:
            if person is None:
                value = stored if not isinstance(stored, dict) else None
            elif isinstance(stored, dict):
                value = stored.get(person.key)
            else:
                value = stored  # one answer for the role covers each person until they differ
            prefix = prefix_for(question.code, person.key if person else None)
            f = Field(question, person, value, None, prefix, locked=lock)
            if lock and question.code in scoring.answers.derived:
                f.derived = scoring.answers.values.get(question.code)
            if prefix in typed:
                f.typed, f.error = typed[prefix]
            if question.kind in (Kind.TABLE,):
                f.table = table_rows(question, f.typed if f.typed is not None else value)
            elif question.kind is not Kind.EXCEPTIONS:
                initial = initial_for(question, value)
                data = None
                if f.typed is not None:
                    data = _as_data(prefix, question, f.typed)
                f.form = AnswerForm(
                    question,
                    person.key if person else None,
                    data=data,
                    initial={"value": initial},
                    disabled=bool(lock) or not editable,
                )
                if data is not None and f.form.is_valid():
                    # The value is well-formed but broke an instrument rule: say which, next to the field.
                    f.form.add_error("value", f.error)
            fields.append(f)
        narrative = narratives.get(question.code, "")
        for f in fields:
            f.narrative = narrative
        if fields:
            concern_shown = question.concern is not None and any(
                f.value == question.concern or f.derived == question.concern for f in fields
            )
            # A refused answer may be waiting for its narrative (8A = YES after 8A1 = NEVER): offer the box.
            refused = any("narrative" in f.error for f in fields)
            fields[-1].show_narrative = concern_shown or bool(narrative) or refused
        blocks.append(
            QuestionBlock(question, fields, notes_by_code.get(question.code, []), lock, recheck.get(question.code, ""))
        )
    rating_keys = ["12", "12A", "12B", "12C"] if key == "12" else [key]
    stored_ratings = (
        [r for r in rows.item_ratings if r.item in rating_keys]
        if rows is not None
        else review.item_ratings.filter(item__in=rating_keys)
    )
    ratings = sorted(stored_ratings, key=lambda r: rating_keys.index(r.item))
    return ItemPage(
        key=key,
        title=instrument.item(key).title,
        na_reason=na_reason,
        blocks=blocks,
        ratings=ratings,
        rationale=narratives.get(key, ""),
        rationale_needed=any(m.kind == "rationale" and m.code == key for m in missing),
        item_notes=[n for k in rating_keys for n in notes_by_code.get(k, [])],
    )


def _as_data(prefix: str, question: Question, typed: Any) -> dict[str, Any]:
    """Rebuild POST-like data so a rejected value is shown exactly as typed."""
    from django.utils.datastructures import MultiValueDict

    values = typed if isinstance(typed, list) else [typed]
    return MultiValueDict({f"{prefix}-value": [str(v) for v in values]})


@dataclass
class SidebarItem:
    key: str
    title: str
    rating: str
    missing: int
    url: str
    sub: bool = False

    @property
    def status(self) -> str:
        """The item's state in words (never colour only): to do, ANI, NA or done."""
        if self.missing or self.rating == "INCOMPLETE":
            return "to do"
        return {"ANI": "ANI", "NA": "NA"}.get(self.rating, "done")

    @property
    def status_long(self) -> str:
        if self.missing:
            return f"incomplete, {self.missing} thing{'s' if self.missing != 1 else ''} missing"
        if self.rating == "INCOMPLETE":
            return "incomplete"
        return {"ANI": "complete, rated ANI", "NA": "complete, not applicable"}.get(self.rating, "complete")


@dataclass
class SidebarOutcome:
    key: str
    statement: str
    rating: str
    items: list[SidebarItem]


def sidebar(review: Review, scoring: Scoring | None = None, missing: list | None = None) -> list[SidebarOutcome]:
    """Every item's live rating and how much of its page is still missing, by outcome.

    The counts come from completeness.what_is_missing, the list Submit checks."""
    instrument = get_instrument(review.instrument_version)
    scoring = scoring or score_review(review)
    if missing is None:
        missing = completeness.what_is_missing(review, scoring)
    per_page = completeness.missing_by_page(missing)
    groups = []
    for outcome in instrument.outcomes:
        entries = []
        for key in outcome.items:
            url = reverse("reviews:item", args=[review.pk, key])
            entries.append(SidebarItem(key, instrument.item(key).title, scoring.items[key], per_page.get(key, 0), url))
            if key == "12":
                for sub in ("12A", "12B", "12C"):
                    entries.append(SidebarItem(sub, instrument.item(sub).title, scoring.items[sub], 0, url, sub=True))
        groups.append(SidebarOutcome(outcome.key, outcome.statement, scoring.outcomes[outcome.key], entries))
    return groups


@dataclass
class NavigatorEntry:
    code: str
    text: str
    kind: str  # completeness.KINDS
    url: str


def url_of(review: Review, entry: completeness.Missing) -> str:
    if entry.page == "face_sheet":
        return reverse("reviews:face_sheet", args=[review.pk])
    if entry.page == "detail":
        return reverse("reviews:review_detail", args=[review.pk]) + (f"#{entry.anchor}" if entry.anchor else "")
    return reverse("reviews:item", args=[review.pk, entry.page]) + (f"#{entry.anchor}" if entry.anchor else "")


def navigator(review: Review, scoring: Scoring | None = None, missing: list | None = None) -> list[NavigatorEntry]:
    """Everything completeness.what_is_missing lists, each with a link to where it is entered."""
    if missing is None:
        missing = completeness.what_is_missing(review, scoring)
    return [NavigatorEntry(m.code, m.text, m.kind, url_of(review, m)) for m in missing]


@dataclass
class AnswerChange:
    at: Any
    user: str
    code: str
    person: str
    old: Any
    new: Any
    old_narrative: str
    new_narrative: str


def answer_changes(review: Review) -> list[AnswerChange]:
    """Every answer change, newest first: who, when, old -> new (from django-simple-history).

    The page shows them 50 at a time with the true total (reviews.views.review_detail)."""
    rows = (
        Answer.history.filter(review_id=review.pk)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    people = dict(review.participants.values_list("pk", "key"))
    previous: dict[int, Any] = {}
    changes = []
    for row in rows:
        before = previous.get(row.id)
        old, old_narrative = (before.value, before.narrative) if before is not None else (None, "")
        new, new_narrative = (None, "") if row.history_type == "-" else (row.value, row.narrative)
        previous[row.id] = row
        if (old, old_narrative) == (new, new_narrative):
            continue
        changes.append(
            AnswerChange(
                row.history_date,
                row.history_user.username if row.history_user else "",
                row.question_code,
                people.get(row.participant_id, ""),
                old,
                new,
                old_narrative,
                new_narrative,
            )
        )
    changes.sort(key=lambda c: c.at, reverse=True)
    return changes
