"""The assembled Round 4 instrument: questions + items + outcomes, versioned "osri-r4"."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .answers import Answers, Participant, Problem, build_answers, missing_reason
from .items import ANI, ITEMS, ITEMS_BY_KEY, SCORING_ORDER, STRENGTH, Item, Rating, combine_12
from .outcomes import OUTCOMES, OUTCOMES_BY_KEY, Outcome, OutcomeRating
from .questions import FOSTER_CARE, NA, NO, SLOT_ROLES, FaceSheetField, Question, QuestionBook
from .round4_questions import FACE_SHEET, QUESTIONS

OVERRIDE_VALUES = (STRENGTH, ANI, NA)


@dataclass(frozen=True)
class Override:
    """A QA decision replacing a calculated rating (spec §3.x [I])."""

    rating: str
    reason: str
    by: str = ""
    at: str = ""


@dataclass(frozen=True)
class ParticipantAnswer:
    """One person's (or one role's) answer to a frequency / quality / ... question."""

    participant: str | None  # participant key; None when answered once for a role with several people
    slot: str
    item: str
    code: str
    aspect: str
    answer: str
    na_reason: str = ""  # why the person is not applicable (12B, 13, 15; Round 4), when the answer is NA


@dataclass
class Scoring:
    answers: Answers
    problems: list[Problem]
    calculated: dict[str, Rating]
    items: dict[str, str]  # effective ratings
    outcomes_calculated: dict[str, OutcomeRating]
    outcomes: dict[str, str]  # effective ratings
    overrides: dict[str, Override] = field(default_factory=dict)
    participant_answers: list[ParticipantAnswer] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems

    def reasons(self) -> dict[str, list[str]]:
        result: dict[str, list[str]] = {}
        for key in SCORING_ORDER:
            reasons = list(self.calculated[key].reasons)
            override = self.overrides.get(key)
            if override:
                who = f" by {override.by}" if override.by else ""
                reasons.insert(
                    0,
                    f"overridden to {override.rating}{who}: {override.reason} (calculated {self.calculated[key].value})",
                )
            if reasons:
                result[key] = reasons
        return result

    def block(self) -> dict[str, Any]:
        """The scoring block of the interchange format (spec §9)."""
        return {
            "items": {key: self.items[key] for key in SCORING_ORDER},
            "outcomes": dict(self.outcomes),
            "reasons": self.reasons(),
        }


@dataclass
class Instrument:
    version: str
    title: str
    questions: QuestionBook
    face_sheet: tuple[FaceSheetField, ...]
    items: tuple[Item, ...]
    outcomes: tuple[Outcome, ...]

    def question(self, code: str) -> Question:
        return self.questions[code]

    def item(self, key: str) -> Item:
        return ITEMS_BY_KEY[key]

    def outcome(self, key: str) -> Outcome:
        return OUTCOMES_BY_KEY[key]

    def sort_problems(self, problems: Iterable[Problem]) -> list[Problem]:
        return sorted(set(problems), key=lambda p: (self.questions.order(p.code), p.rule, p.message))

    def override_values(self, key: str, case_type: str) -> tuple[str, ...]:
        """Ratings QA may give item or outcome `key` by override: no NA for an item that is never NA."""
        if key in OUTCOMES_BY_KEY:
            return OUTCOME_OVERRIDE_VALUES
        if never_na(ITEMS_BY_KEY[key], case_type):
            return tuple(v for v in OVERRIDE_VALUES if v != NA)
        return OVERRIDE_VALUES

    def check_overrides(self, overrides: Mapping[str, Override], case_type: str) -> list[Problem]:
        problems = []
        for key, override in overrides.items():
            if key not in ITEMS_BY_KEY and key not in OUTCOMES_BY_KEY:
                problems.append(Problem(f"overrides.{key}", "override-key", "is neither an item nor an outcome"))
                continue
            allowed = OVERRIDE_VALUES if key in ITEMS_BY_KEY else OUTCOME_OVERRIDE_VALUES
            if override.rating not in allowed:
                problems.append(
                    Problem(f"overrides.{key}", "override-value", f"rating must be one of {', '.join(allowed)}")
                )
            elif override.rating == NA and key in ITEMS_BY_KEY and (never := never_na(ITEMS_BY_KEY[key], case_type)):
                problems.append(
                    Problem(
                        f"overrides.{key}",
                        "override-never-na",
                        f"item {key} is never NA{never}: override it to STRENGTH or ANI",
                    )
                )
            if not override.reason.strip():
                problems.append(Problem(f"overrides.{key}", "override-reason-required", "an override needs a reason"))
        return problems

    def score(
        self,
        case_type: str,
        raw_answers: Mapping[str, Any],
        participants: Iterable[Participant] = (),
        narratives: Mapping[str, str] | None = None,
        overrides: Mapping[str, Override] | None = None,
    ) -> Scoring:
        """Rate every item and outcome from raw answers; overrides replace calculated ratings."""
        participants = list(participants)
        overrides = dict(overrides or {})
        answers, problems = build_answers(self.questions, case_type, raw_answers, participants, narratives)
        problems += self.check_overrides(overrides, case_type)
        calculated = {item.key: item.rate(answers) for item in self.items}

        effective: dict[str, str] = {}
        for key in SCORING_ORDER:
            override = overrides.get(key)
            if key == "12" and not override:
                # Overridden sub-items flow into item 12 unless 12 itself is overridden.
                subs = [Rating(effective[k], calculated[k].reasons) for k in ("12A", "12B", "12C")]
                effective[key] = combine_12(*subs).value
            else:
                effective[key] = override.rating if override else calculated[key].value

        outcomes_calculated = {o.key: o.rate(effective) for o in self.outcomes}
        outcomes = {
            key: overrides[key].rating if key in overrides else rating.value
            for key, rating in outcomes_calculated.items()
        }
        return Scoring(
            answers=answers,
            problems=self.sort_problems(problems),
            calculated=calculated,
            items=effective,
            outcomes_calculated=outcomes_calculated,
            outcomes=outcomes,
            overrides=overrides,
            participant_answers=self.participant_answers(answers, participants),
        )

    def participant_answers(self, answers: Answers, participants: list[Participant]) -> list[ParticipantAnswer]:
        """Per-person frequency / quality / ... answers of applicable items, for reports."""
        rows = []
        for question in self.questions.questions:
            if question.aspect is None or question.slot is None:
                continue
            item_key = question.item
            if not _item_applicable(answers, item_key):
                continue  # not asked for this case type, or the gate was answered NO
            per_person = answers.persons.get(question.code)
            reasons = self._na_reasons(answers, question.code)
            if per_person:
                for key, value in per_person.items():
                    why = reasons.get(key, reasons.get("")) if value == NA else ""
                    rows.append(
                        ParticipantAnswer(
                            key, question.slot, item_key, question.code, question.aspect, value, why or ""
                        )
                    )
                continue
            value = answers.get(question.code)
            if value is None or question.code in answers.derived and "not asked" in answers.derived[question.code]:
                continue
            holders = [
                p.key
                for p in participants
                if p.role in SLOT_ROLES[question.slot] and not (question.slot == "SIBLING" and p.target)
            ]
            holder = holders[0] if len(holders) == 1 else None
            why = (reasons.get(holder or "") or reasons.get("") or "") if value == NA else ""
            rows.append(ParticipantAnswer(holder, question.slot, item_key, question.code, question.aspect, value, why))
        return rows

    def _na_reasons(self, answers: Answers, code: str) -> dict[str, str]:
        """Why-not-applicable answers explaining `code`, by person ("" for one answer for the role)."""
        reason = f"{code}NA"
        if reason not in self.questions or self.questions[reason].explains != code:
            return {}
        people = answers.persons.get(reason)
        if people is not None:
            return {k: v for k, v in people.items() if v}
        value = answers.get(reason)
        return {"": value} if value else {}

    def not_asked(self, question: Question, answers: Answers) -> str:
        """Why `question` is not asked with these answers ("" when it is): a why-not-applicable question is
        asked only when the answer it explains is NA (for the role or for someone)."""
        lead = question.explains
        if lead is None:
            return ""
        values = [answers.get(lead), *(answers.persons.get(lead) or {}).values()]
        if NA in values:
            return ""
        who = question.slot.lower() if question.slot else "person"
        return f"Asked only when {lead} is NA (the {who} is not applicable)."

    def federal_codes(self) -> dict[str, str]:
        """This tool's codes and letters whose federal counterpart differs (instrument page and exports)."""
        codes = {q.code: q.federal for q in self.questions.questions if q.federal}
        for field_ in self.face_sheet:
            if field_.draft:
                codes[f"face_sheet.{field_.code}"] = (
                    f"Round 4 {field_.code} (draft Round 3 {field_.draft}; format_version 1 files use {field_.draft})"
                )
        return codes

    def missing_questions(self, answers: Answers) -> list[str]:
        """Required questions of applicable items still unanswered (the unanswered-question navigator)."""
        missing = []
        for question in self.questions.questions:
            if not (question.rated or question.required or question.is_gate):
                continue
            if answers.case_type not in question.case_types:
                continue
            if not _item_applicable(answers, question.item) and not question.is_gate:
                continue
            if not answers.has(question.code):
                missing.append(question.code)
        # Why a parent is NA (Round 4): asked when the parent's answer is NA; does not change the rating.
        for question in self.questions.questions:
            lead = question.explains
            if lead and _item_applicable(answers, question.item) and missing_reason(answers, lead, question.code):
                missing.append(question.code)
        return sorted(set(missing), key=lambda code: self.questions.order(code))

    def missing_narratives(self, answers: Answers, narratives: Mapping[str, str]) -> list[str]:
        """Questions answered with their concern answer ("No" narratives) that lack a narrative."""
        return [
            q.code
            for q in self.questions.questions
            if q.concern
            and q.code not in answers.derived
            and (answers.get(q.code) == q.concern or q.concern in (answers.persons.get(q.code) or {}).values())
            and not narratives.get(q.code)
        ]


