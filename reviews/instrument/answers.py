"""From raw answers to the answers the rating rules read.

Three jobs, all pure:
- check every raw answer against its question (known code, allowed value, case type, slot);
- derive the official slot answer when several people share a role (spec §1.8 [I]): `NO` if any
  person is `NO`, else `YES` if any is `YES`, else `NA`;
- fill answers the instrument forces (a ticked 3E1 box makes 3E `YES`; 1B is `NA` when 1A is
  `YES` ...) and report answers that contradict those consistency checks.
Each problem names the question code and the rule it broke.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .questions import (
    FOSTER_CARE,
    NA,
    NEVER,
    NO,
    NO_CONCERNS,
    SLOT_ROLES,
    YES,
    Kind,
    QuestionBook,
    Slot,
    check_value,
)


@dataclass(frozen=True)
class Participant:
    key: str
    role: str
    target: bool = False


@dataclass(frozen=True, order=True)
class Problem:
    """One reason an answer set is invalid."""

    code: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.code}: {self.message} [rule: {self.rule}]"


class Unanswered(Exception):
    """A rating rule needed an answer that is missing."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def slot_answer(values: Iterable[str]) -> str:
    """The official answer for a role shared by several people (spec §1.8 [I])."""
    values = list(values)
    if NO in values:
        return NO
    if YES in values:
        return YES
    return NA


@dataclass
class Answers:
    """Answers as rating rules read them: one official value per code.

    `persons` keeps the per-person answers behind a derived slot answer, and `derived` the
    codes whose value the instrument filled in, so reasons can say where a value came from.
    """

    case_type: str
    values: dict[str, Any] = field(default_factory=dict)
    persons: dict[str, dict[str, Any]] = field(default_factory=dict)
    derived: dict[str, str] = field(default_factory=dict)

    @property
    def foster_care(self) -> bool:
        return self.case_type == FOSTER_CARE

    def has(self, code: str) -> bool:
        return self.values.get(code) is not None

    def __getitem__(self, code: str) -> Any:
        value = self.values.get(code)
        if value is None:
            raise Unanswered(code)
        return value

    def get(self, code: str, default: Any = None) -> Any:
        value = self.values.get(code)
        return default if value is None else value

    def say(self, code: str) -> str:
        """`8B = NO (f2 = NO)`: the answer and where it came from, for rating reasons."""
        value = self[code]
        text = f"{code} = {_show(value)}"
        if code in self.persons:
            people = ", ".join(f"{k} = {_show(v)}" for k, v in self.persons[code].items())
            text += f" ({people})"
        elif code in self.derived:
            text += f" ({self.derived[code]})"
        return text


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "{" + ", ".join(value) + "}" if value else "{}"
    return str(value)


def _is_empty(value: Any) -> bool:
    return value is None or value == [] or value == NA or value == [NA]


def normalise(code: str, value: Any) -> Any:
    """Accepted aliases: OPPLA is the old name of APPLA (spec item 6 [I])."""
    if code in ("5A1", "6A1") and isinstance(value, list):
        return ["APPLA" if v == "OPPLA" else v for v in value]
    return value


