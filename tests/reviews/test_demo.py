"""The demo seed creates scored reviews in several statuses and is idempotent."""

from __future__ import annotations

import io

import pytest

from accounts.demo import seed as seed_accounts
from reviews import demo
from reviews.models import Case, ItemRating, QANote, Review, Sample, SampleCase

pytestmark = pytest.mark.django_db


def snapshot() -> tuple:
    return (
        sorted(Review.objects.values_list("case__case_id", "status", "version")),
        sorted(ItemRating.objects.values_list("review__case__case_id", "item", "calculated", "effective", "override")),
        Case.objects.count(),
        QANote.objects.count(),
        sorted(SampleCase.objects.values_list("case__case_id", "stratum", "draw_order")),
    )


def test_demo_seed_creates_scored_reviews_and_is_idempotent():
    seed_accounts(io.StringIO())
    out = io.StringIO()
    demo.seed(out)
    assert out.getvalue().startswith("reviews: 7 demo reviews (7 created)")
    # The calibration round's reviews (reviews/demo_calibration.py) are tested in test_demo_calibration.py.
    statuses = dict(
        Review.objects.exclude(case__case_id__startswith="DEMO-CAL-").values_list("case__case_id", "status")
    )
    assert statuses["DEMO-6ZA-0004"] == "finalized"
    assert set(statuses.values()) == {"in_progress", "first_level_qa", "returned", "finalized", "second_level_qa"}
    assert set(Review.objects.values_list("case__agency__code", flat=True)) == {"6ZA", "6ZB"}

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

    before = snapshot()
    again = io.StringIO()
    demo.seed(again)
    assert again.getvalue().startswith("reviews: 7 demo reviews (7 unchanged)")
    assert snapshot() == before


def test_demo_seed_works_without_the_demo_users():
    out = io.StringIO()
    demo.seed(out)
    assert "qa_6za not found, demo QA notes skipped" in out.getvalue()
    assert Review.objects.count() == 7
    assert not Review.objects.filter(reviewers__isnull=False).exists()
