"""Aggregate review results for reports: item and outcome performance, per-parent measures.

Performance is measured on applicable cases only (spec osri.md §4.3): an item's performance is
the share of cases rated Strength among cases rated Strength or ANI; an outcome's, the share
Substantially achieved among cases where it is not NA (or incomplete). Counts come from the
stored rating rows, so one query per measure serves any set of reviews (agency, site, period).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from reviews.instrument.items import SCORING_ORDER
from reviews.instrument.outcomes import OUTCOME_KEYS
from reviews.models import ItemRating, OutcomeRating, ParticipantRating, Review


@dataclass(frozen=True)
class Measure:
    key: str
    applicable: int
    achieved: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.achieved / self.applicable, 1) if self.applicable else None


def item_performance(reviews: QuerySet[Review]) -> list[Measure]:
    """Per item: applicable cases (Strength or ANI, effective rating) and Strengths."""
    rows = (
        ItemRating.objects.filter(review__in=reviews)
        .values("item")
        .annotate(
            applicable=Count("id", filter=Q(effective__in=["STRENGTH", "ANI"])),
            achieved=Count("id", filter=Q(effective="STRENGTH")),
        )
    )
    found = {row["item"]: row for row in rows}
    return [
        Measure(key, found.get(key, {}).get("applicable", 0), found.get(key, {}).get("achieved", 0))
        for key in SCORING_ORDER
    ]


def outcome_performance(reviews: QuerySet[Review]) -> list[Measure]:
    """Per outcome: applicable cases (rated, not NA) and cases Substantially achieved."""
    rated = ["SUBSTANTIALLY_ACHIEVED", "PARTIALLY_ACHIEVED", "NOT_ACHIEVED"]
    rows = (
        OutcomeRating.objects.filter(review__in=reviews)
        .values("outcome")
        .annotate(
            applicable=Count("id", filter=Q(effective__in=rated)),
            achieved=Count("id", filter=Q(effective="SUBSTANTIALLY_ACHIEVED")),
        )
    )
    found = {row["outcome"]: row for row in rows}
    return [
        Measure(key, found.get(key, {}).get("applicable", 0), found.get(key, {}).get("achieved", 0))
        for key in OUTCOME_KEYS
    ]


def participant_measures(reviews: QuerySet[Review]) -> list[Measure]:
    """Per question (e.g. 8B father frequency): cases where it applied and cases where it was sufficient.

    A case counts once even with several fathers: its answer is the slot answer (any NO is not
    sufficient; otherwise any YES is sufficient; all NA is not applicable), as in the seed report's
    "father frequency sufficient in 5 of 30 applicable cases".
    """
    per_case = (
        ParticipantRating.objects.filter(review__in=reviews)
        .values("review", "question_code")
        .annotate(
            noes=Count("id", filter=Q(answer="NO")),
            yeses=Count("id", filter=Q(answer="YES")),
        )
    )
    applicable: dict[str, int] = defaultdict(int)
    sufficient: dict[str, int] = defaultdict(int)
    for row in per_case:
        code = row["question_code"]
        if row["noes"] or row["yeses"]:
            applicable[code] += 1
        if row["yeses"] and not row["noes"]:
            sufficient[code] += 1
    return [Measure(code, applicable[code], sufficient[code]) for code in sorted(applicable, key=_code_order)]


def ani_reasons(reviews: QuerySet[Review], item: str) -> dict[str, int]:
    """How often each reason decided an ANI for `item` (e.g. '14B = NO': 13)."""
    counts: dict[str, int] = defaultdict(int)
    for reasons in ItemRating.objects.filter(review__in=reviews, item=item, calculated="ANI").values_list(
        "reasons", flat=True
    ):
        for reason in reasons:
            counts[reason.split(" (")[0]] += 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _code_order(code: str) -> tuple[int, str]:
    # Item number first ("8B" before "15B1"), then the code.
    digits = ""
    for ch in code:
        if not ch.isdigit():
            break
        digits += ch
    return (int(digits or 0), code)
