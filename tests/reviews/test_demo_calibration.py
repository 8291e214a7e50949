"""The demo's finished calibration round: 2023Q3, 6ZA, six dual-reviewed cases reconciled; idempotent."""

from __future__ import annotations

import io

import pytest

from accounts.demo import seed as seed_accounts
from reviews import calibration, demo, demo_calibration
from reviews.models import DualReview, Review

pytestmark = pytest.mark.django_db


def snapshot() -> tuple:
    return (
        sorted(Review.objects.values_list("case__case_id", "status", "calibration", "pur_end", "version")),
        sorted(DualReview.objects.values_list("case__case_id", "first_id", "second_id", "consensus_id")),
    )


def test_the_demo_round_is_finished_and_seeding_twice_changes_nothing():
    seed_accounts(io.StringIO())
    out = io.StringIO()
    demo.seed(out)
    assert "calibration round 2023Q3 for 6ZA: 6 dual-reviewed cases" in out.getvalue()
    duals = DualReview.objects.filter(quarter="2023Q3", case__agency__code="6ZA")
    assert duals.count() == 6 and not duals.filter(consensus__isnull=True).exists()
    assert set(duals.values_list("first__reviewers__username", "second__reviewers__username")) == {
        ("reviewer_6za", "reviewer2_6za")
    }
    dual = duals.get(draw_order=duals.order_by("draw_order").first().draw_order)
    assert calibration.reproduces(dual.round)
    # Consensus reviews: ordinary, submitted for QA, in 2023Q3.
    consensus = Review.objects.filter(dual_as_consensus__in=duals)
    assert set(consensus.values_list("status", "calibration")) == {("submitted", False)}
    assert {r.pur_end.isoformat()[:7] for r in consensus} == {"2023-08"}
    # Some disagreements: items 14 and 16 are not in perfect agreement.
    stats = {row["key"]: row for row in calibration.agreement_statistics("2023Q3", dual.case.agency)["items"]}
    assert stats["14"]["pairs"] == 6 and stats["14"]["percent_agreement"] != "100.0"
    assert stats["16"]["percent_agreement"] != "100.0"
    assert stats["3"]["percent_agreement"] == "100.0"
    # The cases differ from one another, so kappa is defined where the ratings vary. Item 14 (A, B) by case:
    # (ANI, S), (S, S), (S, S), (ANI, S), (ANI, ANI), (ANI, ANI): p_o = 4/6, p_e = 4/6 * 2/6 + 2/6 * 4/6 = 4/9,
    # kappa = (2/3 - 4/9) / (5/9) = 0.40.
    assert (stats["14"]["percent_agreement"], stats["14"]["kappa"]) == ("66.7", "0.40")
    assert {key for key, row in stats.items() if row["kappa"] is not None} == {"11", "12", "12B", "13", "14", "16"}
    # Two cases of the calibration sample are left for a QA lead to draw or mark on the demo.
    sample = dual.round.sample
    assert sample.cases.exclude(case__dual_reviews__isnull=False).count() == 2

    before = snapshot()
    again = io.StringIO()
    demo.seed(again)
    assert "calibration round 2023Q3 for 6ZA already there" in again.getvalue()
    assert snapshot() == before


def test_without_the_second_reviewer_the_round_is_skipped():
    out = io.StringIO()
    demo_calibration.seed(out)
    assert "the calibration round is skipped" in out.getvalue()
    assert not DualReview.objects.exists()
