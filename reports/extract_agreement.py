"""Agreement between case reviews and the extract, in aggregate (issue 16, part 3).

For a set of reviews (already scoped by the caller: the quarterly report's reviews of the quarter,
or one case's reviews in the admin), per item and agency: how many linked reviews could be compared
on the item (at least one of its checks answered), in how many the review and the extract agree on
every check of the item, the share, and the disagreements listed (case, review, check, reason).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from reports import case_check
from reports.models import CaseExtractLink
from reports.quarterly import Quarter, Scope, reviews_in_quarter

# The items the comparisons speak to, in instrument order.
ITEMS = ("1", "3", "4", "5", "6", "8", "14", "15", "17")


@dataclass
class Disagreement:
    case_id: str
    review_pk: int
    item: str
    check: str
    reason: str


@dataclass
class AgreementRow:
    item: str
    agency: str
    compared: int = 0
    agree: int = 0
    disagreements: list[Disagreement] = field(default_factory=list)

    @property
    def share(self) -> Decimal | None:
        if not self.compared:
            return None
        return (Decimal(100) * self.agree / self.compared).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def agreement(reviews) -> tuple[list[AgreementRow], int]:
    """(rows per item and agency with at least one compared review, number of linked reviews)."""
    reviews = list(reviews.select_related("case__agency"))
    links = {link.case_id: link for link in CaseExtractLink.objects.filter(case_id__in={r.case_id for r in reviews})}
    rows: dict[tuple[str, str], AgreementRow] = {}
    pairs = [
        (review, links[review.case_id])
        for review in sorted(reviews, key=lambda r: (r.case.agency.code, r.case.case_id, r.pk))
        if review.case_id in links
    ]
    linked = len(pairs)
    comparisons = case_check.compare_reviews(pairs)
    for review, _link in pairs:
        comparison = comparisons[review.pk]
        code = review.case.agency.code
        for item in ITEMS:
            checks = [c for c in comparison.for_item(item) if c.compared]
            if not checks:
                continue
            row = rows.setdefault((item, code), AgreementRow(item, code))
            row.compared += 1
            flagged = [c for c in checks if c.disagrees]
            if flagged:
                row.disagreements += [
                    Disagreement(review.case.case_id, review.pk, item, c.key, c.reason) for c in flagged
                ]
            else:
                row.agree += 1
    ordered = sorted(rows.values(), key=lambda r: (ITEMS.index(r.item), r.agency))
    return ordered, linked


def as_json(rows: list[AgreementRow], linked: int) -> dict:
    """The snapshot's form (reports.document): plain values only."""
    return {
        "linked_reviews": linked,
        "rows": [
            {
                "item": r.item,
                "agency": r.agency,
                "compared": r.compared,
                "agree": r.agree,
                "share": str(r.share) if r.share is not None else None,
                "disagreements": [
                    {"case_id": d.case_id, "check": d.check, "reason": d.reason} for d in r.disagreements
                ],
            }
            for r in rows
        ],
    }


def for_report(user, quarter: Quarter, scope: Scope) -> dict | None:
    """The quarterly report's agreement section (JSON form), over the report's own reviews of the
    quarter in the user's scope; None when none of them is linked to the extract."""
    rows, linked = agreement(reviews_in_quarter(user, quarter, scope))
    return as_json(rows, linked) if linked else None
