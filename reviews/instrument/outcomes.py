"""The seven outcomes and how item ratings roll up into them (spec osri.md §4)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .items import ANI, INCOMPLETE, STRENGTH
from .questions import NA

SUBSTANTIALLY_ACHIEVED = "SUBSTANTIALLY_ACHIEVED"
PARTIALLY_ACHIEVED = "PARTIALLY_ACHIEVED"
NOT_ACHIEVED = "NOT_ACHIEVED"
OUTCOME_RATINGS = (SUBSTANTIALLY_ACHIEVED, PARTIALLY_ACHIEVED, NOT_ACHIEVED, NA, INCOMPLETE)
OUTCOME_RATING_LABELS = {
    SUBSTANTIALLY_ACHIEVED: "Substantially achieved",
    PARTIALLY_ACHIEVED: "Partially achieved",
    NOT_ACHIEVED: "Not achieved",
    NA: "Not applicable",
    INCOMPLETE: "Incomplete",
}


@dataclass(frozen=True)
class OutcomeRating:
    value: str
    reasons: tuple[str, ...] = ()


def _listing(ratings: Mapping[str, str]) -> tuple[str, ...]:
    return tuple(f"item {k} = {v}" for k, v in ratings.items())


def generic_outcome(ratings: Mapping[str, str]) -> OutcomeRating:
    """S1, S2, P1, WB1, WB2, WB3: NA items are neutral (spec §4.1)."""
    if INCOMPLETE in ratings.values():
        return OutcomeRating(
            INCOMPLETE, tuple(f"item {k} is INCOMPLETE" for k, v in ratings.items() if v == INCOMPLETE)
        )
    applicable = [v for v in ratings.values() if v != NA]
    reasons = _listing(ratings)
    if not applicable:
        return OutcomeRating(NA, reasons)
    if all(v == STRENGTH for v in applicable):
        return OutcomeRating(SUBSTANTIALLY_ACHIEVED, reasons)
    if all(v == ANI for v in applicable):
        return OutcomeRating(NOT_ACHIEVED, reasons)
    return OutcomeRating(PARTIALLY_ACHIEVED, reasons)


def permanency_2_outcome(ratings: Mapping[str, str]) -> OutcomeRating:
    """P2 tolerates one ANI when at least one item is a Strength (spec §4.2)."""
    if INCOMPLETE in ratings.values():
        return OutcomeRating(
            INCOMPLETE, tuple(f"item {k} is INCOMPLETE" for k, v in ratings.items() if v == INCOMPLETE)
        )
    strengths = sum(1 for v in ratings.values() if v == STRENGTH)
    anis = sum(1 for v in ratings.values() if v == ANI)
    reasons = (*_listing(ratings), f"{strengths} Strength, {anis} ANI")
    if strengths + anis == 0:
        return OutcomeRating(NA, reasons)
    if strengths >= 1 and anis <= 1:
        return OutcomeRating(SUBSTANTIALLY_ACHIEVED, reasons)
    if strengths >= 1:
        return OutcomeRating(PARTIALLY_ACHIEVED, reasons)
    return OutcomeRating(NOT_ACHIEVED, reasons)


@dataclass(frozen=True)
class Outcome:
    key: str
    domain: str
    statement: str
    items: tuple[str, ...]
    rule: Callable[[Mapping[str, str]], OutcomeRating]
    rule_text: str
    tag: str = "S"

    def rate(self, item_ratings: Mapping[str, str]) -> OutcomeRating:
        return self.rule({key: item_ratings[key] for key in self.items})


_GENERIC = (
    "NA if every item is NA; Substantially achieved if every applicable item is a Strength; Not achieved if "
    "every applicable item is ANI; otherwise Partially achieved. NA items are neutral."
)

OUTCOMES: tuple[Outcome, ...] = (
    Outcome(
        "S1",
        "Safety",
        "Children are, first and foremost, protected from abuse and neglect.",
        ("1",),
        generic_outcome,
        _GENERIC,
    ),
    Outcome(
        "S2",
        "Safety",
        "Children are safely maintained in their homes whenever possible and appropriate.",
        ("2", "3"),
        generic_outcome,
        _GENERIC,
    ),
    Outcome(
        "P1",
        "Permanency",
        "Children have permanency and stability in their living situations.",
        ("4", "5", "6"),
        generic_outcome,
        _GENERIC + " (Item 5 NA with items 4 and 6 Strengths is Substantially achieved [R].)",
        tag="R",
    ),
    Outcome(
        "P2",
        "Permanency",
        "The continuity of family relationships and connections is preserved for children.",
        ("7", "8", "9", "10", "11"),
        permanency_2_outcome,
        "NA if all five items are NA; Substantially achieved with at least one Strength and at most one ANI; "
        "Partially achieved with at least one Strength and two or more ANI; Not achieved with no Strength.",
    ),
    Outcome(
        "WB1",
        "Well-Being",
        "Families have enhanced capacity to provide for their children's needs.",
        ("12", "13", "14", "15"),
        generic_outcome,
        _GENERIC,
        tag="R",
    ),
    Outcome(
        "WB2",
        "Well-Being",
        "Children receive appropriate services to meet their educational needs.",
        ("16",),
        generic_outcome,
        _GENERIC,
        tag="R",
    ),
    Outcome(
        "WB3",
        "Well-Being",
        "Children receive adequate services to meet their physical and mental health needs.",
        ("17", "18"),
        generic_outcome,
        _GENERIC,
        tag="R",
    ),
)

OUTCOME_KEYS: tuple[str, ...] = tuple(o.key for o in OUTCOMES)
OUTCOMES_BY_KEY: dict[str, Outcome] = {o.key: o for o in OUTCOMES}