def missing_rationales(scoring: Scoring, narratives: Mapping[str, str]) -> list[str]:
    """Rated items (Strength or ANI) without a rating rationale statement (narrative keyed by item)."""
    return [
        key
        for key in SCORING_ORDER
        if key.isdigit() and scoring.items[key] in (STRENGTH, ANI) and not narratives.get(key)
    ]


def _item_applicable(answers: Answers, item_key: str) -> bool:
    number = "".join(ch for ch in item_key if ch.isdigit())
    gate = f"{number}APP"
    if number in {"4", "5", "6", "7", "8", "9", "10", "11"} and not answers.foster_care:
        return False
    if number == "17" and answers.foster_care:
        return True
    return answers.get(gate) != NO


OUTCOME_OVERRIDE_VALUES = ("SUBSTANTIALLY_ACHIEVED", "PARTIALLY_ACHIEVED", "NOT_ACHIEVED", NA)


def never_na(item: Item, case_type: str) -> str:
    """Why `item` can never be NA in this case type (" in foster care cases"), or "" when it can be."""
    if item.never_na == "always":
        return " in any case"
    if item.never_na == "foster care" and case_type == FOSTER_CARE:
        return " in foster care cases"
    return ""


ROUND4 = Instrument(
    version="osri-r4",
    title="CFSR Onsite Review Instrument, Round 4",
    questions=QuestionBook(list(QUESTIONS)),
    face_sheet=FACE_SHEET,
    items=ITEMS,
    outcomes=OUTCOMES,
)