def build_answers(
    book: QuestionBook,
    case_type: str,
    raw: Mapping[str, Any],
    participants: Iterable[Participant] = (),
    narratives: Mapping[str, str] | None = None,
) -> tuple[Answers, list[Problem]]:
    """Check raw answers and return the answers the rating rules read, plus every problem."""
    problems: list[Problem] = []
    people = {p.key: p for p in participants}
    answers = Answers(case_type=case_type)
    narratives = narratives or {}

    for code, value in raw.items():
        if code not in book:
            problems.append(Problem(code, "unknown-code", "is not a question of this instrument"))
            continue
        question = book[code]
        value = normalise(code, value)
        if value is None:
            continue
        if isinstance(value, dict) and question.kind is not Kind.EXCEPTIONS:
            if question.slot is None:
                problems.append(Problem(code, "not-per-participant", "is asked once per case, not per person"))
                continue
            if not value:
                problems.append(Problem(code, "empty-slot", "gives an empty set of per-person answers"))
                continue
            bad = False
            for key, person_value in value.items():
                person = people.get(key)
                if person is None:
                    problems.append(
                        Problem(code, "unknown-participant", f"names participant {key!r}, who is not listed")
                    )
                    bad = True
                    continue
                if person.role not in SLOT_ROLES[question.slot] or (question.slot is Slot.SIBLING and person.target):
                    problems.append(
                        Problem(
                            code,
                            "participant-role",
                            f"is about the {question.slot.lower()}, but {key} is {person.role}",
                        )
                    )
                    bad = True
                    continue
                why = check_value(question, normalise(code, person_value))
                if why:
                    problems.append(Problem(code, "allowed-values", f"answer for {key} {why}"))
                    bad = True
            if bad:
                continue
            if question.kind in (Kind.YN, Kind.YNNA):
                answers.persons[code] = dict(value)
                answers.values[code] = slot_answer(value.values())
            else:
                # Patterns and checklists are descriptive: keep the per-person values as they are.
                answers.persons[code] = dict(value)
                answers.values[code] = _common_value(value.values())
            continue
        why = check_value(question, value)
        if why:
            problems.append(Problem(code, "allowed-values", why))
            continue
        answers.values[code] = value

    # Answers to questions not asked for this case type: only "not applicable" is accepted.
    for code in list(answers.values):
        question = book[code]
        if case_type in question.case_types:
            continue
        value = answers.values[code]
        # A permanency gate answered NO ("not applicable") is harmless in an in-home case; in foster care
        # item 17 is always applicable, so 17APP may only be YES there.
        gate_no = question.is_gate and value == NO and code != "17APP"
        if _is_empty(value) or gate_no or (code == "17APP" and value == YES):
            if code in book and book[code].rated:
                answers.values[code] = NA
            continue
        asked = "foster care" if question.case_types == frozenset({FOSTER_CARE}) else "in-home"
        problems.append(Problem(code, "case-type", f"is asked only in {asked} cases; this case is {case_type}"))
        del answers.values[code]

    # Rated questions not asked for this case type count as NA (17B1 and 18B in in-home cases).
    for question in book.questions:
        if question.rated and case_type not in question.case_types and not answers.has(question.code):
            answers.values[question.code] = NA
            answers.derived[question.code] = f"not asked in {case_type} cases"

    _apply_consistency(answers, problems, narratives, raw)
    return answers, sorted(set(problems), key=lambda p: (book.order(p.code), p.rule))


def _common_value(values: Iterable[Any]) -> Any:
    values = list(values)
    return values[0] if all(v == values[0] for v in values) else None


# --- Consistency checks -------------------------------------------------------------------------


def _force(answers: Answers, problems: list[Problem], code: str, value: str, because: str, rule: str) -> None:
    """Fill `code` with `value`, or report a contradiction when it was answered otherwise."""
    current = answers.get(code)
    if current is None:
        answers.values[code] = value
        answers.derived[code] = because
    elif current != value:
        problems.append(Problem(code, rule, f"must be {value} because {because} (answered {current})"))


def _forbid_na(answers: Answers, problems: list[Problem], code: str, because: str, rule: str) -> None:
    if answers.get(code) == NA:
        problems.append(Problem(code, rule, f"cannot be NA because {because}"))


def _pairs(answers: Answers, first: str, second: str) -> list[tuple[str, Any, Any]]:
    """Comparable (person, first, second) answers, whether given per role or per person."""
    a_people, b_people = answers.persons.get(first), answers.persons.get(second)
    a, b = answers.get(first), answers.get(second)
    if a_people is None and b_people is None:
        return [("", a, b)]
    if a_people is not None and b_people is not None:
        return [(k, a_people[k], b_people[k]) for k in a_people if k in b_people]
    if a_people is None:
        return [(k, a, v) for k, v in b_people.items()]
    # Per-person first answer, one answer for the role: comparable only when everyone agrees.
    return [("", a, b)] if a is not None else []


