"""The review interchange document (spec osri.md §9), checked and scored without a database.

`read_document(data)` checks the whole document and returns a `ReviewDocument` plus every
problem found; `score_document(doc)` scores it with the instrument version it names.

Format version 2 uses the Round 4 Face Sheet letters (K = the child's latest removal, issue 12).
A format version 1 file is one written before the Round 4 corrections: it is read with the draft
letters (J = entry, K = discharge, L = closure, M1/M2 = reasons) and its answers are brought up to
date the way the 0004 data migration brought stored reviews up to date (`upgrade_version_1`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .answers import Participant, Problem
from .questions import CASE_TYPES, FOSTER_CARE, NA, NO, NO_CONCERNS, ROLES, Kind, Question, check_value, parse_date
from .round4 import Instrument, Override, Scoring
from .round4_questions import FACE_SHEET

FORMAT = "osri-review"
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)
# Draft Round 3 letter -> Round 4 letter, for format_version 1 files.
DRAFT_LETTERS = {f.draft: f.code for f in FACE_SHEET if f.draft}
TOP_LEVEL_KEYS = {
    "federal_codes",
    "format",
    "format_version",
    "instrument",
    "case",
    "face_sheet",
    "participants",
    "answers",
    "narratives",
    "overrides",
    "review",
    "scoring",
}
# Face Sheet F1 (children) and F2 (case participants) columns a participant row may carry.
PARTICIPANT_DETAIL_KEYS = (
    "name",
    "date_of_birth",
    "race",
    "ethnicity",
    "gender",
    "interviewed",
    "relationship",
    "details",
)
PARTICIPANT_KEYS = {"key", "role", "target", "label", *PARTICIPANT_DETAIL_KEYS}
RACES = (
    "AMERICAN_INDIAN_OR_ALASKA_NATIVE",
    "ASIAN",
    "BLACK_OR_AFRICAN_AMERICAN",
    "NATIVE_HAWAIIAN_OR_OTHER_PACIFIC_ISLANDER",
    "WHITE",
    "UNKNOWN",
)
ETHNICITIES = ("HISPANIC", "NON_HISPANIC")
REVIEW_KEYS = {"status", "reviewers", "pur_end"}


@dataclass
class ReviewDocument:
    instrument: str
    case_id: str
    agency: str
    county_fips: str
    case_type: str
    face_sheet: dict[str, Any] = field(default_factory=dict)
    participants: list[dict[str, Any]] = field(default_factory=list)
    answers: dict[str, Any] = field(default_factory=dict)
    narratives: dict[str, str] = field(default_factory=dict)
    overrides: dict[str, Override] = field(default_factory=dict)
    review: dict[str, Any] = field(default_factory=dict)

    @property
    def pur_start(self) -> str | None:
        return self.face_sheet.get("C_start")

    def instrument_participants(self) -> list[Participant]:
        return [Participant(p["key"], p["role"], bool(p.get("target"))) for p in self.participants]


def read_document(data: Any, instruments: dict[str, Instrument]) -> tuple[ReviewDocument | None, list[Problem]]:
    """Check the document's shape and answers; the document is None when it cannot be read."""
    problems: list[Problem] = []
    if not isinstance(data, dict):
        return None, [Problem("document", "shape", "must be a JSON object")]
    for key in sorted(set(data) - TOP_LEVEL_KEYS):
        problems.append(Problem(key, "unknown-key", f"is not a key of the {FORMAT} format"))
    if data.get("format") != FORMAT:
        problems.append(Problem("format", "format", f'must be "{FORMAT}"'))
    format_version = data.get("format_version")
    if format_version not in READABLE_VERSIONS:
        versions = " or ".join(str(v) for v in READABLE_VERSIONS)
        problems.append(Problem("format_version", "format-version", f"must be {versions}"))
    version = data.get("instrument")
    instrument = instruments.get(version) if isinstance(version, str) else None
    if instrument is None:
        problems.append(Problem("instrument", "instrument-version", f"must be one of {', '.join(instruments)}"))

    case = data.get("case")
    if not isinstance(case, dict):
        problems.append(Problem("case", "shape", "must be an object with case_id, agency, county_fips, case_type"))
        return None, problems
    for key in ("case_id", "agency"):
        if not isinstance(case.get(key), str) or not case.get(key).strip():
            problems.append(Problem(f"case.{key}", "required", "is required (text)"))
    if not isinstance(case.get("county_fips", ""), str):
        problems.append(Problem("case.county_fips", "shape", "must be text"))
    case_type = case.get("case_type")
    if case_type not in CASE_TYPES:
        problems.append(Problem("case.case_type", "allowed-values", f"must be one of {', '.join(CASE_TYPES)}"))

    doc = ReviewDocument(
        instrument=version if isinstance(version, str) else "",
        case_id=str(case.get("case_id", "")),
        agency=str(case.get("agency", "")),
        county_fips=str(case.get("county_fips", "") or ""),
        case_type=case_type if case_type in CASE_TYPES else FOSTER_CARE,
    )
    doc.face_sheet = _read_object(data, "face_sheet", problems)
    doc.answers = _read_object(data, "answers", problems)
    if format_version == 1:
        doc.face_sheet, doc.answers = upgrade_version_1(doc.face_sheet, doc.answers, doc.case_type)
    doc.narratives = _read_object(data, "narratives", problems)
    doc.review = _read_object(data, "review", problems)
    for key in sorted(set(doc.review) - REVIEW_KEYS):
        problems.append(Problem(f"review.{key}", "unknown-key", f"is not one of {', '.join(sorted(REVIEW_KEYS))}"))
    doc.participants = _read_participants(data, case_type, problems)
    doc.overrides = _read_overrides(data, problems)
    if instrument is not None:
        _check_face_sheet(instrument, doc, problems)
        for code, text in doc.narratives.items():
            if code not in instrument.questions and code not in {i.key for i in instrument.items}:
                problems.append(Problem(f"narratives.{code}", "unknown-code", "is neither a question nor an item"))
            elif not isinstance(text, str):
                problems.append(Problem(f"narratives.{code}", "shape", "must be text"))
    if case_type not in CASE_TYPES or instrument is None:
        return None, problems
    return doc, problems


