"""Calibration cases: a reproducible subsample of a quarter's sample, single cases, starting the pair."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from accounts.models import AuditEntry
from reviews import calibration, workflow
from reviews.models import CalibrationRound, DualReview, Review, Sample, SampleCase

from .factories import make_case

pytestmark = pytest.mark.django_db
S = Review.Status


@pytest.fixture
def sample():
    """A 2023Q3 sample of 20 6ZA cases (CAL-01 … CAL-20); CAL-20 eliminated."""
    sample = Sample.objects.create(quarter="2023Q3", seed=7, site_circuits=[16], site_size=20)
    for n in range(1, 21):
        SampleCase.objects.create(
            sample=sample, case=make_case(f"CAL-{n:02d}"), stratum="circuit 16 / FOSTER_CARE", draw_order=n
        )
    SampleCase.objects.filter(case__case_id="CAL-20").update(eliminated=True, elimination_reason="other")
    return sample


@pytest.fixture
def reviewer_a2(make_user):
    return make_user("reviewer_a2", ("reviewer", "6ZA"))


def drawn(round_: CalibrationRound) -> list[str]:
    return list(round_.cases.order_by("draw_order").values_list("case__case_id", flat=True))


def test_the_same_seed_draws_the_same_cases(sample, personas):
    first = calibration.draw(sample, personas.qa_a, count=4, seed=2023)
    assert first.seed == 2023 and first.count == 4 and first.share is None and first.drawn_by == personas.qa_a
    assert len(drawn(first)) == 4
    assert calibration.reproduces(first)
    order = [e.case.case_id for e in calibration.plan(sample, 2023)]
    assert drawn(first) == order[:4]
    assert order == [e.case.case_id for e in calibration.plan(sample, 2023)]  # same seed, same order
    assert order != [e.case.case_id for e in calibration.plan(sample, 2024)]
    assert "CAL-20" not in order  # eliminated cases are not calibrated
    assert AuditEntry.objects.filter(action="reviews.calibration.drawn").count() == 1


def test_a_second_round_skips_cases_already_calibrated_in_the_quarter(sample, personas):
    first = calibration.draw(sample, personas.qa_a, count=4, seed=2023)
    second = calibration.draw(sample, personas.qa_a, count=3, seed=2023)
    assert drawn(second) == [e.case.case_id for e in calibration.plan(sample, 2023)][4:7]
    assert not set(drawn(first)) & set(drawn(second))
    assert calibration.reproduces(second)


@pytest.mark.parametrize(
    ("available", "share", "count", "expected"),
    [
        (19, "0.1", None, 2),  # 1.9 -> 2
        (25, "0.1", None, 3),  # 2.5 -> 3, half-up
        (19, "0.01", None, 1),  # at least one
        (19, "1", None, 19),
        (19, None, 5, 5),
    ],
)
def test_size_of_a_share_or_a_count(available, share, count, expected):
    assert calibration.size_of(available, share, count) == expected


@pytest.mark.parametrize(
    ("share", "count", "message"),
    [
        (None, None, "either a share or a count"),
        ("0.1", 2, "either a share or a count"),
        ("0", None, "more than 0"),
        ("1.5", None, "more than 0"),
        (None, 0, "at least 1"),
        (None, 20, "cannot draw 20 calibration cases from 19"),
    ],
)
def test_bad_sizes_are_refused(sample, personas, share, count, message):
    with pytest.raises(calibration.CalibrationError, match=message):
        calibration.draw(sample, personas.qa_a, share=share, count=count)
    assert not CalibrationRound.objects.exists()


def test_a_share_is_recorded(sample, personas):
    round_ = calibration.draw(sample, personas.qa_a, share="0.1")
    assert round_.share == Decimal("0.100") and round_.count is None
    assert len(drawn(round_)) == 2  # 10 % of 19
    assert round_.seed > 0  # a random seed is recorded


def test_only_a_qa_reviewer_in_every_agency_of_the_sample_draws(sample, personas):
    other = SampleCase.objects.create(
        sample=sample, case=make_case("CAL-B1", agency="6ZB"), stratum="statewide / FOSTER_CARE", draw_order=1
    )
    with pytest.raises(workflow.NotAllowed, match="not one in 6ZB"):
        calibration.draw(sample, personas.qa_a, count=2)
    for user in (personas.reviewer_a, personas.supervisor_a, personas.admin_a):
        with pytest.raises(workflow.NotAllowed):
            calibration.mark(other, user)
    with pytest.raises(workflow.NotAllowed):
        calibration.mark(other, personas.qa_a)
    assert calibration.mark(other, personas.qa_b).round is None


def test_marking_a_single_case(sample, personas):
    entry = sample.cases.get(case__case_id="CAL-03")
    dual = calibration.mark(entry, personas.qa_a)
    assert (dual.quarter, dual.case, dual.round, dual.marked_by) == ("2023Q3", entry.case, None, personas.qa_a)
    with pytest.raises(calibration.CalibrationError, match="CAL-03 is already a calibration case in 2023Q3"):
        calibration.mark(entry, personas.qa_a)
    with pytest.raises(calibration.CalibrationError, match="eliminated"):
        calibration.mark(sample.cases.get(case__case_id="CAL-20"), personas.qa_a)
    # A draw afterwards leaves the marked case out.
    round_ = calibration.draw(sample, personas.qa_a, count=18, seed=1)
    assert "CAL-03" not in drawn(round_)


def test_starting_the_two_blind_reviews(sample, personas, reviewer_a2):
    dual = calibration.mark(sample.cases.get(case__case_id="CAL-01"), personas.qa_a)
    first, second = calibration.start_dual_review(
        dual, personas.reviewer_a, reviewer_a2, dt.date(2023, 4, 1), personas.qa_a
    )
    dual.refresh_from_db()
    assert (dual.first, dual.second, dual.started_by) == (first, second, personas.qa_a)
    assert first.calibration and second.calibration
    assert first.pur_start == second.pur_start == dt.date(2023, 4, 1)
    assert list(first.reviewers.all()) == [personas.reviewer_a]
    assert list(second.reviewers.all()) == [reviewer_a2]
    assert first.status == second.status == S.IN_PROGRESS
    assert first.item_ratings.exists()  # scored like any review
    with pytest.raises(calibration.CalibrationError, match="already started"):
        calibration.start_dual_review(dual, personas.reviewer_a, reviewer_a2, dt.date(2023, 4, 1), personas.qa_a)
    # While the pair is open, no ordinary review of the case starts.
    with pytest.raises(workflow.Refused, match="already has a review in progress"):
        workflow.start_review(dual.case, personas.reviewer_a, dt.date(2023, 5, 1))
    assert AuditEntry.objects.filter(action="reviews.calibration.started").count() == 1


def test_the_same_reviewer_twice_or_a_non_reviewer_is_refused(sample, personas, make_user):
    dual = calibration.mark(sample.cases.get(case__case_id="CAL-01"), personas.qa_a)
    day = dt.date(2023, 4, 1)
    with pytest.raises(calibration.CalibrationError, match="two different reviewers"):
        calibration.start_dual_review(dual, personas.reviewer_a, personas.reviewer_a, day, personas.qa_a)
    for outsider in (personas.reviewer_b, personas.supervisor_a, personas.qa_a):
        with pytest.raises(calibration.CalibrationError, match="is not a reviewer in 6ZA"):
            calibration.start_dual_review(dual, personas.reviewer_a, outsider, day, personas.qa_a)
    with pytest.raises(workflow.NotAllowed):
        calibration.start_dual_review(
            dual, personas.reviewer_a, make_user("r2", ("reviewer", "6ZA")), day, personas.reviewer_a
        )
    with pytest.raises(workflow.Refused, match="cannot start in the future"):
        calibration.start_dual_review(
            dual, personas.reviewer_a, make_user("r3", ("reviewer", "6ZA")), dt.date(2999, 1, 1), personas.qa_a
        )
    assert not Review.objects.exists()


def test_the_database_keeps_the_pair_consistent(sample, personas):
    dual = calibration.mark(sample.cases.get(case__case_id="CAL-01"), personas.qa_a)
    review = Review.objects.create(case=dual.case, pur_start=dt.date(2023, 4, 1), calibration=True)
    with transaction.atomic(), pytest.raises(IntegrityError):
        DualReview.objects.filter(pk=dual.pk).update(first=review, second=review)
    with transaction.atomic(), pytest.raises(IntegrityError):
        DualReview.objects.filter(pk=dual.pk).update(first=review)
    with transaction.atomic(), pytest.raises(IntegrityError):
        CalibrationRound.objects.create(sample=sample, seed=1, share=Decimal("0.1"), count=2, drawn_by=personas.qa_a)
    # Two ordinary reviews of one period are still refused; two calibration ones are not.
    Review.objects.create(case=dual.case, pur_start=dt.date(2023, 4, 1), calibration=True)
    Review.objects.create(case=dual.case, pur_start=dt.date(2023, 4, 1))
    with transaction.atomic(), pytest.raises(IntegrityError):
        Review.objects.create(case=dual.case, pur_start=dt.date(2023, 4, 1))


def test_import_and_export_leave_the_blind_reviews_alone(sample, personas, reviewer_a2, tmp_path):
    from django.core.management import call_command

    from reviews.interchange import import_document

    from .test_interchange import full_document

    entry = sample.cases.get(case__case_id="CAL-01")
    first, second = calibration.start_dual_review(
        calibration.mark(entry, personas.qa_a), personas.reviewer_a, reviewer_a2, dt.date(2023, 4, 1), personas.qa_a
    )
    # A document for the same case and period is an ordinary review: created, not written over a blind one.
    result = import_document(full_document(case_id="CAL-01"))
    assert result.action == "created" and not result.review.calibration
    assert first.answers.count() == second.answers.count() == 0
    call_command("export_reviews", "--out", str(tmp_path), stdout=io.StringIO())
    assert [p.name for p in tmp_path.iterdir()] == ["CAL-01_2023-04-01.json"]
