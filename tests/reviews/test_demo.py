"""The demo seed: seven hand-made reviews plus a generated quarter of 53, scored, varied, idempotent."""

from __future__ import annotations

import io
from collections import Counter

import pytest

from accounts.demo import seed as seed_accounts
from reviews import demo
from reviews.models import Answer, Case, ItemRating, QANote, Review, Sample, SampleCase
from reviews.summaries import ani_reasons

pytestmark = pytest.mark.django_db

REPORTED = ("approved", "second_level_qa", "finalized")


def snapshot() -> tuple:
    return (
        sorted(Review.objects.values_list("case__case_id", "status", "version")),
        sorted(ItemRating.objects.values_list("review__case__case_id", "item", "calculated", "effective", "override")),
        Case.objects.count(),
        Answer.objects.count(),
        sorted(QANote.objects.values_list("review__case__case_id", "question_code", "text", "resolved")),
        sorted(SampleCase.objects.values_list("case__case_id", "stratum", "draw_order")),
    )


def strength_share(item: str) -> tuple[int, int]:
    rows = ItemRating.objects.filter(review__status__in=REPORTED, item=item, effective__in=["STRENGTH", "ANI"])
    return rows.filter(effective="STRENGTH").count(), rows.count()


def test_demo_seed_creates_scored_reviews_and_is_idempotent():
    seed_accounts(io.StringIO())
    out = io.StringIO()
    demo.seed(out)
    assert out.getvalue().startswith("reviews: 7 demo reviews (7 created)")
    assert "reviews: 53 generated reviews of 2023Q3 (53 created)" in out.getvalue()
    # The calibration round's reviews (reviews/demo_calibration.py) are tested in test_demo_calibration.py.
    statuses = dict(
        Review.objects.exclude(case__case_id__startswith="DEMO-CAL-").values_list("case__case_id", "status")
    )
    assert statuses["DEMO-6ZA-0004"] == "finalized"
    assert len(statuses) == 60
    # Every workflow state, one review eliminated, most past first-level QA.
    assert Counter(statuses.values()) == {
        "finalized": 27,
        "approved": 7,
        "second_level_qa": 6,
        "first_level_qa": 4,
        "submitted": 3,
        "returned": 5,
        "in_progress": 7,
        "eliminated": 1,
    }
    assert Counter(
        Review.objects.exclude(case__case_id__startswith="DEMO-CAL-").values_list("case__case_type", flat=True)
    ) == {"FOSTER_CARE": 36, "IN_HOME": 24}
    agencies = Counter(
        Review.objects.exclude(case__case_id__startswith="DEMO-CAL-").values_list("case__agency__code", flat=True)
    )
    assert agencies == {
        "6ZA": 12,
        "6ZB": 10,
        "6ZC": 5,
        "6ZJ": 4,
        "6ZK": 4,
        "6ZL": 4,
        "6ZM": 4,
        "6ZO": 4,
        "6ZR": 4,
        "6ZS": 4,
        "6ZV": 3,
        "6AW": 2,
    }
    # The generated cases lie in the counties the synthetic extract gives their agency.
    assert Case.objects.get(case_id="DEMO-6ZC-0011").county_id in demo._counties_by_agency()["6ZC"]

    finalized = Review.objects.get(case__case_id="DEMO-6ZA-0004")
    row = finalized.item_ratings.get(item="14")
    assert (row.calculated, row.effective, row.override_by.username) == ("ANI", "STRENGTH", "qa_6za")
    assert finalized.outcome_ratings.get(outcome="WB1").effective == "SUBSTANTIALLY_ACHIEVED"
    assert finalized.reviewers.get().username == "reviewer_6za"
    unfinished = Review.objects.get(case__case_id="DEMO-6ZA-0001")
    assert unfinished.item_ratings.get(item="14").effective == "INCOMPLETE"
    in_home = Review.objects.get(case__case_id="DEMO-6ZB-0002")
    assert dict(in_home.item_ratings.filter(item__in=["1", "4", "18"]).values_list("item", "effective")) == {
        "1": "STRENGTH",
        "4": "NA",
        "18": "ANI",
    }
    assert Sample.objects.get(seed=20230701).cases.count() == 16

    # Ratings vary the way real reviews do: most items mostly Strength, 14, 15 and 12B weaker.
    assert strength_share("14") == (23, 40)
    assert strength_share("15") == (19, 40)
    assert strength_share("12B") == (24, 40)
    for item in ("1", "2", "3", "4", "9", "10", "11", "12C", "16"):
        achieved, applicable = strength_share(item)
        assert achieved >= 0.85 * applicable > 0, item
    # Fathers answered apart from mothers and from each other.
    fathers = Answer.objects.filter(question_code="15C2", participant__key__in=["f1", "f2"])
    split = [
        pk
        for pk in fathers.values_list("review", flat=True).distinct()
        if len(set(fathers.filter(review=pk).values_list("value", flat=True))) == 2
    ]
    assert len(split) >= 2
    # The same ANI reasons recur: item 14's most common one decides at least 10 ratings.
    by_item = {row.item: row for row in ani_reasons(Review.objects.filter(status__in=REPORTED))}
    assert by_item["14"].reasons[0][1] >= 10
    # Returned reviews of 6ZA and 6ZB carry an open QA note for their reviewer.
    returned = Review.objects.filter(status="returned", case__agency__code__in=["6ZA", "6ZB"])
    assert returned.count() == 2
    assert all(r.qa_notes.filter(resolved=False).exists() for r in returned)

    before = snapshot()
    again = io.StringIO()
    demo.seed(again)
    assert again.getvalue().startswith("reviews: 7 demo reviews (7 unchanged)")
    assert "reviews: 53 generated reviews of 2023Q3 (53 unchanged)" in again.getvalue()
    assert snapshot() == before


def test_the_generated_quarter_is_the_same_on_every_run():
    first = [demo.generated_document(*row[:4], row[4], demo.random.Random(f"x{row[0]}")) for row in demo.quarter_plan()]
    second = [
        demo.generated_document(*row[:4], row[4], demo.random.Random(f"x{row[0]}")) for row in demo.quarter_plan()
    ]
    assert first == second
    assert len(first) == 53


def test_demo_seed_works_without_the_demo_users():
    out = io.StringIO()
    demo.seed(out, generated=False)
    assert "qa_6za not found, demo QA notes skipped" in out.getvalue()
    assert Review.objects.count() == 7
    assert not Review.objects.filter(reviewers__isnull=False).exists()
