"""Builders for the review-entry tests: a complete foster care review assigned to a reviewer."""

from __future__ import annotations

import datetime as dt

from reviews.instrument import ROUND4
from reviews.models import Review
from reviews.scoring import record_answers
from tests.reviews.factories import COMPLETE_FC, COMPLETE_FC_ROWS, make_case, make_review


def narratives_for(answers: dict, rationales: bool = True) -> dict[str, str]:
    """A "No" narrative for every answer that signals a concern, and every item's rating rationale."""
    scoring = ROUND4.score("FOSTER_CARE", answers)
    result = {code: f"Synthetic narrative for {code}." for code in ROUND4.missing_narratives(scoring.answers, {})}
    if rationales:
        result.update({str(n): f"Synthetic rationale for item {n}." for n in range(1, 19)})
    return result


def complete_review(
    reviewer=None, case_id: str = "UI-0001", agency: str = "6ZA", status: str = Review.Status.IN_PROGRESS, drop=()
) -> Review:
    """A foster care review with every item rated (drop= leaves answers out), assigned to `reviewer`."""
    review = make_review(make_case(case_id, agency=agency), pur_start=dt.date(2023, 4, 1))
    answers = {k: v for k, v in {**COMPLETE_FC, **COMPLETE_FC_ROWS}.items() if k not in drop}
    record_answers(review, answers, narratives_for(answers))
    if reviewer is not None:
        review.reviewers.add(reviewer)
    if status != Review.Status.IN_PROGRESS:
        # Submitted once: the period under review ended then (it counts in 2023Q2).
        Review.objects.filter(pk=review.pk).update(status=status, pur_end=dt.date(2023, 6, 30))
    review.refresh_from_db()
    return review
