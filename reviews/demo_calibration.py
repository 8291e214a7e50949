"""A finished calibration round in 2023Q3 for agency 6ZA (synthetic demo data). Idempotent.

Built through the same code paths as the pages: a 2023Q3 sample of eight 6ZA demo cases, a
calibration draw of six of them (reviews.calibration.draw, recorded seed), the two blind reviews of
each started together (start_dual_review) for reviewer_6za and reviewer2_6za, answered through
the workflow (participants, Face Sheet, answers: scored by the instrument) and submitted, then
reconciled into consensus reviews (reviews.reconciliation) by qa_6za with mixed choices. The two
cases left over stay in the sample, so a QA lead can draw or mark more on the demo.

Only the submission day is set by hand: the reviews were "submitted" in August 2023 (Face Sheet E),
so the round and its consensus reviews belong to 2023Q3 whatever day the demo is seeded.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from accounts.models import Agency, User
from reviews import calibration, reconciliation, workflow
from reviews.demo import FC_PEOPLE, FOSTER_CARE_ANSWERS
from reviews.instrument import ROUND4, Participant
from reviews.models import CalibrationRound, Case, Review, Sample, SampleCase

QUARTER = "2023Q3"
SAMPLE_SEED = 20230815
ROUND_SEED = 2023
PUR_START = dt.date(2023, 2, 1)
CASES = [f"DEMO-CAL-6ZA-{n:02d}" for n in range(1, 9)]
ROUND_SIZE = 6

# What each case's file shows, by draw order (1..6): both reviewers answer these, so the cases differ
# from one another (some items Strength in one case and ANI in another, as real cases do) and kappa
# is defined for the items that vary.
CASE_FACTS: list[dict[str, Any]] = [
    {},
    {"14B": "YES", "16A": "NO", "12B4": "NO"},
    {"14B": "YES"},
    {"11B": "NO"},
    {"13C": "NO"},
    {"16A": "NO", "11B": "NO"},
]
# What the second reviewer answered differently, by draw order (1..6): some disagreements, some none.
SECOND_DIFFERS: list[dict[str, Any]] = [
    {"14B": "YES", "16A": "NO"},
    {},
    {"11B": "NO", "13C": "NO"},
    {"14B": "YES"},
    {"16A": "NO", "12B4": "NO"},
    {},
]
# The QA lead's choice per difference, by code: A, B, or a new answer (value, note).
CHOICES = {
    "14B": {"take": "B"},
    "16A": {"take": "A"},
    "11B": {"take": "new", "value": "YES", "note": "The school meeting notes show the child's views were sought."},
    "13C": {"take": "A"},
    "12B4": {"take": "B"},
}


def _answers(base: dict[str, Any], changes: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    answers = {**base, **changes}
    people = [Participant(p["key"], p["role"], bool(p.get("target"))) for p in FC_PEOPLE]
    scoring = ROUND4.score("FOSTER_CARE", answers, people, {}, {})
    narratives = dict.fromkeys(ROUND4.missing_narratives(scoring.answers, {}), "Demo narrative: see case notes.")
    narratives.update({str(n): f"Demo rationale for item {n}: see the answers." for n in range(1, 19)})
    return answers, narratives


def _fill(review: Review, reviewer: User, changes: dict[str, Any], submitted: dt.date) -> None:
    """Enter the review as its reviewer would: participants, Face Sheet, answers; then submit it."""
    for person in FC_PEOPLE:
        details = {k: v for k, v in person.items() if k not in ("key", "role", "target", "label")}
        workflow.add_participant(
            review, reviewer, person["role"], person.get("label", ""), bool(person.get("target")), details
        )
    review.refresh_from_db()
    sheet = {"H": "NO", "I": "2022-11-02", "K": "2022-11-03", "L": "NOT_YET_DISCHARGED", "M": "NOT_CLOSED_BY_REVIEW",
             "N1": ["NEGLECT", "SUBSTANCE_ABUSE_PARENT"], "N2": "NEGLECT"}  # fmt: skip
    workflow.save_face_sheet(review, reviewer, sheet, review.version)
    review.refresh_from_db()
    answers, narratives = _answers(FOSTER_CARE_ANSWERS, changes)
    workflow.save_answers(review, reviewer, answers, narratives, review.version)
    review.refresh_from_db()
    workflow.transition(review, "submit", reviewer)
    # The demo's reviews were submitted in August 2023: the period under review ended then (Face Sheet E).
    Review.objects.filter(pk=review.pk).update(
        pur_end=submitted, face_sheet={**Review.objects.get(pk=review.pk).face_sheet, "E": submitted.isoformat()}
    )


def _sample(qa: User) -> Sample:
    sample = Sample.objects.filter(quarter=QUARTER, seed=SAMPLE_SEED).first()
    if sample is not None:
        return sample
    agency = Agency.objects.get(code="6ZA")
    sample = Sample.objects.create(
        quarter=QUARTER, seed=SAMPLE_SEED, site_circuits=[16], site_size=len(CASES), case_types=["FOSTER_CARE"],
        created_by=qa,
    )  # fmt: skip
    for order, case_id in enumerate(CASES, start=1):
        case, _ = Case.objects.get_or_create(
            case_id=case_id,
            defaults={
                "agency": agency,
                "county_id": "29095",
                "case_type": "FOSTER_CARE",
                "opened_on": dt.date(2022, 11, 2),
            },
        )
        SampleCase.objects.create(sample=sample, case=case, stratum="circuit 16 / FOSTER_CARE", draw_order=order)
    return sample


@transaction.atomic
def seed(stdout) -> None:
    users = {u.username: u for u in User.objects.filter(username__in=["qa_6za", "reviewer_6za", "reviewer2_6za"])}
    if len(users) < 3:
        stdout.write("reviews: qa_6za, reviewer_6za or reviewer2_6za not found, the calibration round is skipped")
        return
    qa, first, second = users["qa_6za"], users["reviewer_6za"], users["reviewer2_6za"]
    sample = _sample(qa)
    if CalibrationRound.objects.filter(sample=sample).exists():
        stdout.write(f"reviews: calibration round {QUARTER} for 6ZA already there")
        return
    round_ = calibration.draw(sample, qa, count=ROUND_SIZE, seed=ROUND_SEED)
    for dual, facts, changes in zip(round_.cases.order_by("draw_order"), CASE_FACTS, SECOND_DIFFERS, strict=True):
        a, b = calibration.start_dual_review(dual, first, second, PUR_START, qa)
        _fill(a, first, facts, dt.date(2023, 8, 7))
        _fill(b, second, {**facts, **changes}, dt.date(2023, 8, 14))
        dual.refresh_from_db()
        choices = {d.key: CHOICES[d.code] for d in reconciliation.differences(dual)}
        problems = reconciliation.save_choices(dual, qa, choices)
        if problems:
            raise ValueError(f"demo calibration choices refused: {problems}")
        reconciliation.create_consensus(dual, qa)
    stdout.write(
        f"reviews: calibration round {QUARTER} for 6ZA: {ROUND_SIZE} dual-reviewed cases (seed {ROUND_SEED}), "
        "reconciled into consensus reviews"
    )