def _person_rule(
    answers: Answers,
    problems: list[Problem],
    first: str,
    first_value: str,
    second: str,
    rule: str,
    because: str,
) -> None:
    """When `first` is `first_value` (for a person), `second` must be NA (for that person)."""
    for person, a, b in _pairs(answers, first, second):
        if a != first_value:
            continue
        who = f" for {person}" if person else ""
        if b is None and not person:
            answers.values[second] = NA
            answers.derived[second] = f"{first} = {first_value}"
        elif b is not None and b != NA:
            problems.append(Problem(second, rule, f"must be NA{who} because {because} (answered {b})"))


def _apply_consistency(
    answers: Answers, problems: list[Problem], narratives: Mapping[str, str], raw: Mapping[str, Any]
) -> None:
    get = answers.get

    # Item 1: 1A from the reports table when every row carries both timeliness flags [I].
    rows = get("1A1")
    if rows and all(r.get("initiated_timely") in (YES, NO) and r.get("contact_timely") in (YES, NO) for r in rows):
        late = sum(1 for r in rows if NO in (r["initiated_timely"], r["contact_timely"]))
        _force(
            answers,
            problems,
            "1A",
            NO if late else YES,
            f"{late} of {len(rows)} report(s) in 1A1 were late",
            "1A1-timeliness",
        )
    if get("1A") == YES:
        _force(answers, problems, "1B", NA, "1A = YES", "1B-na-iff-1A-yes")
    elif get("1A") == NO:
        _forbid_na(answers, problems, "1B", "1A = NO (a delay must be explained)", "1B-na-iff-1A-yes")

    # Item 2: services tried first means no removal-without-services question.
    if get("2A") == YES:
        _force(answers, problems, "2B", NA, "2A = YES", "2B-na-when-2A-yes")

    # Item 3: a ticked concern box is a concern (3D1 reading is [I], see spec); Round 4's "no safety
    # concerns existed" box in 3E1 / 3F1 is not a concern: it makes the answer NO.
    for checklist, question in (("3D1", "3D"), ("3E1", "3E"), ("3F1", "3F")):
        ticked = get(checklist) or []
        if [box for box in ticked if box != NO_CONCERNS]:
            _force(answers, problems, question, YES, f"{checklist} has a box ticked", f"{checklist}-ticked-means-yes")
        elif NO_CONCERNS in ticked:
            _force(
                answers,
                problems,
                question,
                NO,
                f"{checklist}: no safety concerns existed",
                f"{checklist}-no-concerns-means-no",
            )
    if answers.foster_care:
        # Round 4: 3E and 3F have no NA in foster care cases; "no concern" is the NO_CONCERNS box and NO.
        for checklist, question in (("3E1", "3E"), ("3F1", "3F")):
            _forbid_na(
                answers,
                problems,
                question,
                f"foster care cases have no NA here: tick 'no safety concerns existed' in {checklist} and answer NO",
                f"{question}-no-na-in-foster-care",
            )

    # Item 4.
    count = get("4A")
    if count == 1:
        _force(answers, problems, "4B", NA, "4A = 1 (no placement change)", "4B-na-iff-one-placement")
    elif isinstance(count, int) and count > 1:
        _forbid_na(answers, problems, "4B", f"4A = {count} (placement changes happened)", "4B-na-iff-one-placement")
    placements = get("4A1")
    # More rows than 4A counts is a contradiction; fewer is work not done yet, listed as missing
    # by the entry screens (reviews.completeness), so a table can be saved row by row as it is typed.
    if placements and isinstance(count, int) and len(placements) > count:
        problems.append(
            Problem(
                "4A1", "4A1-rows-equal-4A", f"lists {len(placements)} placement(s) but 4A = {count}: change 4A first"
            )
        )
    if placements:
        # "Not applicable, this is the current placement" (Round 4) belongs to the last row only [I].
        early = [n for n, row in enumerate(placements[:-1], start=1) if row.get("change_reason") == CURRENT_PLACEMENT]
        if early:
            problems.append(
                Problem(
                    "4A1",
                    "4A1-current-placement-last",
                    f"row(s) {', '.join(map(str, early))}: {CURRENT_PLACEMENT} is the reason of the current (last) "
                    "placement only",
                )
            )
    if get("4C1"):
        _force(answers, problems, "4C", NO, "4C1 has a box ticked", "4C1-ticked-means-no")

    # Item 5: the termination-of-parental-rights questions follow one another.
    if get("5D") == YES:
        _force(answers, problems, "5E", NA, "5D = YES", "5E-na-iff-5D-yes")
    elif get("5D") == NO:
        _forbid_na(answers, problems, "5E", "5D = NO", "5E-na-iff-5D-yes")
    if get("5D") == NO and get("5E") == NO:
        _force(answers, problems, "5F", NA, "5D = NO and 5E = NO", "5F-na-iff-no-criterion")
    elif YES in (get("5D"), get("5E")):
        _forbid_na(answers, problems, "5F", "a filing criterion is met (5D or 5E = YES)", "5F-na-iff-no-criterion")
    if get("5F") in (YES, NA):
        _force(answers, problems, "5G", NA, f"5F = {get('5F')}", "5G-na-iff-5F-yes-or-na")
    elif get("5F") == NO:
        _forbid_na(answers, problems, "5G", "5F = NO", "5G-na-iff-5F-yes-or-na")
    exceptions = get("5G1")
    if isinstance(exceptions, dict):
        if YES in exceptions.values():
            _force(answers, problems, "5G", YES, "an exception in 5G1 is YES", "5G1-exception-means-5G-yes")
        elif get("5G") == YES:
            problems.append(Problem("5G", "5G1-exception-means-5G-yes", "is YES but every exception in 5G1 is NO"))

    # Item 6: which of 6B / 6C applies follows from the goals.
    goals = get("6A1")
    if goals:
        if set(goals) == {"APPLA"}:
            _force(answers, problems, "6B", NA, "the only goal is APPLA", "6B-na-iff-only-appla")
        else:
            _forbid_na(answers, problems, "6B", "a goal other than APPLA is set", "6B-na-iff-only-appla")
        if "APPLA" in goals:
            _forbid_na(answers, problems, "6C", "APPLA is a goal", "6C-na-iff-no-appla")
        else:
            _force(answers, problems, "6C", NA, "no goal is APPLA", "6C-na-iff-no-appla")
            if get("6A2") not in (None, NA):
                problems.append(
                    Problem("6A2", "6A2-only-for-appla", "describes an APPLA arrangement but no goal is APPLA")
                )

    # Item 7.
    if get("7A") == YES:
        _force(answers, problems, "7B", NA, "7A = YES", "7B-na-iff-7A-yes")
    elif get("7A") == NO:
        _forbid_na(answers, problems, "7B", "7A = NO", "7B-na-iff-7A-yes")

    # Items 8 and 15: no visit means quality cannot be judged; a parent NA is NA throughout.
    for pattern, frequency, quality in (
        ("8A1", "8A", "8C"),
        ("8B1", "8B", "8D"),
        ("8E1", "8E", "8F"),
        ("15A1", "15B1", "15C1"),
        ("15A2", "15B2", "15C2"),
    ):
        _person_rule(
            answers, problems, pattern, NEVER, quality, f"{pattern}-never-means-{quality}-na", f"{pattern} = NEVER"
        )
        _person_rule(answers, problems, pattern, NA, frequency, f"{pattern}-na-means-{frequency}-na", f"{pattern} = NA")
        _person_rule(
            answers, problems, frequency, NA, quality, f"{frequency}-na-means-{quality}-na", f"{frequency} = NA"
        )
        if pattern.startswith("8"):
            for person, a, b in _pairs(answers, pattern, frequency):
                if a == NEVER and b == YES and not narratives.get(frequency):
                    who = f" for {person}" if person else ""
                    problems.append(
                        Problem(
                            frequency,
                            f"{pattern}-never-yes-needs-narrative",
                            f"is YES{who} although {pattern} = NEVER: explain the other contact in a narrative",
                        )
                    )

    # Item 9: 9A must be answered YES or NO when the item applies [I].
    if get("9APP") == YES:
        _forbid_na(answers, problems, "9A", "item 9 is applicable (9APP = YES)", "9A-required-when-applicable")

    # Item 10.
    if get("10A1") == NO:
        _force(answers, problems, "10A2", NA, "10A1 = NO", "10A2-na-iff-10A1-no")
    elif get("10A1") == YES:
        _forbid_na(answers, problems, "10A2", "10A1 = YES", "10A2-na-iff-10A1-no")
    if get("10A1") == YES and get("10A2") == YES:
        # A stable relative placement: the relative-search questions are not asked (spec: NA).
        for code in ("10B", "10C"):
            if get(code) is None:
                answers.values[code] = NA
                answers.derived[code] = "10A1 = YES and 10A2 = YES"

    # Item 11: the checklist is NA exactly when the parent is NA.
    for question, checklist in (("11A", "11A1"), ("11B", "11B1")):
        for person, a, b in _pairs(answers, question, checklist):
            if a is None or b is None:
                continue
            if (a == NA) != (b == [NA]):
                who = f" for {person}" if person else ""
                problems.append(
                    Problem(
                        checklist, f"{checklist}-na-iff-{question}-na", f"must be NA{who} exactly when {question} is NA"
                    )
                )

    # Item 12: a parent who is NA for the assessment (rights terminated, whereabouts unknown, deceased)
    # cannot receive services; no foster parents to assess means none to serve [I].
    _person_rule(answers, problems, "12B1", NA, "12B3", "12B3-na-when-12B1-na", "12B1 = NA (mother not applicable)")
    _person_rule(answers, problems, "12B2", NA, "12B4", "12B4-na-when-12B2-na", "12B2 = NA (father not applicable)")
    _person_rule(answers, problems, "12C1", NA, "12C2", "12C2-na-when-12C1-na", "12C1 = NA (no foster parents)")

    # Item 14: no visit means frequency was not sufficient and quality cannot be judged [I].
    if get("14A1") == NEVER:
        _force(answers, problems, "14A", NO, "14A1 = NEVER", "14A1-never-means-14A-no")
    if get("14B") == NA and get("14A1") != NEVER:
        problems.append(Problem("14B", "14B-na-only-when-never-visited", "may be NA only when 14A1 = NEVER"))

    # Gates: a gate answered NO skips the item, so its rated questions take no YES/NO answer.
    for question_code, value in list(answers.values.items()):
        if value not in (YES, NO) or question_code.endswith("APP"):
            continue
        gate = _gate_for(question_code)
        if gate and get(gate) == NO and question_code in raw:
            problems.append(Problem(question_code, "skipped-when-gate-no", f"is answered although {gate} = NO"))

    # Item 13 is applicable in every in-home case (Round 4): the foster-care exceptions do not apply.
    if not answers.foster_care and get("13APP") == NO:
        problems.append(
            Problem("13APP", "13APP-yes-in-in-home", "must be YES: item 13 is applicable in every in-home case")
        )

    # Why a parent is not applicable (12B, 13, 15): a reason only where that parent's answer is NA.
    for question in REASON_QUESTIONS:
        _check_reason(answers, problems, question, question + "NA")

    # An applicable item whose questions are all NA: the gate should have been NO (spec item 8/15). Item 8 is
    # the exception Round 4 makes: a short sibling separation (7A = NO) with no visits needed is NA.
    for gate, codes in ALL_NA_CHECKS.items():
        if get(gate, YES) == YES and all(get(c) == NA for c in codes):
            if gate == "8APP" and short_separation(answers) is not False:
                continue  # NA with 7A = NO; undecided while 7A is unanswered
            if answers.foster_care or gate in ("13APP", "15APP"):
                why = ": no sibling separation is recorded (7A is not NO)" if gate == "8APP" else ""
                problems.append(
                    Problem(
                        gate,
                        "applicable-item-all-na",
                        f"item is applicable but {', '.join(codes)} are all NA{why}: revisit {gate}",
                    )
                )


