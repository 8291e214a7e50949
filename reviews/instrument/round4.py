"""The assembled Round 4 instrument: questions + items + outcomes, versioned "osri-r4"."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .answers import Answers, Participant, Problem, build_answers
from .items import ANI, ITEMS, ITEMS_BY_KEY, SCORING_ORDER, STRENGTH, Item, Rating, combine_12
from .outcomes import OUTCOMES, OUTCOMES_BY_KEY, Outcome, OutcomeRating
from .questions import NA, NO, SLOT_ROLES, FaceSheetField, Question, QuestionBook
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

    def check_overrides(self, overrides: Mapping[str, Override]) -> list[Problem]:
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
        problems += self.check_overrides(overrides)
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
            if per_person:
                for key, value in per_person.items():
                    rows.append(ParticipantAnswer(key, question.slot, item_key, question.code, question.aspect, value))
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
            rows.append(ParticipantAnswer(holder, question.slot, item_key, question.code, question.aspect, value))
        return rows

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
        return missing

    def missing_narratives(self, answers: Answers, narratives: Mapping[str, str]) -> list[str]:
        """Questions answered with their concern answer ("No" narratives) that lack a narrative."""
        return [
            q.code
            for q in self.questions.questions
            if q.concern
            and q.code not in answers.derived
            and answers.get(q.code) == q.concern
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

ROUND4 = Instrument(
    version="osri-r4",
    title="CFSR Onsite Review Instrument, Round 4",
    questions=QuestionBook(list(QUESTIONS)),
    face_sheet=FACE_SHEET,
    items=ITEMS,
    outcomes=OUTCOMES,
)
