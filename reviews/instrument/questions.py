"""Answer vocabularies and the question model of the OSRI.

Pure data: no Django import. Each question has a stable code (the OSRI code, e.g. ``8A1``,
``15C2``, gates ``<item>APP``), a kind that says which values it accepts, help text in our own
words, the case types it is asked for, and — for items 8, 11, 12B, 13 and 15 — the participant
slot (mother, father, sibling) it is asked about.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass, field
from typing import Any

TAG_RE = re.compile(r"\s*\[[SRI]\]")

YES = "YES"
NO = "NO"
NA = "NA"

YN = (YES, NO)
YNNA = (YES, NO, NA)

# Case types (Face Sheet G). Both in-home values are scored identically (spec §1.2 [I]).
FOSTER_CARE = "FOSTER_CARE"
IN_HOME = "IN_HOME"
IN_HOME_DR_AR = "IN_HOME_DR_AR"
CASE_TYPES = (FOSTER_CARE, IN_HOME, IN_HOME_DR_AR)
FC_ONLY = frozenset({FOSTER_CARE})
ALL_CASES = frozenset(CASE_TYPES)
IH_ONLY = frozenset({IN_HOME, IN_HOME_DR_AR})

# 3E1 / 3F1 (Round 4): "no safety concerns existed"; it is not a concern and excludes the other boxes.
NO_CONCERNS = "NO_CONCERNS"
# Checklist options that cannot be combined with any other option.
EXCLUSIVE_OPTIONS = (NA, "NONE", NO_CONCERNS)

VISIT_PATTERN = (
    "MORE_THAN_WEEKLY",
    "WEEKLY",
    "TWICE_MONTHLY_PLUS",
    "MONTHLY_PLUS",
    "LESS_THAN_MONTHLY",
    "NEVER",
)
NEVER = "NEVER"

VISIT_PATTERN_LABELS = {
    "MORE_THAN_WEEKLY": "More than once a week",
    "WEEKLY": "Once a week",
    "TWICE_MONTHLY_PLUS": "Less than once a week, but at least twice a month",
    "MONTHLY_PLUS": "Less than twice a month, but at least once a month",
    "LESS_THAN_MONTHLY": "Less than once a month",
    "NEVER": "Never",
    NA: "Not applicable",
}


class Kind(enum.StrEnum):
    """What a question accepts."""

    GATE = "gate"  # applicability question, YES/NO
    YN = "yn"
    YNNA = "ynna"
    PATTERN = "pattern"  # VISIT_PATTERN or NA
    CHOICE = "choice"  # one of options
    MULTI = "multi"  # list of options (checklists); may be empty
    DATE = "date"  # ISO date, or one of options (e.g. NA)
    INTEGER = "integer"
    TABLE = "table"  # list of rows (dicts) with declared columns
    TEXT = "text"
    EXCEPTIONS = "exceptions"  # 5G1: three YES/NO flags, or NA for the block


class Slot(enum.StrEnum):
    """Whom a per-participant question is about (spec §1.8)."""

    MOTHER = "MOTHER"
    FATHER = "FATHER"
    SIBLING = "SIBLING"


class Aspect(enum.StrEnum):
    """What a per-participant question judges; reports count these per person."""

    FREQUENCY = "FREQUENCY"
    QUALITY = "QUALITY"
    RELATIONSHIP = "RELATIONSHIP"
    ASSESSMENT = "ASSESSMENT"
    SERVICES = "SERVICES"
    INVOLVEMENT = "INVOLVEMENT"


# Participant roles (Face Sheet F1 children and F2 case participants).
ROLES = ("CHILD", "SIBLING", "MOTHER", "FATHER", "FOSTER_PARENT", "CASEWORKER", "SUPERVISOR", "OTHER")
SLOT_ROLES: dict[Slot, frozenset[str]] = {
    Slot.MOTHER: frozenset({"MOTHER"}),
    Slot.FATHER: frozenset({"FATHER"}),
    # A sibling is any other child of the family (F1 row not flagged target) or a listed sibling.
    Slot.SIBLING: frozenset({"SIBLING", "CHILD"}),
}


@dataclass(frozen=True)
class Column:
    """One column of a table question (1A1 reports, 4A1 placements, 5B1 goals)."""

    name: str
    kind: Kind
    options: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True)
class Question:
    code: str
    item: str  # "1".."18"; item 12 questions carry their sub-item ("12A", "12B", "12C")
    text: str
    kind: Kind
    options: tuple[str, ...] = ()
    help: str = ""
    case_types: frozenset[str] = ALL_CASES
    slot: Slot | None = None
    aspect: Aspect | None = None
    # Read by the item's rating rule: its absence can leave the item INCOMPLETE.
    rated: bool = False
    # Must be answered before submission even though the rating does not read it (9B).
    required: bool = False
    # The answer that signals a practice concern and needs a "No" narrative.
    concern: str | None = None
    columns: tuple[Column, ...] = ()
    max_choices: int | None = None
    minimum: int | None = None
    tag: str = "S"  # confidence tag of the spec: S, R or I
    source: str = "SPEC"  # key of reviews.instrument.sources.SOURCES: the text the rule was checked against
    # The federal instrument's question where this tool's code or lettering differs ("none: ..." for codes
    # this tool adds); shown in the instrument document and written into exports as `federal_codes`.
    federal: str = ""
    # Visit patterns: whether "not applicable" is one of the answers (Round 4: not for 8A1, 8B1, 14A1).
    pattern_na: bool = True
    # Why-not-applicable questions (12B, 13, 15): the code whose NA answer this one explains, per person.
    explains: str | None = None

    @property
    def allowed(self) -> tuple[str, ...]:
        """Values a single-valued answer may take."""
        if self.kind in (Kind.GATE, Kind.YN):
            return YN
        if self.kind is Kind.YNNA:
            return YNNA
        if self.kind is Kind.PATTERN:
            return (*VISIT_PATTERN, NA) if self.pattern_na else VISIT_PATTERN
        return self.options

    @property
    def is_gate(self) -> bool:
        return self.kind is Kind.GATE

    @property
    def reviewer_help(self) -> str:
        """The help text as reviewers see it: without the spec's confidence tags ([S], [R], [I]),
        which belong to the instrument document, not to the review form."""
        return TAG_RE.sub("", self.help).strip()


def check_value(question: Question, value: Any) -> str | None:
    """Why `value` is not an acceptable answer to `question`, or None when it is."""
    kind = question.kind
    if kind in (Kind.GATE, Kind.YN, Kind.YNNA, Kind.PATTERN, Kind.CHOICE):
        if not isinstance(value, str) or value not in question.allowed:
            return f"must be one of {', '.join(question.allowed)}"
        return None
    if kind is Kind.MULTI:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return "must be a list of options"
        unknown = [v for v in value if v not in question.options]
        if unknown:
            return f"unknown option(s) {', '.join(unknown)}; allowed: {', '.join(question.options)}"
        if len(set(value)) != len(value):
            return "an option is listed twice"
        if question.max_choices is not None and len(value) > question.max_choices:
            return f"at most {question.max_choices} choices"
        for option in EXCLUSIVE_OPTIONS:
            if option in value and len(value) > 1:
                return f"{option} cannot be combined with other options"
        return None
    if kind is Kind.DATE:
        if isinstance(value, str) and value in question.options:
            return None
        if parse_date(value) is None:
            extra = f" or one of {', '.join(question.options)}" if question.options else ""
            return f"must be a date YYYY-MM-DD{extra}"
        return None
    if kind is Kind.INTEGER:
        if isinstance(value, bool) or not isinstance(value, int):
            return "must be a whole number"
        if question.minimum is not None and value < question.minimum:
            return f"must be at least {question.minimum}"
        return None
    if kind is Kind.TEXT:
        return None if isinstance(value, str) else "must be text"
    if kind is Kind.EXCEPTIONS:
        if value == NA:
            return None
        if not isinstance(value, dict) or set(value) != set(question.options):
            return f"must be NA or an object with {', '.join(question.options)} each YES or NO"
        if any(v not in YN for v in value.values()):
            return f"each of {', '.join(question.options)} must be YES or NO"
        return None
    if kind is Kind.TABLE:
        if not isinstance(value, list) or not all(isinstance(row, dict) for row in value):
            return "must be a list of rows"
        names = {c.name for c in question.columns}
        for number, row in enumerate(value, start=1):
            unknown = sorted(set(row) - names)
            if unknown:
                return f"row {number}: unknown column(s) {', '.join(unknown)}"
            for column in question.columns:
                cell = row.get(column.name)
                if cell is None or cell == "":
                    if column.required:
                        return f"row {number}: {column.name} is required"
                    continue
                problem = _check_cell(column, cell)
                if problem:
                    return f"row {number}: {column.name} {problem}"
        return None
    raise AssertionError(f"unhandled kind {kind}")  # pragma: no cover


def _check_cell(column: Column, cell: Any) -> str | None:
    if column.kind is Kind.DATE:
        return None if parse_date(cell) is not None else "must be a date YYYY-MM-DD"
    if column.kind is Kind.CHOICE:
        return None if cell in column.options else f"must be one of {', '.join(column.options)}"
    if column.kind is Kind.YN:
        return None if cell in YN else "must be YES or NO"
    if column.kind is Kind.INTEGER:
        return None if isinstance(cell, int) and not isinstance(cell, bool) else "must be a whole number"
    return None if isinstance(cell, str) else "must be text"


def parse_date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


@dataclass(frozen=True)
class FaceSheetField:
    code: str  # the Round 4 letter
    label: str
    kind: Kind
    options: tuple[str, ...] = ()
    help: str = ""
    required: bool = False
    draft: str = ""  # the draft Round 3 letter, where Round 4 moved the field (read from format_version 1 files)
    tag: str = "S"
    source: str = "SPEC"


@dataclass
class QuestionBook:
    """Questions by code, in instrument order."""

    questions: list[Question] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.by_code: dict[str, Question] = {}
        for q in self.questions:
            if q.code in self.by_code:
                raise ValueError(f"duplicate question code {q.code}")
            self.by_code[q.code] = q

    def __getitem__(self, code: str) -> Question:
        return self.by_code[code]

    def __contains__(self, code: object) -> bool:
        return code in self.by_code

    def order(self, code: str) -> tuple[int, int, str]:
        """Sort key for problems: document fields first, then questions in instrument order."""
        if code in self.by_code:
            return (1, self.questions.index(self.by_code[code]), code)
        if "." in code or code in ("format", "format_version", "instrument", "case", "document", "participants"):
            return (0, 0, code)
        return (2, 0, code)