def short_separation(answers: Answers) -> bool | None:
    """Whether item 7 records a sibling separation during the period (7A = NO); None while 7A is open.

    The Round 4 FAQ (Permanency Outcome 2): a sibling in another setting, even briefly, makes item 8
    applicable, and its sibling questions may be NA when visits were not needed: item 8 is then NA.
    """
    if not answers.foster_care or answers.get("7APP") == NO:
        return False
    first = answers.get("7A")
    if first is None:
        return None
    return first == NO


def _check_reason(answers: Answers, problems: list[Problem], lead: str, reason: str) -> None:
    """A why-not-applicable answer is refused for a person whose `lead` answer is YES or NO."""
    lead_people, reason_people = answers.persons.get(lead), answers.persons.get(reason)
    if reason_people is not None:
        for person, value in reason_people.items():
            answer = lead_people.get(person) if lead_people is not None else answers.get(lead)
            if value is not None and answer in (YES, NO):
                problems.append(
                    Problem(
                        reason, f"{reason}-only-when-{lead}-na", f"gives a reason for {person}, but {lead} = {answer}"
                    )
                )
        return
    if answers.get(reason) is None:
        return
    answer = answers.get(lead)
    if lead_people is not None:
        applicable = all(v in (YES, NO) for v in lead_people.values())
    else:
        applicable = answer in (YES, NO)
    if applicable:
        problems.append(Problem(reason, f"{reason}-only-when-{lead}-na", f"gives a reason, but {lead} = {answer}"))