def upgrade_version_1(
    face_sheet: dict[str, Any], answers: dict[str, Any], case_type: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A format_version 1 document as the corrected osri-r4 reads it (issue 12).

    Face Sheet letters move to Round 4 (J -> K, K -> L, L -> M, M1/M2 -> N1/N2); the visit patterns
    8A1, 8B1 and 14A1 lose their NA (an NA parent's pattern is left unanswered, and that parent's
    frequency answer, if missing, becomes the NA the pattern used to imply); in foster care 3E / 3F
    NA becomes NO with the "no safety concerns existed" box, which rates item 3 the same.
    """
    sheet = {DRAFT_LETTERS.get(code, code): value for code, value in face_sheet.items()}
    result = dict(answers)
    for pattern, frequency in (("8A1", "8A"), ("8B1", "8B"), ("14A1", None)):
        value = result.get(pattern)
        if isinstance(value, dict):
            kept = {k: v for k, v in value.items() if v != NA}
            dropped = [k for k, v in value.items() if v == NA]
            if kept:
                result[pattern] = kept
            else:
                result.pop(pattern)
            current = result.get(frequency) if frequency else None
            if frequency and dropped and isinstance(current, dict):
                result[frequency] = {**dict.fromkeys(dropped, NA), **current}
            elif frequency and dropped and current is None:
                result[frequency] = dict.fromkeys(dropped, NA)
        elif value == NA:
            result.pop(pattern)
            if frequency and result.get(frequency) is None:
                result[frequency] = NA
    if case_type == FOSTER_CARE:
        for checklist, question in (("3E1", "3E"), ("3F1", "3F")):
            if result.get(question) == NA:
                result[question] = NO
                if not result.get(checklist):
                    result[checklist] = [NO_CONCERNS]
    return sheet, result


def score_document(doc: ReviewDocument, instrument: Instrument) -> Scoring:
    return instrument.score(doc.case_type, doc.answers, doc.instrument_participants(), doc.narratives, doc.overrides)


def _read_object(data: dict, key: str, problems: list[Problem]) -> dict:
    value = data.get(key, {})
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(Problem(key, "shape", "must be an object"))
        return {}
    return dict(value)


def _read_participants(data: dict, case_type: Any, problems: list[Problem]) -> list[dict[str, Any]]:
    rows = data.get("participants", [])
    if not isinstance(rows, list):
        problems.append(Problem("participants", "shape", "must be a list"))
        return []
    seen: set[str] = set()
    result = []
    for number, row in enumerate(rows, start=1):
        where = f"participants[{number}]"
        if not isinstance(row, dict):
            problems.append(Problem(where, "shape", "must be an object"))
            continue
        key, role = row.get("key"), row.get("role")
        if not isinstance(key, str) or not key:
            problems.append(Problem(where, "required", "key is required"))
            continue
        if key in seen:
            problems.append(Problem(where, "unique-key", f"key {key!r} is used twice"))
            continue
        seen.add(key)
        if role not in ROLES:
            problems.append(Problem(where, "allowed-values", f"role must be one of {', '.join(ROLES)}"))
            continue
        for extra in sorted(set(row) - PARTICIPANT_KEYS):
            problems.append(Problem(where, "unknown-key", f"{extra} is not a participant field"))
        if row.get("target") and role != "CHILD":
            problems.append(Problem(where, "target-child", "only a CHILD can be the target child"))
        if row.get("date_of_birth") is not None and parse_date(row.get("date_of_birth")) is None:
            problems.append(Problem(where, "date", "date_of_birth must be a date YYYY-MM-DD"))
        race = row.get("race")
        if race is not None and (not isinstance(race, list) or any(r not in RACES for r in race)):
            problems.append(Problem(where, "allowed-values", f"race must be a list of {', '.join(RACES)}"))
        if row.get("ethnicity") is not None and row["ethnicity"] not in ETHNICITIES:
            problems.append(Problem(where, "allowed-values", f"ethnicity must be one of {', '.join(ETHNICITIES)}"))
        if row.get("interviewed") is not None and row["interviewed"] not in ("YES", "NO"):
            problems.append(Problem(where, "allowed-values", "interviewed must be YES or NO"))
        # Gender stays free text: the Round 4 label of the third option is not confirmed (spec §2 F1).
        result.append(dict(row))
    targets = [r for r in result if r.get("target")]
    children = [r for r in result if r.get("role") == "CHILD"]
    if len(targets) > 1:
        problems.append(Problem("participants", "one-target-child", "more than one child is flagged target"))
    elif case_type == FOSTER_CARE and children and not targets:
        problems.append(Problem("participants", "one-target-child", "a foster care case needs one target child"))
    return result


def _read_overrides(data: dict, problems: list[Problem]) -> dict[str, Override]:
    raw = data.get("overrides", {}) or {}
    if not isinstance(raw, dict):
        problems.append(Problem("overrides", "shape", "must be an object keyed by item"))
        return {}
    result = {}
    for key, value in raw.items():
        if not isinstance(value, dict) or not isinstance(value.get("rating"), str):
            problems.append(Problem(f"overrides.{key}", "shape", "must be an object with rating, reason and by"))
            continue
        result[key] = Override(
            rating=value["rating"],
            reason=str(value.get("reason") or ""),
            by=str(value.get("by") or ""),
            at=str(value.get("at") or ""),
        )
    return result


def _check_face_sheet(instrument: Instrument, doc: ReviewDocument, problems: list[Problem]) -> None:
    fields = {f.code: f for f in instrument.face_sheet}
    sheet = doc.face_sheet
    for code, value in sheet.items():
        spec = fields.get(code)
        if spec is None:
            problems.append(Problem(f"face_sheet.{code}", "unknown-code", "is not a Face Sheet field"))
            continue
        if spec.kind is Kind.CHOICE and code == "N2":
            continue  # checked against N1 below
        # Face Sheet fields reuse the answer checks of questions.
        why = check_value(Question(code, "FS", spec.label, spec.kind, spec.options), value)
        if why:
            problems.append(Problem(f"face_sheet.{code}", "allowed-values", why))
    check_face_sheet(sheet, doc.case_type, problems)


def check_face_sheet(sheet: dict[str, Any], case_type: str, problems: list[Problem]) -> None:
    """The checks that follow the (Round 4) letters: K = latest removal, L = discharge, M = closure."""
    if "G" in sheet and sheet["G"] != case_type:
        problems.append(
            Problem("face_sheet.G", "case-type-matches", f"is {sheet['G']} but the case type is {case_type}")
        )
    removal = sheet.get("K")
    if removal is not None:
        if case_type == FOSTER_CARE and removal == NA:
            problems.append(
                Problem("face_sheet.K", "K-na-iff-in-home", "a foster care case needs the date of the latest removal")
            )
        if case_type != FOSTER_CARE and removal != NA:
            problems.append(Problem("face_sheet.K", "K-na-iff-in-home", "must be NA in an in-home case"))
    for first, second, rule in (("K", "L", "K-before-L"), ("I", "M", "I-before-M"), ("C_start", "E", "C-before-E")):
        a, b = parse_date(sheet.get(first)), parse_date(sheet.get(second))
        if a and b and a > b:
            problems.append(Problem(f"face_sheet.{second}", rule, f"{second} ({b}) is before {first} ({a})"))
    n1, n2 = sheet.get("N1"), sheet.get("N2")
    if n2 is not None and (not isinstance(n1, list) or n2 not in n1):
        problems.append(Problem("face_sheet.N2", "N2-in-N1", "the primary reason must be one of the reasons in N1"))