def missing_reason(answers: Answers, lead: str, reason: str) -> bool:
    """A parent's `lead` answer is NA (for the role or a person) and nobody has said why."""
    lead_people, reason_people = answers.persons.get(lead), answers.persons.get(reason)
    if lead_people is not None:
        people = [k for k, v in lead_people.items() if v == NA]
        if not people or (reason_people is None and answers.get(reason) is not None):
            return False
        return any(reason_people is None or reason_people.get(k) is None for k in people)
    if answers.get(lead) != NA:
        return False
    return answers.get(reason) is None and not reason_people


# Round 4 records why a parent is not applicable for these answers (the first question of each parent).
REASON_QUESTIONS = ("12B1", "12B2", "13B", "13C", "15B1", "15B2")
CURRENT_PLACEMENT = "NA_CURRENT_PLACEMENT"

ALL_NA_CHECKS: dict[str, tuple[str, ...]] = {
    "8APP": ("8A", "8B", "8C", "8D", "8E", "8F"),
    "11APP": ("11A", "11B"),
    "13APP": ("13A", "13B", "13C"),
    "15APP": ("15B1", "15B2", "15C1", "15C2"),
}

GATED_ITEMS = ("1", "2", "5", "7", "8", "9", "10", "11", "13", "15", "16", "17", "18")


def _gate_for(code: str) -> str | None:
    # The item number is the leading digits: "12B1" -> "12", "8A1" -> "8".
    digits = ""
    for ch in code:
        if not ch.isdigit():
            break
        digits += ch
    return f"{digits}APP" if digits in GATED_ITEMS else None
